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

import { normalizeBaseUrl } from '../../nodes/Marketo/transport';
import {
	AGAINST_REAL_MARKETO,
	buildWorkflow,
	CREDENTIAL_TYPE,
	describeFailure,
	E2eRig,
	generatedItemsNode,
	itemsOf,
	type NodeSpec,
	type Workflow,
} from './rig';

const PARTITIONS = '/rest/v1/leads/partitions.json';
const TOKEN = '/identity/oauth/token';
const CALLS = 100;
/** The Code node making the items waits for n8n's task runner: on a loaded machine longer than n8n's 60 s default. */
const RUNNER_ENV = { N8N_RUNNERS_TASK_REQUEST_TIMEOUT: '600' };

const HAS_SQLITE = spawnSync('sqlite3', ['-version']).status === 0;
const itWithSqlite = HAS_SQLITE ? it : it.skip;
const itSandboxWithSqlite = HAS_SQLITE && !AGAINST_REAL_MARKETO ? it : it.skip;
const NEEDS_SQLITE = HAS_SQLITE ? '' : ' (skipped: counting writes needs the sqlite3 command-line tool)';
const NEEDS_SANDBOX = AGAINST_REAL_MARKETO ? ' (skipped against a real Marketo: needs the sandbox’s short token lifetime)' : '';

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

/** `count` items, then n8n's HTTP Request node calling Marketo once per item with the Marketo API credential. */
function partitionsPerItem(rig: E2eRig, count: number): Workflow {
	const request: NodeSpec = {
		name: 'HTTP Request',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'GET',
			url: `${normalizeBaseUrl(rig.baseUrl)}${PARTITIONS}`,
			authentication: 'predefinedCredentialType',
			nodeCredentialType: CREDENTIAL_TYPE,
			options: {},
		},
		credentials: { [CREDENTIAL_TYPE]: { id: rig.credential.id, name: rig.credential.name } },
	};
	return buildWorkflow(`${count} HTTP Request calls with the Marketo API credential`, [generatedItemsNode('Items', count, '(i) => ({ i })'), request]);
}

async function runAll(rig: E2eRig, workflow: Workflow, count: number): Promise<void> {
	const result = await rig.executeImported(workflow.id);
	if (!result.ok) throw new Error(describeFailure(result));
	const items = itemsOf(result, 'HTTP Request');
	expect(items).toHaveLength(count);
	expect(items.filter((item) => item.json.success !== true).map((item) => item.json)).toEqual([]);
}

describe('the Marketo API credential in the HTTP Request node is written only when its token changes', () => {
	describe('with Marketo’s token lifetime', () => {
		let rig: E2eRig;
		beforeAll(async () => {
			rig = await E2eRig.create({ env: RUNNER_ENV });
		});
		afterAll(async () => {
			await rig?.dispose();
		});

		itWithSqlite(`${CALLS} calls write the credential at most once, and a second run not at all${NEEDS_SQLITE}`, async () => {
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
			rig = await E2eRig.create({ sandbox: { tokenLifetimeSeconds: lifetimeSeconds }, env: RUNNER_ENV });
		});
		afterAll(async () => {
			await rig?.dispose();
		});

		itSandboxWithSqlite(`a stored token past its useful life is replaced before use, with one write per new token${NEEDS_SQLITE}${NEEDS_SANDBOX}`, async () => {
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
