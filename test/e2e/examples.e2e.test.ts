/**
 * The example workflows of the quick start (examples/*.json) run as shipped, against the sandbox, with the
 * "Marketo Sandbox" credential id they reference. Sandbox only: they write to fixed sandbox leads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describeFailure, describeSandbox, E2eRig, NEEDS_SANDBOX, outputOf, REPO_DIR, waitFor, type Workflow } from './rig';

const load = (file: string): Workflow => JSON.parse(readFileSync(join(REPO_DIR, 'examples', file), 'utf8')) as Workflow;

describeSandbox(NEEDS_SANDBOX.seeds)('example workflows (examples/*.json)', () => {
	let rig: E2eRig;

	const run = async (file: string) => {
		const workflow = load(file);
		await rig.importWorkflows([workflow]);
		const result = await rig.executeImported(workflow.id);
		if (!result.ok) throw new Error(`${file} failed:\n${describeFailure(result)}`);
		return result;
	};

	beforeAll(async () => {
		// like `npm start`: a sandbox seeded with 100 leads behind the "Marketo Sandbox" credential
		rig = await E2eRig.create({ sandbox: { seedLeads: 100 } });
		await rig.importCredential({ id: 'mktoSandboxCred1', name: 'Marketo Sandbox' }, rig.credentialData);
	});

	afterAll(async () => {
		await rig?.dispose();
	});

	it('every example uses the Marketo Sandbox credential', () => {
		const files = readdirSync(join(REPO_DIR, 'examples')).filter((f) => f.endsWith('.json'));
		expect(files.length).toBeGreaterThanOrEqual(10);
		for (const file of files) {
			const marketoNodes = load(file).nodes.filter((n) => n.type.startsWith('n8n-nodes-marketo.'));
			expect(marketoNodes.length).toBeGreaterThan(0);
			for (const n of marketoNodes) expect(n.credentials).toEqual({ marketoApi: { id: 'mktoSandboxCred1', name: 'Marketo Sandbox' } });
		}
	});

	it('lead-partitions-get-many.json lists the partitions', async () => {
		const result = await run('lead-partitions-get-many.json');
		expect(outputOf(result, 'Get lead partitions').map((p) => p.name)).toEqual(['Default', 'Mexico', 'Canada']);
	});

	it('create-or-update-leads.json creates two leads and updates a seeded one', async () => {
		const result = await run('create-or-update-leads.json');
		expect(outputOf(result, 'Create or update leads').map((o) => o.status)).toEqual(['created', 'created', 'updated']);
	});

	it('update-lead-partition.json moves three seeded leads to Mexico', async () => {
		const result = await run('update-lead-partition.json');
		expect(outputOf(result, 'Find leads')).toHaveLength(3);
		const moved = outputOf(result, 'Move to partition');
		expect(moved).toHaveLength(3);
		expect(moved.every((m) => m.status === 'updated' && m.partitionName === 'Mexico')).toBe(true);
	});

	it('static-lists-in-folder.json lists the three lists of Seed Lists', async () => {
		const result = await run('static-lists-in-folder.json');
		expect(outputOf(result, 'Lists in Seed Lists').map((l) => l.id)).toEqual([1021, 1022, 1023]);
	});

	it('add-leads-to-list.json adds five leads to Foundation Seed List, then finds each a member', async () => {
		const result = await run('add-leads-to-list.json');
		expect(outputOf(result, 'Add to list').map((o) => [o.leadId, o.status])).toEqual([1, 2, 3, 4, 5].map((id) => [id, 'added']));
		expect(outputOf(result, 'Check membership').map((o) => o.status)).toEqual(Array(5).fill('memberof'));
	});

	it('bulk-import-leads.json imports three leads and waits for the job to complete', async () => {
		const result = await run('bulk-import-leads.json');
		const [job] = outputOf(result, 'Import leads');
		expect(job).toEqual(expect.objectContaining({ status: 'Complete', numOfLeadsProcessed: 3, numOfRowsFailed: 0 }));
	});

	it('bulk-export-leads.json exports the leads created this week as items (the 100 seeded ones and more)', async () => {
		const result = await run('bulk-export-leads.json');
		const leads = outputOf(result, 'Export leads');
		expect(leads.length).toBeGreaterThanOrEqual(100);
		expect(leads.map((l) => l.email)).toContain('lead1@sandbox.example.com');
	});

	it('create-or-update-leads-mapped.json maps sheet columns to lead fields, converting numbers, dates and TRUE/FALSE', async () => {
		const result = await run('create-or-update-leads-mapped.json');
		expect(outputOf(result, 'Create or update leads').map((o) => o.status)).toEqual(['created', 'created', 'updated']);
		const leads = rig.sandbox!.leads;
		const stored = (email: string) => leads.get(leads.findBy('email', email)[0]);
		expect(stored('carla.mendes@example.com')).toMatchObject({ firstName: 'Carla', numberOfEmployees: 250, dateOfBirth: '1990-05-17', unsubscribed: false });
		expect(stored('omar.haddad@example.com')).toMatchObject({ numberOfEmployees: 12, unsubscribed: true });
		expect(stored('lead2@sandbox.example.com')).toMatchObject({ firstName: 'Updated', company: 'Sandbox Ltd', dateOfBirth: '1979-11-30' });
	});

	it('nightly-export.json and export-finished-add-to-list.json: the job the first enqueues fires the second, which adds the exported leads to the list', async () => {
		const [nightly, onFinished] = [load('nightly-export.json'), load('export-finished-add-to-list.json')];
		const sandbox = rig.sandbox!;
		await rig.importWorkflows([nightly, onFinished]);
		expect((await rig.activateWorkflow(onFinished.id)).code).toBe(0);
		const jobListCalls = () => sandbox.requestLog.filter((e) => e.path === '/bulk/v1/leads/export.json' && e.method === 'GET').length;

		// activated first (jobs that finished before activation are not replayed) ...
		sandbox.clearLog();
		let n8n = await rig.startN8n();
		await waitFor('the trigger\'s activation poll', () => jobListCalls() > 0);
		await n8n.stop();

		// ... then the nightly workflow runs (by hand here; at 2:00 when active) while n8n is down ...
		const nightlyRun = await run('nightly-export.json');
		const [enqueued] = outputOf(nightlyRun, 'Enqueue export job');
		expect(enqueued).toEqual(expect.objectContaining({ exportId: expect.any(String), status: 'Queued' }));
		const exportId = String(enqueued.exportId);

		// ... and on the next start the trigger fires for the job, downloads its file, and the leads go to the list
		sandbox.clearLog();
		n8n = await rig.startN8n();
		try {
			const adds = () => sandbox.requestLog.filter((e) => e.path === '/rest/v1/lists/1021/leads.json' && e.method === 'POST');
			await waitFor('the trigger workflow to add the exported leads to the list', () => adds().length > 0);
			const downloads = sandbox.requestLog.filter((e) => e.path === `/bulk/v1/leads/export/${exportId}/file.json`);
			expect(downloads.length).toBeGreaterThanOrEqual(1);
			expect(adds().reduce((sum, e) => sum + (e.recordCount ?? 0), 0)).toBeGreaterThanOrEqual(100);
		} finally {
			await n8n.stop();
		}
	});
});
