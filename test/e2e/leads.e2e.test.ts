/**
 * Leads and lead partitions end to end: the packed package in a real n8n against the sandbox (or a real
 * Marketo). The tests run in order and share the leads they create; the Delete test removes them, and
 * afterAll removes whatever is left when a test failed half way.
 */
import {
	buildWorkflow,
	describeFailure,
	E2eRig,
	errorOf,
	itemsNode,
	itemsOf,
	itSandbox,
	marketoNode,
	marketoWorkflow,
	NEEDS_SANDBOX,
	outputOf,
	pairedIndexes,
	uniqueName,
	type RunResult,
} from './rig';
import type { RequestLogEntry } from '../../sandbox';

const LEADS = 995;
const BOGUS_IDS = [999999991, 999999992, 999999993, 999999994, 999999995];

describe('Marketo leads and lead partitions in a real n8n', () => {
	let rig: E2eRig;
	const tag = uniqueName('e2e').toLowerCase();
	const emailOf = (i: number) => `${tag}-${i}@example.com`;
	let createdIds: number[] = [];
	let partitions: Array<{ id: number; name: string }> = [];
	let target: { id: number; name: string };

	/** The sandbox's request log of the last run (`ok`): read by the request-log test that follows a run. */
	let lastLog: RequestLogEntry[] = [];
	let deleteLog: RequestLogEntry[] = [];
	const calls = (path: string, method?: string): RequestLogEntry[] => lastLog.filter((e) => e.path === path && (!method || e.method === method));
	/** A test of the calls the run before it made, skipped against a real Marketo with the reason in its name. */
	const itLog = itSandbox.because(NEEDS_SANDBOX.log);

	const ok = async (workflow: Parameters<E2eRig['execute']>[0]): Promise<RunResult> => {
		rig.sandbox?.clearLog();
		const result = await rig.execute(workflow);
		lastLog = [...(rig.requestLog() ?? [])];
		if (!result.ok) throw new Error(`"${workflow.name}" failed:\n${describeFailure(result)}`);
		return result;
	};

	beforeAll(async () => {
		rig = await E2eRig.create();
	});

	afterAll(async () => {
		// leave nothing behind in a real instance
		if (rig && createdIds.length > 0) {
			await rig
				.execute(marketoWorkflow(rig.credential, { resource: 'lead', operation: 'delete', leadId: '={{ $json.id }}' }, { items: createdIds.map((id) => ({ id })) }))
				.catch(() => undefined);
		}
		await rig?.dispose();
	});

	it('Lead Partition > Get Many lists the partitions', async () => {
		const result = await ok(marketoWorkflow(rig.credential, { resource: 'leadPartition', operation: 'getAll' }));
		partitions = outputOf(result, 'Marketo') as Array<{ id: number; name: string }>;
		expect(partitions.length).toBeGreaterThan(0);
		for (const p of partitions) expect(p).toEqual(expect.objectContaining({ id: expect.any(Number), name: expect.any(String) }));
		expect(partitions.map((p) => p.name)).toContain('Default');
		target = partitions.find((p) => p.name !== 'Default') ?? partitions[0];
	});

	itSandbox.because(NEEDS_SANDBOX.seeds)("Lead Partition > Get Many gives the sandbox's three partitions, in one call", () => {
		expect(partitions.map((p) => p.name)).toEqual(['Default', 'Mexico', 'Canada']);
		expect(calls('/rest/v1/leads/partitions.json')).toHaveLength(1);
	});

	it(`Lead > Create or Update creates ${LEADS} leads, one status per item`, async () => {
		rig.removeLeadsAfterwards(Array.from({ length: LEADS }, (_, i) => emailOf(i)));
		const result = await ok(
			marketoWorkflow(
				rig.credential,
				{ resource: 'lead', operation: 'upsert', action: 'createOrUpdate', lookupField: 'email', dataMode: 'autoMap' },
				{ count: LEADS, make: `(i) => ({ email: '${tag}-' + i + '@example.com', firstName: 'E2e', lastName: 'Lead ' + i, company: '${tag}' })` },
			),
		);
		const items = itemsOf(result, 'Marketo');
		expect(items).toHaveLength(LEADS);
		items.forEach((item, i) => {
			expect(pairedIndexes(item)).toEqual([i]);
			expect(item.json).toEqual(expect.objectContaining({ email: emailOf(i), status: 'created', id: expect.any(Number) }));
		});
		createdIds = items.map((i) => i.json.id as number);
		expect(new Set(createdIds).size).toBe(LEADS);
	});

	itLog(`Lead > Create or Update sends the ${LEADS} leads in 4 calls of at most 300`, () => {
		// batches go out in parallel: the log holds them in the order they were answered
		expect(calls('/rest/v1/leads.json', 'POST').map((w) => w.recordCount).sort((a, b) => b! - a!)).toEqual([300, 300, 300, 95]);
	});

	it('Lead > Create or Update batches across items and reports created, updated and skipped per record', async () => {
		const fresh = `${tag}-fresh@example.com`;
		rig.removeLeadsAfterwards([fresh]);
		const workflow = buildWorkflow(
			'upsert mixed',
			[
				itemsNode('Existing', [{ email: emailOf(0), firstName: 'Renamed' }, { email: emailOf(1), firstName: 'Renamed' }]),
				marketoNode(rig.credential, { resource: 'lead', operation: 'upsert', action: 'createOrUpdate', lookupField: 'email', dataMode: 'autoMap' }, { name: 'Upsert' }),
			],
			[
				itemsNode('Mixed', [{ email: emailOf(2) }, { email: fresh, lastName: 'Fresh' }]),
				marketoNode(rig.credential, { resource: 'lead', operation: 'upsert', action: 'createOnly', lookupField: 'email', dataMode: 'autoMap' }, { name: 'Create Only' }),
			],
		);
		const result = await ok(workflow);
		expect(outputOf(result, 'Upsert')).toEqual([
			expect.objectContaining({ email: emailOf(0), status: 'updated', id: createdIds[0] }),
			expect.objectContaining({ email: emailOf(1), status: 'updated', id: createdIds[1] }),
		]);
		const [skipped, created] = outputOf(result, 'Create Only');
		expect(skipped).toEqual(expect.objectContaining({ email: emailOf(2), status: 'skipped', reasonCode: '1005' }));
		expect(String(skipped.reasonMessage)).toMatch(/exist/i);
		expect(created).toEqual(expect.objectContaining({ email: fresh, status: 'created', id: expect.any(Number) }));
		createdIds.push(created.id as number);
	});

	itLog('Lead > Create or Update: each of the two nodes sends one call for all its items', () => {
		expect(calls('/rest/v1/leads.json', 'POST').map((w) => w.recordCount)).toEqual([2, 2]);
	});

	it('Lead Partition > Update moves 1,000 items, every item paired with its status', async () => {
		const ids = [...createdIds.slice(0, LEADS), ...BOGUS_IDS];
		expect(ids).toHaveLength(1000);
		const result = await ok(
			marketoWorkflow(rig.credential, { resource: 'leadPartition', operation: 'update', leadId: '={{ $json.id }}', partitionName: target.name }, { items: ids.map((id) => ({ id })) }),
		);
		const items = itemsOf(result, 'Marketo');
		expect(items).toHaveLength(1000);
		items.forEach((item, i) => {
			expect(pairedIndexes(item)).toEqual([i]);
			expect(item.json.id).toBe(ids[i]);
			expect(item.json.partitionName).toBe(target.name);
		});
		expect(items.slice(0, LEADS).every((i) => i.json.status === 'updated')).toBe(true);
		for (const item of items.slice(LEADS)) {
			expect(item.json).toEqual(expect.objectContaining({ status: 'skipped', reasonCode: '1004' }));
			expect(String(item.json.reasonMessage)).toMatch(/not found/i);
		}
	});

	itLog('Lead Partition > Update sends the 1,000 items in 4 calls of at most 300, the token in a header', () => {
		const moves = calls('/rest/v1/leads/partitions.json', 'POST');
		expect(moves).toHaveLength(4);
		expect(moves.every((m) => (m.recordCount ?? 0) <= 300)).toBe(true);
		expect(moves.reduce((n, m) => n + (m.recordCount ?? 0), 0)).toBe(1000);
		expect(moves.every((m) => m.tokenSource === 'header')).toBe(true);
	});

	it('Lead > Get returns the chosen fields and the partition by name', async () => {
		const result = await ok(
			marketoWorkflow(
				rig.credential,
				{ resource: 'lead', operation: 'get', leadId: '={{ $json.id }}', fields: ['email', 'firstName', 'company'] },
				{ items: [{ id: createdIds[0] }, { id: createdIds[5] }, { id: createdIds[9] }] },
			),
		);
		const leads = outputOf(result, 'Marketo');
		expect(leads).toEqual([
			expect.objectContaining({ id: createdIds[0], email: emailOf(0), firstName: 'Renamed', company: tag }),
			expect.objectContaining({ id: createdIds[5], email: emailOf(5), firstName: 'E2e', company: tag }),
			expect.objectContaining({ id: createdIds[9], email: emailOf(9), firstName: 'E2e', company: tag }),
		]);
		for (const lead of leads) {
			expect(lead.leadPartitionId).toBe(target.id);
			expect(lead.leadPartitionName).toBe(target.name);
		}
	});

	itLog('Lead > Get reads the three items in one call by id', () => {
		const reads = calls('/rest/v1/leads.json', 'GET');
		expect(reads).toHaveLength(1);
		expect(reads[0].query.filterType).toBe('id');
	});

	it('Lead > Get Many filters by a field and stops at the limit', async () => {
		// The sandbox lists leadPartitionId as searchable, so 700 of the moved leads take 3 pages (300, 300, 100).
		// A real instance may not; there the same limit/paging path runs over emails of the leads created here.
		const filter = rig.isSandbox
			? { filterType: 'leadPartitionId', filterValues: String(target.id), limit: 700 }
			: { filterType: 'email', filterValues: createdIds.slice(0, 300).map((_, i) => emailOf(i)).join(','), limit: 250 };
		const result = await ok(
			marketoWorkflow(rig.credential, {
				resource: 'lead',
				operation: 'getAll',
				filterType: filter.filterType,
				filterValues: filter.filterValues,
				fields: ['email', 'company', 'leadPartitionId'],
				returnAll: false,
				limit: filter.limit,
			}),
		);
		const leads = outputOf(result, 'Marketo');
		expect(leads).toHaveLength(filter.limit);
		expect(leads.every((l) => l.leadPartitionId === target.id && l.leadPartitionName === target.name)).toBe(true);
		expect(new Set(leads.map((l) => l.id)).size).toBe(filter.limit);
	});

	itLog('Lead > Get Many pages through 3 pages (300, 300, 100) with nextPageToken', () => {
		const pages = calls('/rest/v1/leads.json', 'GET');
		expect(pages.map((p) => Number(p.query.batchSize))).toEqual([300, 300, 100]);
		expect(pages[0].query.nextPageToken).toBeUndefined();
		expect(pages[1].query.nextPageToken).toEqual(expect.any(String));
		expect(pages[2].query.nextPageToken).toEqual(expect.any(String));
	});

	it('Lead > Get Many by email returns the leads found (several values in one call)', async () => {
		const result = await ok(
			marketoWorkflow(rig.credential, {
				resource: 'lead',
				operation: 'getAll',
				filterType: 'email',
				filterValues: `${emailOf(3)}, ${emailOf(4)}, nobody-${tag}@example.com`,
				returnAll: true,
			}),
		);
		expect(outputOf(result, 'Marketo').map((l) => l.email).sort()).toEqual([emailOf(3), emailOf(4)].sort());
	});

	it('Lead > Delete removes the leads and reports a lead not found as skipped', async () => {
		const ids = [...createdIds];
		const result = await ok(
			marketoWorkflow(rig.credential, { resource: 'lead', operation: 'delete', leadId: '={{ $json.id }}' }, { items: [...ids.map((id) => ({ id })), { id: BOGUS_IDS[0] }] }),
		);
		const items = itemsOf(result, 'Marketo');
		expect(items).toHaveLength(ids.length + 1);
		items.slice(0, ids.length).forEach((item, i) => {
			expect(pairedIndexes(item)).toEqual([i]);
			expect(item.json).toEqual(expect.objectContaining({ id: ids[i], status: 'deleted' }));
		});
		expect(items[ids.length].json).toEqual(expect.objectContaining({ id: BOGUS_IDS[0], status: 'skipped', reasonCode: '1004' }));
		createdIds = [];
		deleteLog = lastLog;

		// and they are gone
		const after = await rig.execute(marketoWorkflow(rig.credential, { resource: 'lead', operation: 'get', leadId: '={{ $json.id }}' }, { items: [{ id: ids[0] }] }));
		expect(after.ok).toBe(false);
		expect(errorOf(after, 'Marketo')?.message).toMatch(new RegExp(`no lead with ID ${ids[0]}`));
	});

	itLog('Lead > Delete sends the 997 items in 4 calls', () => {
		expect(deleteLog.filter((e) => e.path === '/rest/v1/leads/delete.json' && e.method === 'POST').map((c) => c.recordCount).sort((a, b) => b! - a!)).toEqual([300, 300, 300, 97]); // in the order they were answered: sorted
	});
});
