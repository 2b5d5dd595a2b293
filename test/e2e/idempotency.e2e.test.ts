/**
 * Nothing created twice: each creating operation runs in a real n8n while the sandbox carries its create call out
 * and then drops the connection without an answer (fault `dropAfterHandling`). The node must not send the call
 * again; afterwards the sandbox holds exactly one job, list or lead, and the node's output says created (found
 * again: `recovered`) or, where Marketo does not let the node find out, that the outcome is unknown, per item.
 * Fault injection needs the sandbox: these tests are skipped against a real Marketo.
 */
import { buildWorkflow, describeFailure, E2eRig, itemsNode, itemsOf, itSandbox, marketoNode, marketoWorkflow, pairedIndexes, type RunResult, type Workflow } from './rig';
import type { FaultSpec, RequestLogEntry } from '../../sandbox';
import { DEFAULT_CLIENT_ID } from '../../sandbox/options';

const LEADS = '/rest/v1/leads.json';
const LISTS = '/rest/asset/v1/staticLists.json';
const EXPORT_CREATE = '/bulk/v1/leads/export/create.json';
const IMPORT = '/bulk/v1/leads.json';

type Json = Record<string, unknown>;

describe('nothing created twice when the answer to a create is lost (real n8n)', () => {
	let rig: E2eRig;

	const calls = (path: string): RequestLogEntry[] => (rig.requestLog() ?? []).filter((e) => e.path === path && e.method === 'POST');

	/** Runs the workflow once, with the create call at `path` carried out and its answer dropped. */
	const runDropped = async (workflow: Workflow, path: string): Promise<RunResult> => {
		const sandbox = rig.sandbox!;
		sandbox.injectFault({ method: 'POST', path, kind: 'dropAfterHandling' } as FaultSpec);
		try {
			return await rig.execute(workflow);
		} finally {
			sandbox.clearFaults();
		}
	};

	/** The create call went out exactly once (with what n8n said when not, to tell a failed boot from a repeat). */
	const sentOnce = (result: RunResult, path: string): void => {
		const sent = calls(path).length;
		if (sent !== 1) throw new Error(`POST ${path} was sent ${sent} times; the run:\n${result.ok ? 'succeeded' : describeFailure(result)}`);
	};

	const succeeded = (result: RunResult): Json[] => {
		if (!result.ok) throw new Error(describeFailure(result));
		return itemsOf(result, 'Marketo').map((item) => item.json);
	};

	beforeAll(async () => {
		rig = await E2eRig.create({ sandbox: { timeScale: 0.05 } });
	});
	afterAll(async () => {
		await rig?.dispose();
	});
	beforeEach(() => {
		rig.sandbox?.reset();
	});

	itSandbox('Export Create Job: one job in Marketo; the node finds it in the job list and reports it created', async () => {
		const result = await runDropped(
			marketoWorkflow(rig.credential, {
				resource: 'bulkExport',
				operation: 'createJob',
				fields: ['id', 'email'],
				format: 'CSV',
				filterType: 'json',
				filterJson: JSON.stringify({ staticListName: 'Foundation Seed List' }),
			}),
			EXPORT_CREATE,
		);
		const jobs = rig.sandbox!.state.exports.list(DEFAULT_CLIENT_ID);
		sentOnce(result, EXPORT_CREATE);
		expect(jobs).toHaveLength(1);
		const [out] = succeeded(result);
		expect(out).toEqual(expect.objectContaining({ exportId: jobs[0].exportId, status: 'Created', recovered: true }));
	});

	itSandbox('Static List Create: one list in Marketo; the node finds it by name and reports it created', async () => {
		const name = 'Idempotency Attendees';
		const result = await runDropped(
			marketoWorkflow(rig.credential, { resource: 'staticList', operation: 'create', folder: { __rl: true, mode: 'id', value: '13' }, folderType: 'Folder', name }),
			LISTS,
		);
		const lists = rig.sandbox!.assets.allLists().filter((l) => l.name === name);
		sentOnce(result, LISTS);
		expect(lists).toHaveLength(1);
		const [out] = succeeded(result);
		expect(out).toEqual(expect.objectContaining({ id: lists[0].id, name, recovered: true }));
	});

	itSandbox('Create Only: one lead per email; the new ones are reported created, the one that was there skipped', async () => {
		const sandbox = rig.sandbox!;
		const old = sandbox.leads.create({ email: 'known@example.com' }, 1, Date.now() - 3_600_000);
		const emails = ['new-1@example.com', 'new-2@example.com', 'known@example.com'];
		const result = await runDropped(
			marketoWorkflow(
				rig.credential,
				{ resource: 'lead', operation: 'upsert', action: 'createOnly', lookupField: 'email', dataMode: 'autoMap' },
				{ items: emails.map((email) => ({ email })) },
			),
			LEADS,
		);
		sentOnce(result, LEADS);
		for (const email of emails) expect(sandbox.leads.findBy('email', email)).toHaveLength(1);
		const items = itemsOf(result, 'Marketo');
		const out = succeeded(result);
		expect(items.map((item) => pairedIndexes(item))).toEqual([[0], [1], [2]]);
		expect(out.map((o) => [o.email, o.status, o.recovered])).toEqual([
			['new-1@example.com', 'created', true],
			['new-2@example.com', 'created', true],
			['known@example.com', 'skipped', true],
		]);
		expect(out[0].id).toBe(sandbox.leads.findBy('email', 'new-1@example.com')[0]);
		expect(out[2].id).toBe(old.id);
	});

	itSandbox('Create Duplicate: each lead made once; found by email and reported created, a lead without email reported unknown', async () => {
		const sandbox = rig.sandbox!;
		sandbox.leads.create({ email: 'twin@example.com', firstName: 'Older' }, 1, Date.now() - 3_600_000);
		const input: Json[] = [{ email: 'dup-1@example.com' }, { email: 'twin@example.com', firstName: 'Newer' }, { firstName: 'No Email' }];
		const result = await runDropped(
			marketoWorkflow(rig.credential, { resource: 'lead', operation: 'upsert', action: 'createDuplicate', dataMode: 'autoMap' }, { items: input }),
			LEADS,
		);
		sentOnce(result, LEADS);
		expect(sandbox.leads.findBy('email', 'dup-1@example.com')).toHaveLength(1);
		// the one that was there before, and the one this run made
		expect(sandbox.leads.findBy('email', 'twin@example.com')).toHaveLength(2);
		expect(sandbox.leads.findBy('firstName', 'No Email')).toHaveLength(1);
		const items = itemsOf(result, 'Marketo');
		const out = succeeded(result);
		expect(items.map((item) => pairedIndexes(item))).toEqual([[0], [1], [2]]);
		expect(out.slice(0, 2).map((o) => [o.status, o.recovered])).toEqual([
			['created', true],
			['created', true],
		]);
		expect(out[1].id).toBe(Math.max(...sandbox.leads.findBy('email', 'twin@example.com')));
		expect(out[2]).toEqual(expect.objectContaining({ status: 'unknown', reasonCode: 'OUTCOME_UNKNOWN' }));
		expect(String(out[2].reasonMessage)).toMatch(/Check in Marketo/);
	});

	itSandbox('Bulk import upload: one import job; the node does not upload again and says the outcome is unknown', async () => {
		const result = await runDropped(
			buildWorkflow('import dropped', [
				itemsNode('Items', [{ email: 'import-1@example.com' }, { email: 'import-2@example.com' }]),
				marketoNode(rig.credential, { resource: 'bulkImport', operation: 'importLeads', pollInterval: 5 }),
			]),
			IMPORT,
		);
		sentOnce(result, IMPORT);
		const jobs = [1001, 1002].filter((batchId) => rig.sandbox!.state.imports.get(batchId) !== undefined);
		expect(jobs).toEqual([1001]);
		const said = result.ok ? JSON.stringify(itemsOf(result, 'Marketo').map((i) => i.json)) : describeFailure(result);
		expect(said).toMatch(/unknown/i);
	});
});
