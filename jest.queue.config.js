/** Queue mode (`npm run test:queue`): the packed package in n8n main + workers with Redis and PostgreSQL, against the sandbox. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/queue'],
	testMatch: ['**/*.queue.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	// the same once-per-run steps as the e2e suite: n8n installed, the package packed once
	globalSetup: '<rootDir>/test/e2e/global-setup.ts',
	globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
	testTimeout: 1_800_000,
	// one cluster (five n8n processes) at a time is all two cores take
	maxWorkers: 1,
	verbose: true,
};
