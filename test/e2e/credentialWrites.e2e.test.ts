/**
 * Database writes of the Marketo API credential in n8n's HTTP Request node. n8n saves (re-encrypts and writes) a
 * credential whenever its preAuthentication hands back the expirable field; the credential must be written only
 * when its token changes, not once per request, and a stored token past its useful life must still be replaced
 * before a request is sent with it.
 *
 * Writes are counted in the rig's own n8n database (SQLite in the user folder) by a trigger on the credentials
 * table, installed with the sqlite3 command-line tool between executions (no n8n process has the file open then).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

import {
	buildWorkflow,
	httpRequestNode,
	describeFailure,
	E2eRig,
	itemsOf,
	itSandbox,
	NEEDS_SANDBOX,
	type NodeSpec,
	type Workflow,
} from './rig';

const PARTITIONS = '/rest/v1/leads/partitions.json';
const TOKEN = '/identity/oauth/token';
const CALLS = 100;

const HAS_SQLITE = spawnSync('sqlite3', ['-version']).status === 0;
/** Counting writes needs the sqlite3 command-line tool: without it the test is skipped, the reason in its name. */
const itCounting: jest.It = HAS_SQLITE
	? it
	: (((name: string, fn?: jest.ProvidesCallback, timeout?: number) =>
			it.skip(`${name} [skipped: counting writes needs the sqlite3 command-line tool]`, fn, timeout)) as unknown as jest.It);
const itCountingInSandbox: jest.It = HAS_SQLITE ? itSandbox.because(NEEDS_SANDBOX.clock) : itCounting;

function sql(rig: E2eRig, statement: string): string {
	return execFileSync('sqlite3', [join(rig.userFolder, '.n8n', 'database.sqlite'), statement], { encoding: 'utf8' }).trim();
}

/** From now on every UPDATE of the credential's row is counted. */
function countWrites(rig: E2eRig): void {
	sql(
		rig,
		`CREATE TABLE IF NOT EXISTS e2e_credential_writes (credential_id TEXT);
		 CREATE TRIGGER IF NOT EXISTS e2e_count_credential_writes AFTER UPDATE ON credentials_entity
		 BEGIN INSERT INTO e2e_credential_writes VALUES (NEW.id); END;`,
	);
}

function writes(rig: E2eRig): number {
	return Number(sql(rig, `SELECT COUNT(*) FROM e2e_credential_writes WHERE credential_id = '${rig.credential.id}'`));
}

/**
 * `count` items, then n8n's HTTP Request node calling Marketo once per item with the Marketo API credential, paced
 * with its Batching option as Marketo requires (5 calls at a time, 100 per 20 s: all at once would meet 615/606).
 */
function partitionsPerItem(rig: E2eRig, count: number): Workflow {
	const request = httpRequestNode(rig, PARTITIONS, { batching: { batch: { batchSize: 5, batchInterval: 1000 } } });
	// the items come from Edit Fields and Split Out, not a Code node: no wait for n8n's task runner on a loaded machine
	const numbers: NodeSpec = {
		name: 'Numbers',
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		parameters: { mode: 'raw', jsonOutput: JSON.stringify({ i: Array.from({ length: count }, (_, k) => k) }), options: {} },
	};
	const items: NodeSpec = {
		name: 'Items',
		type: 'n8n-nodes-base.splitOut',
		typeVersion: 1,
		parameters: { fieldToSplitOut: 'i', include: 'noOtherFields', options: {} },
	};
	return buildWorkflow(`${count} HTTP Request calls with the Marketo API credential`, [numbers, items, request]);
}

async function runAll(rig: E2eRig, workflow: Workflow, count: number): Promise<void> {
	const result = await rig.executeImported(workflow.id, 15 * 60_000);
	if (!result.ok) throw new Error(describeFailure(result));
	const items = itemsOf(result, 'HTTP Request');
	expect(items).toHaveLength(count);
	expect(items.filter((item) => item.json.success !== true).map((item) => item.json)).toEqual([]);
}

describe('the Marketo API credential in the HTTP Request node is written only when its token changes', () => {
	describe('with Marketo’s token lifetime', () => {
		let rig: E2eRig;
		beforeAll(async () => {
			rig = await E2eRig.create();
		});
		afterAll(async () => {
			await rig?.dispose();
		});

		itCounting(`${CALLS} calls write the credential at most once, and a second run not at all`, async () => {
			const workflow = partitionsPerItem(rig, CALLS);
			await rig.importWorkflows([workflow]);
			countWrites(rig);
			rig.sandbox?.clearLog();

			await runAll(rig, workflow, CALLS);
			const firstRun = writes(rig);
			await runAll(rig, workflow, CALLS);
			const secondRun = writes(rig) - firstRun;

			// the fresh credential gets its token once; the second run (another n8n process) reuses the stored one
			expect({ firstRun, secondRun }).toEqual({ firstRun: 1, secondRun: 0 });
			await rig.sandboxOnly((sandbox) => {
				const log = sandbox.requestLog;
				expect(log.filter((e) => e.path === TOKEN)).toHaveLength(1);
				const calls = log.filter((e) => e.path === PARTITIONS);
				expect(calls).toHaveLength(2 * CALLS);
				expect(calls.every((e) => e.tokenSource === 'header' && !e.code)).toBe(true);
			});
		});
	});

	describe('with a token that expires in seconds', () => {
		// long enough for a run's calls on a loaded machine (a token is used while more than 7.5 s of it are left)
		const lifetimeSeconds = 30;
		let rig: E2eRig;
		beforeAll(async () => {
			rig = await E2eRig.create({ sandbox: { tokenLifetimeSeconds: lifetimeSeconds } });
		});
		afterAll(async () => {
			await rig?.dispose();
		});

		itCountingInSandbox('a stored token past its useful life is replaced before use, with one write per new token', async () => {
			const sandbox = rig.sandbox!;
			const count = 20;
			const workflow = partitionsPerItem(rig, count);
			await rig.importWorkflows([workflow]);
			countWrites(rig);

			await runAll(rig, workflow, count);
			const tokensFirst = sandbox.requestLog.filter((e) => e.path === TOKEN).length;
			const writesFirst = writes(rig);
			// until the token the credential stored has expired in the sandbox
			const tokenCall = sandbox.requestLog.filter((e) => e.path === TOKEN).pop()!;
			const expiredAt = new Date(tokenCall.time).getTime() + lifetimeSeconds * 1000;
			await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiredAt - Date.now()) + 100));
			sandbox.clearLog();

			await runAll(rig, workflow, count);
			const log = sandbox.requestLog;
			const newTokens = log.filter((e) => e.path === TOKEN).length;
			const writesSecond = writes(rig) - writesFirst;
			// no call went out with the stale token: none was refused (601/602)
			expect(log.filter((e) => e.path === PARTITIONS && e.code)).toEqual([]);
			expect(log.filter((e) => e.path === PARTITIONS)).toHaveLength(count);
			expect(newTokens).toBeGreaterThanOrEqual(1);
			// written when the token changed, and only then (a token shorter than the run may change more than once)
			expect(writesFirst).toBeLessThanOrEqual(tokensFirst);
			expect(writesSecond).toBeGreaterThanOrEqual(1);
			expect(writesSecond).toBeLessThanOrEqual(newTokens);
		});
	});
});
