/**
 * The example workflows of the quick start (examples/*.json) run as shipped, against the sandbox, with the
 * "Marketo Sandbox" credential id they reference. Sandbox only: they write to fixed sandbox leads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describeFailure, describeSandbox, E2eRig, NEEDS_SANDBOX, outputOf, REPO_DIR, type Workflow } from './rig';

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
		for (const file of ['lead-partitions-get-many.json', 'create-or-update-leads.json', 'update-lead-partition.json']) {
			const marketoNodes = load(file).nodes.filter((n) => n.type === 'n8n-nodes-marketo.marketo');
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
});
