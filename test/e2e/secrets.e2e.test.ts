/**
 * Secrets: every operation of the Marketo node runs in a real n8n against the sandbox with a distinctive client
 * secret, along with failing calls (Marketo errors, an injected 601 and 606, a node that stops the workflow) and
 * a credential with a wrong secret, and n8n's HTTP Request node with the Marketo API credential (which keeps the
 * token, encrypted, in the stored credential). Neither the client secret nor any access token the sandbox issued
 * may appear in what n8n prints (`n8n execute` stdout and stderr: run data and node errors), in n8n's log file at debug
 * level, in n8n's database (saved executions), or in the URLs and queries of the sandbox's request log.
 *
 * Sandbox only: it needs a secret of its own choosing and the sandbox's fault injection.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	buildWorkflow,
	httpRequestNode,
	E2eRig,
	itemsNode,
	itSandbox,
	marketoNode,
	newId,
	outputOf,
	parseRunOutput,
	type NodeSpec,
	type RunResult,
} from './rig';

type Json = Record<string, unknown>;

const SECRET = `Sec-${randomBytes(12).toString('hex')}-ret`;
const WRONG_SECRET = `Wrong-${randomBytes(12).toString('hex')}-ret`;
const LIST_ID = 1021;
const DAY = 86_400_000;

const rl = (mode: string, value: unknown) => ({ __rl: true, mode, value: String(value) });

/** The forms a value could take on its way into text: as is, URL-encoded, base64, and JSON-escaped. */
function forms(value: string): string[] {
	return [...new Set([value, encodeURIComponent(value), Buffer.from(value).toString('base64'), JSON.stringify(value).slice(1, -1)])];
}

/** Every file under a folder (n8n's log folder), read as text. */
function filesUnder(dir: string): Array<{ file: string; text: string }> {
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((d) => d.isFile())
		.map((d) => {
			const file = join(d.parentPath, d.name);
			return { file, text: readFileSync(file).toString('latin1') };
		});
}

/**
 * With console logging on, n8n prints the run as a log line: `<time> | info  | {` ... `} {"file":...}`.
 * Read it from there when the rig's parser (which expects the bare JSON) found nothing.
 */
function withLoggedRun(result: RunResult): RunResult {
	if (result.run) return result;
	const lines = result.stdout.split('\n');
	const start = lines.findIndex((l) => /\| \{$/.test(l));
	const end = lines.findIndex((l, i) => i > start && /^\} \{.*\}$/.test(l));
	if (start === -1 || end === -1) return result;
	const run = parseRunOutput(['{', ...lines.slice(start + 1, end), '}'].join('\n'));
	const error = run?.data.resultData.error;
	return { ...result, run, error, ok: result.exitCode === 0 && !!run && !error };
}

describe('Client secret and access tokens stay out of n8n output, logs, saved executions and URLs', () => {
	let rig: E2eRig;
	const tokens = new Set<string>();
	const results: RunResult[] = [];
	const tag = `secrets-${newId(6).toLowerCase()}`;

	/**
	 * The API user's live token, as the sandbox issues it (the same token the node was given while it is valid). Only
	 * the sandbox-only tests below call it: the secret is the test's own.
	 */
	const collectToken = async (): Promise<void> => {
		const answer = await fetch(`${rig.baseUrl}/identity/oauth/token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ grant_type: 'client_credentials', client_id: rig.credentialData.clientId, client_secret: SECRET }),
		});
		tokens.add(((await answer.json()) as { access_token: string }).access_token);
	};

	const run = async (workflow: ReturnType<typeof buildWorkflow>): Promise<RunResult> => {
		const result = withLoggedRun(await rig.execute(workflow));
		results.push(result);
		await collectToken();
		return result;
	};

	const node = (name: string, parameters: Json, options: Parameters<typeof marketoNode>[2] = {}): NodeSpec =>
		marketoNode(rig.credential, parameters, { ...options, name });

	beforeAll(async () => {
		rig = await E2eRig.create({
			sandbox: { timeScale: 0.05, seedLeads: 300, clientSecret: SECRET },
			env: { N8N_LOG_OUTPUT: 'file,console', N8N_LOG_LEVEL: 'debug', N8N_LOG_FILE_LOCATION: 'logs/n8n.log' },
		});
		for (let id = 1; id <= 30; id++) rig.sandbox?.assets.addMember(LIST_ID, id);
	});

	afterAll(async () => {
		await rig?.dispose();
	});

	itSandbox('every operation runs with the distinctive secret', async () => {
		expect(rig.credentialData.clientSecret).toBe(SECRET);
		const sandbox = rig.sandbox!;
		// a 601 (token refused: the node fetches a new one and retries) and a 606 (rate window: it waits), both logged
		sandbox.injectFault({ path: '/rest/v1/leads/partitions.json', method: 'GET', kind: 'error', code: '601' });
		sandbox.injectFault({ path: '/rest/v1/lists/', method: 'GET', kind: 'error', code: '606' });
		const now = Date.now();
		const iso = (ms: number) => new Date(ms).toISOString();
		const leads = [0, 1].map((i) => ({ email: `${tag}-${i}@example.com`, firstName: 'Secret', lastName: `Test ${i}` }));
		const result = await run(
			buildWorkflow(
				'every operation',
				[
					itemsNode('Leads', leads),
					node('Lead Upsert', { resource: 'lead', operation: 'upsert', action: 'createOrUpdate', lookupField: 'email', dataMode: 'autoMap' }),
					node('Lead Get', { resource: 'lead', operation: 'get', leadId: '={{ $json.id }}', fields: ['email', 'firstName'] }),
					node('Partition Update', { resource: 'leadPartition', operation: 'update', leadId: '={{ $json.id }}', partitionName: 'Mexico' }),
					node('Member Add', { resource: 'listMembership', operation: 'add', list: rl('id', LIST_ID), leadId: '={{ $json.id }}' }),
					node('Member Check', { resource: 'listMembership', operation: 'isMember', list: rl('id', LIST_ID), leadId: '={{ $json.leadId }}' }),
					node('Member Remove', { resource: 'listMembership', operation: 'remove', list: rl('id', LIST_ID), leadId: '={{ $json.leadId }}' }),
					node('Lead Delete', { resource: 'lead', operation: 'delete', leadId: '={{ $json.leadId }}' }),
				],
				[node('Partitions', { resource: 'leadPartition', operation: 'getAll' })],
				[
					node('Leads By Email', {
						resource: 'lead',
						operation: 'getAll',
						filterType: 'email',
						filterValues: 'lead1@sandbox.example.com,lead2@sandbox.example.com',
						returnAll: true,
					}),
				],
				[
					node('List Create', { resource: 'staticList', operation: 'create', folder: rl('id', 13), folderType: 'Folder', name: `${tag}-list` }),
					node('List Get', { resource: 'staticList', operation: 'get', findBy: 'list', list: rl('id', '={{ $json.id }}') }),
					node('List Update', { resource: 'staticList', operation: 'update', list: rl('id', '={{ $json.id }}'), updateFields: { description: 'secret test' } }),
					node('List Delete', { resource: 'staticList', operation: 'delete', list: rl('id', '={{ $json.id }}') }),
				],
				[node('Lists', { resource: 'staticList', operation: 'getAll', folder: rl('id', 13), folderType: 'Folder', returnAll: true })],
				[node('Members', { resource: 'listMembership', operation: 'getLeads', list: rl('id', LIST_ID), returnAll: false, limit: 5 })],
				[
					itemsNode('Import Rows', leads),
					node('Import', { resource: 'bulkImport', operation: 'importLeads', source: 'items', pollInterval: 5 }),
					node('Import Status', { resource: 'bulkImport', operation: 'getStatus' }),
					node('Import Failures', { resource: 'bulkImport', operation: 'getFailures', batchId: "={{ $('Import').first().json.batchId }}" }),
					node('Import Warnings', { resource: 'bulkImport', operation: 'getWarnings', batchId: "={{ $('Import').first().json.batchId }}" }),
				],
				[
					node('Export', {
						resource: 'bulkExport',
						operation: 'exportLeads',
						fields: ['id', 'email'],
						filterType: 'staticList',
						list: rl('id', LIST_ID),
						options: { pollInterval: 1 },
					}),
					node('Export Download', { resource: 'bulkExport', operation: 'downloadFile', part: 'whole' }),
				],
				[
					node('Job Create', {
						resource: 'bulkExport',
						operation: 'createJob',
						fields: ['id', 'email'],
						filterType: 'createdAt',
						createdAfter: iso(now - 10 * DAY),
						createdBefore: iso(now),
					}),
					node('Job Enqueue', { resource: 'bulkExport', operation: 'enqueueJob' }),
					node('Job Status', { resource: 'bulkExport', operation: 'getJobStatus' }),
					// the sandbox finishes an export in seconds: on a slow machine the job may be Completed before the cancel
					// arrives (Marketo then answers 1003); the call goes out with the token either way, which is what counts here
					node('Job Cancel', { resource: 'bulkExport', operation: 'cancelJob' }, { onError: 'continueRegularOutput' }),
					node('Jobs', { resource: 'bulkExport', operation: 'getManyJobs', statuses: ['Canceled', 'Completed'], returnAll: true }),
				],
				// last, so that the injected 601 hits the Marketo node: the credential in n8n's HTTP Request node
				[httpRequestNode(rig, '/rest/v1/leads/partitions.json')],
			),
		);
		if (!result.ok) throw new Error(`"every operation" failed: ${result.error?.message}\n${result.stderr.slice(-3000)}`);
		// each operation did its work (so the secret and tokens went through every code path)
		expect(outputOf(result, 'Lead Delete').map((j) => j.status)).toEqual(['deleted', 'deleted']);
		expect(outputOf(result, 'Partitions').length).toBeGreaterThan(0);
		expect(outputOf(result, 'Leads By Email')).toHaveLength(2);
		expect(outputOf(result, 'List Delete')).toHaveLength(1);
		expect(outputOf(result, 'Members')).toHaveLength(5);
		expect(outputOf(result, 'Import Warnings')).not.toHaveLength(0);
		expect(outputOf(result, 'Export Download')).toHaveLength(1);
		expect(outputOf(result, 'Jobs').length).toBeGreaterThan(0);
		expect(outputOf(result, 'HTTP Request')).toEqual([expect.objectContaining({ success: true })]);
		const log = sandbox.requestLog;
		expect(log.filter((e) => e.code === '601' || e.code === '606').map((e) => e.code).sort()).toEqual(['601', '606']);
		expect(log.filter((e) => e.path === '/identity/oauth/token').length).toBeGreaterThanOrEqual(2);
	});

	itSandbox('failing calls and a stopped workflow', async () => {
		const sandbox = rig.sandbox!;
		// a token expired between runs: the next run gets a new one, which must stay hidden too
		sandbox.expireTokens();
		sandbox.injectFault({ path: '/rest/asset/v1/staticList/', kind: 'error', code: '603' });
		const result = await run(
			buildWorkflow(
				'failing calls',
				[node('Denied', { resource: 'staticList', operation: 'get', findBy: 'list', list: rl('id', LIST_ID) }, { onError: 'continueRegularOutput' })],
				[
					itemsNode('Unknown Lead', [{ id: 'not-a-number' }]),
					node('Bad Input', { resource: 'lead', operation: 'get', leadId: '={{ $json.id }}' }, { onError: 'continueRegularOutput' }),
				],
				[
					itemsNode('Some Leads', [{ id: 1 }, { id: 2 }]),
					node('Unknown List', { resource: 'listMembership', operation: 'add', list: rl('id', 999999), leadId: '={{ $json.id }}' }),
				],
			),
		);
		expect(result.ok).toBe(false);
		expect(result.error?.message).toMatch(/1013/);
		expect(JSON.stringify(outputOf(result, 'Denied'))).toMatch(/603/);
		expect(JSON.stringify(outputOf(result, 'Bad Input'))).toMatch(/Lead ID/);
	});

	itSandbox('a credential with a wrong secret fails with Marketo’s refusal', async () => {
		const wrong = { id: newId(), name: 'Marketo wrong secret' };
		await rig.importCredential(wrong, { ...rig.credentialData, clientSecret: WRONG_SECRET });
		const result = await run(
			buildWorkflow('bad credential', [marketoNode(wrong, { resource: 'leadPartition', operation: 'getAll' }, { name: 'Wrong Secret' })]),
		);
		expect(result.ok).toBe(false);
		expect(result.error?.message).toMatch(/refused the Client ID \/ Client Secret/);
		expect(rig.sandbox!.requestLog.some((e) => e.path === '/identity/oauth/token' && e.status === 401)).toBe(true);
	});

	itSandbox('neither the secrets nor any token appear anywhere n8n or the sandbox wrote', () => {
		expect(results).toHaveLength(3);
		expect(tokens.size).toBeGreaterThanOrEqual(2);
		const needles = [SECRET, WRONG_SECRET, ...tokens, ...[...tokens].map((t) => t.split(':')[0])].flatMap((value) =>
			forms(value).map((form) => ({ value, form })),
		);
		const leaks = (where: string, text: string) => needles.filter((n) => text.includes(n.form)).map((n) => `${where} contains ${n.form}`);

		const found: string[] = [];
		for (const result of results) {
			found.push(...leaks(`stdout of "${result.workflowId}"`, result.stdout));
			found.push(...leaks(`stderr of "${result.workflowId}"`, result.stderr));
			found.push(...leaks(`run data of "${result.workflowId}"`, JSON.stringify(result.run ?? {})));
		}

		// n8n's log file, written at debug level
		const logs = filesUnder(join(rig.userFolder, '.n8n', 'logs'));
		expect(logs.length).toBeGreaterThan(0);
		const logText = logs.map((l) => l.text).join('\n');
		expect(logText).toMatch(/Marketo .*601.*fetching a new one/);
		expect(logText).toMatch(/Marketo .*606.*waiting/);
		for (const l of logs) found.push(...leaks(l.file, l.text));

		// n8n's database: saved executions (the credential itself is stored encrypted)
		const db = readdirSync(join(rig.userFolder, '.n8n')).filter((f) => f.startsWith('database.sqlite'));
		expect(db.length).toBeGreaterThan(0);
		for (const f of db) found.push(...leaks(f, readFileSync(join(rig.userFolder, '.n8n', f)).toString('latin1')));

		// the sandbox's request log: URLs and queries (it masks client_secret and access_token by name)
		const log = rig.sandbox!.requestLog;
		found.push(...leaks('the sandbox request log', JSON.stringify(log)));
		expect(log.filter((e) => e.tokenSource === 'query')).toEqual([]);
		expect(log.filter((e) => e.query.client_secret !== undefined || e.query.access_token !== undefined)).toEqual([]);

		expect(found).toEqual([]);
	});
});
