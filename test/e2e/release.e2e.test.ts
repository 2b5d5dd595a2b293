/**
 * What differs between the tested n8n releases (RELEASE in rig.ts): the Node.js n8n runs on, the command that
 * activates a workflow, and the shortest poll schedule a trigger may have. Run in each release by `npm run test:compat`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	acceptsHalfMinutePolls,
	CREDENTIAL_TYPE,
	E2eRig,
	ensureN8n,
	HALF_MINUTE_CRON,
	itSandbox,
	MINUTE_CRON,
	n8nEnv,
	NEEDS_SANDBOX,
	N8N_VERSION,
	RELEASE,
	REPO_DIR,
	triggeredWorkflow,
	waitFor,
	type StartedN8n,
} from './rig';

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

	itSandbox.because(NEEDS_SANDBOX.log)('polls as often as RELEASE.pollSeconds says: a half-minute cron activates only where the release accepts it, a minute cron everywhere', async () => {
		const rig = await E2eRig.create();
		let n8n: StartedN8n | undefined;
		try {
			// two events, so that each workflow's activation poll is told apart in the request log
			const trigger = (parameters: Record<string, unknown>, cronExpression: string) => ({
				name: 'Marketo Trigger',
				type: 'n8n-nodes-marketo.marketoTrigger',
				typeVersion: 1,
				parameters: { ...parameters, pollTimes: { item: [{ mode: 'custom', cronExpression }] } },
				credentials: { [CREDENTIAL_TYPE]: { id: rig.credential.id, name: rig.credential.name } },
			});
			const halfMinute = triggeredWorkflow('Polls every 30 s', trigger({ event: 'exportFinished', statuses: ['Completed'] }, HALF_MINUTE_CRON));
			const minute = triggeredWorkflow('Polls every minute', trigger({ event: 'newLead' }, MINUTE_CRON));
			await rig.importWorkflows([halfMinute, minute]);
			for (const workflow of [halfMinute, minute]) expect((await rig.activateWorkflow(workflow.id)).code).toBe(0);
			n8n = await rig.startN8n();
			const started = n8n;
			const requestLog = () => rig.sandbox?.requestLog ?? [];
			// activating a polling trigger polls once at once; a refused one only leaves n8n's reason in its output
			const polled = {
				halfMinute: () => requestLog().some((e) => e.method === 'GET' && e.path === '/bulk/v1/leads/export.json'),
				minute: () => requestLog().some((e) => e.path === '/rest/v1/activities/pagingtoken.json'),
			};
			const refused = () => started.output().includes('The polling interval is too short');
			await waitFor('the minute workflow to poll, and the half-minute one to poll or be refused', () => polled.minute() && (polled.halfMinute() || refused()));
			const accepts = acceptsHalfMinutePolls(N8N_VERSION);
			expect({ halfMinutePolled: polled.halfMinute(), refused: refused() }).toEqual({ halfMinutePolled: accepts, refused: !accepts });
			expect(RELEASE.pollSeconds).toBe(accepts ? 30 : 60);
		} finally {
			await n8n?.stop();
			await rig.dispose();
		}
	});
});
