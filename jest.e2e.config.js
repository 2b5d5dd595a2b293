/** End-to-end tests: the packed package inside a real n8n, against the sandbox (or a real Marketo). */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	globalSetup: '<rootDir>/test/e2e/global-setup.ts',
	globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
	testTimeout: 600000,
	maxWorkers: 1,
	// One line per test with its time, so slow real-n8n runs are visible in CI logs.
	verbose: true,
};
