/**
 * What differs between the tested n8n releases (RELEASE in rig.ts): the Node.js n8n runs on, and the command that
 * activates a workflow. Run in each release by `npm run test:compat`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureN8n, n8nEnv, N8N_VERSION, RELEASE, REPO_DIR } from './rig';

/** Whether `version` (e.g. v24.22.3) meets an engines range such as ">=20.19 <= 24.x" or ">=24.0.0". */
function meetsEngines(version: string, range: string): boolean {
	const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
	const comparators = [...range.matchAll(/(>=|<=|>|<|=)?\s*(\d+)(?:\.(\d+|x))?(?:\.(?:\d+|x))?/g)];
	return comparators.every(([, op = '=', m, n]) => {
		const wantMajor = Number(m);
		const wantMinor = n === undefined || n === 'x' ? undefined : Number(n);
		const cmp = major !== wantMajor ? major - wantMajor : wantMinor === undefined ? 0 : minor - wantMinor;
		if (op === '>=') return cmp >= 0;
		if (op === '<=') return cmp <= 0;
		if (op === '>') return cmp > 0;
		if (op === '<') return cmp < 0;
		return cmp === 0;
	});
}

describe(`n8n ${N8N_VERSION}: what differs between releases`, () => {
	const folder = mkdtempSync(join(process.env.E2E_TMPDIR ?? tmpdir(), 'n8n-release-'));

	afterAll(() => rmSync(folder, { recursive: true, force: true }));

	it('n8n commands run on a Node.js that this release accepts (engines), not necessarily the one running the tests', async () => {
		await ensureN8n();
		const engines = (
			JSON.parse(readFileSync(join(REPO_DIR, '.n8n-runtime', N8N_VERSION, 'node_modules', 'n8n', 'package.json'), 'utf8')) as {
				engines: { node: string };
			}
		).engines.node;
		const node = spawnSync('node', ['--version'], { env: n8nEnv(folder), encoding: 'utf8' }).stdout.trim();
		expect({ node, meets: meetsEngines(node, engines) }).toEqual({ node, meets: true });
		expect(node === process.version).toBe(RELEASE.nodeBinDir() === undefined);
	});

	it('knows the command that activates a workflow in this release', async () => {
		const bin = await ensureN8n();
		const [command] = RELEASE.activateArgs('x');
		const help = spawnSync(bin, [command, '--help'], { env: n8nEnv(folder), encoding: 'utf8', timeout: 300_000 });
		expect({ status: help.status, mentionsId: /--id/.test(help.stdout + help.stderr) }).toEqual({ status: 0, mentionsId: true });
	});
});
