/** End-to-end tests: the packed package inside a real n8n, against the sandbox (or a real Marketo). */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	globalSetup: '<rootDir>/test/e2e/global-setup.ts',
	globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
	testTimeout: 600000,
	// Test files are independent (own user folder, own sandbox, free ports), and most of a file's time is spent
	// waiting on n8n (boots, polls), so two files at a time on CI's 2 cores cut the suite from ~12 to ~7 minutes.
	// `--runInBand` on the command line still forces one at a time.
	maxWorkers: 2,
	// One line per test with its time, so slow real-n8n runs are visible in CI logs.
	verbose: true,
};
