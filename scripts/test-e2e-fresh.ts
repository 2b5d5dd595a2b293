/**
 * `npm run test:e2e:fresh [-- <jest arguments>]`: the end-to-end suite in its real-Marketo mode (MARKETO_* set), against
 * a sandbox that starts like a Marketo instance nobody has used yet (`--fresh`: one partition, Default; only the
 * Marketing Activities folder; no static lists; no leads). What the suite does against a user's own instance runs
 * here, so a test that only works on the sandbox's seeds fails here too. Tests that need the sandbox itself (fault
 * injection, its request log) are skipped with their reason in their name.
 *
 * The sandbox runs at Marketo's own durations (time scale 1: 100 calls per 20 s, bulk phases of at least 1 s).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { MarketoSandbox } from '../sandbox';

async function main(): Promise<number> {
	const sandbox = new MarketoSandbox({ fresh: true, port: 0, clientId: 'fresh-instance-client', clientSecret: 'fresh-instance-secret' });
	const { url } = await sandbox.start();
	process.stdout.write(`[e2e:fresh] fresh sandbox on ${url}: partitions Default; folder Marketing Activities; no lists, no leads\n`);
	const env: NodeJS.ProcessEnv = {
		...process.env,
		MARKETO_BASE_URL: url,
		MARKETO_CLIENT_ID: sandbox.options.users[0].clientId,
		MARKETO_CLIENT_SECRET: sandbox.options.users[0].clientSecret,
	};
	const jest = join(__dirname, '..', 'node_modules', '.bin', 'jest');
	const child = spawn(jest, ['--config', 'jest.e2e.config.js', ...process.argv.slice(2)], { stdio: 'inherit', env, cwd: join(__dirname, '..') });
	const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
	const { leads, quotaUsed } = sandbox.stats() as { leads: number; quotaUsed: number };
	const lists = sandbox.assets.allLists().length;
	process.stdout.write(`[e2e:fresh] ${quotaUsed} calls counted against the daily quota; left behind: ${leads} leads, ${lists} static lists\n`);
	await sandbox.stop();
	return code;
}

void main().then((code) => process.exit(code));
