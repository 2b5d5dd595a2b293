/**
 * Bulk Export end to end: the packed package in a real n8n against the sandbox, which runs export jobs
 * Created -> Queued -> Processing -> Completed (2 at a time), writes real CSV/TSV/SSV files with `null` for empty
 * values and honours Range. The sandbox runs at time scale 0.05 with phases of at least one real second, and the
 * node polls every second, so a job takes a few seconds.
 */
import { createHash } from 'node:crypto';

import {
	buildWorkflow,
	describeFailure,
	E2eRig,
	errorOf,
	itemsNode,
	itemsOf,
	itSandbox,
	NEEDS_SANDBOX,
	marketoNode,
	outputOf,
	pairedIndexes,
	type RunResult,
	type Workflow,
	uniqueName,
} from './rig';
import type { RequestLogEntry } from '../../sandbox';
import { directApi, fileOf, lines, readBack } from './exportFiles';

type Json = Record<string, unknown>;

const SEEDED = 300;
const LIST_ID = 1021;
const DAY = 86_400_000;
const CREATE = '/bulk/v1/leads/export/create.json';

/** Export Leads parameters, polling every second. */
const exportParams = (extra: Json = {}, options: Json = {}): Json => ({
	resource: 'bulkExport',
	operation: 'exportLeads',
	fields: ['id', 'email', 'firstName', 'company'],
	options: { pollInterval: 1, ...options },
	...extra,
});

const iso = (ms: number) => new Date(ms).toISOString();

describe('Marketo Bulk Export in a real n8n', () => {
	let rig: E2eRig;
	const log = (): RequestLogEntry[] => rig.requestLog() ?? [];
	let api: ReturnType<typeof directApi>;

	const ok = async (workflow: Workflow): Promise<RunResult> => {
		rig.sandbox?.clearLog();
		const result = await rig.execute(workflow);
		if (!result.ok) throw new Error(`"${workflow.name}" failed:\n${describeFailure(result)}`);
		return result;
	};

	/** The job's file straight from the sandbox, as the same API user, for comparing bytes. */
	const directFile = async (exportId: string): Promise<Buffer> => await api.exportFile(exportId);

	beforeAll(async () => {
		rig = await E2eRig.create({ sandbox: { timeScale: 0.05, seedLeads: SEEDED, bulk: { minPhaseMs: 20_000 } } });
		// members of the static list: every third seeded lead
		for (let id = 1; id <= SEEDED; id += 3) rig.sandbox?.assets.addMember(LIST_ID, id);
		api = directApi(rig);
	});

	afterAll(async () => {
		await rig?.dispose();
	});

	it('exports the leads this run created, by static list and by a created-at window of minutes, as they were created', async () => {
		// runs against a real Marketo too: a handful of leads and a list of its own, removed again at the end
		const tag = uniqueName('e2e-export').toLowerCase();
		const people = Array.from({ length: 5 }, (_, i) => ({ email: `${tag}-${i}@example.com`, firstName: `Export ${i}`, lastName: tag }));
		const folder = await rig.listFolder();
		const windowStart = Date.now() - 60_000;
		const made = await ok(
			buildWorkflow(
				'leads and a list to export',
				[itemsNode('People', people), marketoNode(rig.credential, { resource: 'lead', operation: 'upsert', action: 'createOnly', lookupField: 'email', dataMode: 'autoMap' }, { name: 'Create Leads' })],
				[
					itemsNode('One', [{}]),
					marketoNode(rig.credential, { resource: 'staticList', operation: 'create', folder: { __rl: true, mode: 'id', value: String(folder.id) }, folderType: folder.type, name: tag }, { name: 'Create List' }),
				],
			),
		);
		const created = outputOf(made, 'Create Leads');
		const listId = outputOf(made, 'Create List')[0].id as number;
		const ids = created.map((l) => l.id as number);
		try {
			expect(created.map((l) => l.status)).toEqual(people.map(() => 'created'));
			const listParam = { __rl: true, mode: 'id', value: String(listId) };
			const result = await ok(
				buildWorkflow(
					'export what was created',
					[itemsNode('Ids', ids.map((id) => ({ id }))), marketoNode(rig.credential, { resource: 'listMembership', operation: 'add', list: listParam, leadId: '={{ $json.id }}' }, { name: 'Add' })],
					[itemsNode('List Export', [{}]), marketoNode(rig.credential, exportParams({ fields: ['id', 'email', 'firstName', 'lastName'], filterType: 'staticList', list: listParam, output: 'items' }), { name: 'By List' })],
					[
						itemsNode('Window Export', [{}]),
						marketoNode(
							rig.credential,
							exportParams({ fields: ['id', 'email', 'firstName', 'lastName'], filterType: 'createdAt', createdAfter: iso(windowStart), createdBefore: iso(Date.now() + 60_000), output: 'items' }),
							{ name: 'By Window' },
						),
					],
				),
			);
			expect(outputOf(result, 'Add').map((a) => a.status)).toEqual(ids.map(() => 'added'));
			const expected = created.map((l, i) => ({ id: l.id as number, email: people[i].email, firstName: people[i].firstName, lastName: tag })).sort((a, b) => a.id - b.id);
			const asCreated = (rows: Json[]) =>
				rows.map((r) => ({ id: Number(r.id), email: r.email, firstName: r.firstName, lastName: r.lastName })).sort((a, b) => a.id - b.id);
			// the list holds exactly the leads created here
			expect(asCreated(outputOf(result, 'By List'))).toEqual(expected);
			// the window may hold leads others created meanwhile; each of ours is in it once
			const inWindow = asCreated(outputOf(result, 'By Window')).filter((r) => ids.includes(r.id));
			expect(inWindow).toEqual(expected);
		} finally {
			await rig.execute(
				buildWorkflow(
					'remove what the export test made',
					[itemsNode('Doomed Leads', ids.map((id) => ({ id }))), marketoNode(rig.credential, { resource: 'lead', operation: 'delete', leadId: '={{ $json.id }}' }, { name: 'Delete Leads', onError: 'continueRegularOutput' })],
					[itemsNode('Doomed List', [{}]), marketoNode(rig.credential, { resource: 'staticList', operation: 'delete', list: { __rl: true, mode: 'id', value: String(listId) } }, { name: 'Delete List', onError: 'continueRegularOutput' })],
				),
			);
		}
	});

	itSandbox.because(NEEDS_SANDBOX.data)('exports in one step to a file (checked against fileSize and checksum) and, by static list, to items', async () => {
		const now = Date.now();
		const result = await ok(
			buildWorkflow(
				'export to file and items',
				[
					itemsNode('One', [{}]),
					marketoNode(
						rig.credential,
						exportParams({ filterType: 'createdAt', createdAfter: iso(now - 20 * DAY), createdBefore: iso(now + 60_000) }, { fileName: 'recent.csv' }),
						{ name: 'To File' },
					),
					readBack('Read File'),
				],
				[
					itemsNode('Two', [{}]),
					marketoNode(
						rig.credential,
						exportParams({ format: 'SSV', filterType: 'staticList', list: { __rl: true, mode: 'id', value: String(LIST_ID) }, output: 'items' }),
						{ name: 'To Items' },
					),
				],
			),
		);

		const [fileItem] = itemsOf(result, 'To File');
		expect(itemsOf(result, 'To File')).toHaveLength(1);
		expect(pairedIndexes(fileItem)).toEqual([0]);
		const summary = fileItem.json;
		expect(summary).toMatchObject({ jobCount: 1, format: 'CSV', fileName: 'recent.csv', fields: ['id', 'email', 'firstName', 'company'] });
		const file = fileOf(result, 'Read File');
		const [job] = summary.jobs as Json[];
		expect(file.length).toBe(job.fileSize);
		expect(`sha256:${createHash('sha256').update(file).digest('hex')}`).toBe(job.fileChecksum);
		expect(file.equals(await directFile(String(job.exportId)))).toBe(true);
		const rows = lines(file);
		expect(rows[0]).toBe('id,email,firstName,company');
		expect(rows.length - 1).toBe(summary.numberOfRecords);
		const inWindow = rows.slice(1).map((r) => Number(r.split(',')[0]));
		for (const id of inWindow) expect(Date.parse(String(rig.sandbox!.leads.get(id)!.createdAt))).toBeGreaterThanOrEqual(now - 20 * DAY - 1000);

		const leads = outputOf(result, 'To Items');
		const members = rig.sandbox!.assets.memberIds(LIST_ID);
		expect(leads.map((l) => Number(l.id))).toEqual(members);
		expect(Object.keys(leads[0])).toEqual(['id', 'email', 'firstName', 'company']);
		expect(leads[0].email).toBe(rig.sandbox!.leads.get(members[0])!.email);
		for (const item of itemsOf(result, 'To Items')) expect(pairedIndexes(item)).toEqual([0]);
		// Marketo's null for empty values is an empty string in items
		for (const lead of leads) expect(lead.company).not.toBe('null');
		const creates = log().filter((e) => e.path === CREATE);
		expect(creates).toHaveLength(2);
	});

	itSandbox.because(NEEDS_SANDBOX.data)('splits a 70-day window into 3 consecutive jobs and joins their files, one header, no lead twice', async () => {
		const now = Date.now();
		const result = await ok(
			buildWorkflow('70-day window', [
				itemsNode('One', [{}]),
				marketoNode(rig.credential, exportParams({ filterType: 'createdAt', createdAfter: iso(now - 70 * DAY), createdBefore: iso(now + 60_000) }), { name: 'Export' }),
				readBack('Read'),
			]),
		);
		const [item] = itemsOf(result, 'Export');
		expect(item.json.jobCount).toBe(3);
		expect(item.json.exportIds).toHaveLength(3);
		const windows = (item.json.jobs as Json[]).map((j) => (j.filter as { createdAt: { startAt: string; endAt: string } }).createdAt);
		// the pieces share their boundary instants; a lead exactly on one comes once (exportWindows.e2e.test.ts)
		for (let i = 1; i < windows.length; i++) expect(windows[i].startAt).toBe(windows[i - 1].endAt);
		const rows = lines(fileOf(result, 'Read'));
		expect(rows.filter((r) => r === 'id,email,firstName,company')).toHaveLength(1);
		const ids = rows.slice(1).map((r) => Number(r.split(',')[0]));
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.length).toBe(rig.sandbox!.stats().leads);
		expect(item.json.numberOfRecords).toBe(ids.length);
		expect(log().filter((e) => e.path === CREATE)).toHaveLength(3);
	});

	itSandbox.because(NEEDS_SANDBOX.faults)('resumes a dropped download with Range and delivers identical bytes', async () => {
		// the second job's file breaks off halfway while it streams into the binary store
		rig.sandbox!.injectFault({ path: /\/file\.json$/, kind: 'truncate', skip: 1 });
		const now = Date.now();
		const result = await ok(
			buildWorkflow('dropped download', [
				itemsNode('One', [{}]),
				marketoNode(rig.credential, exportParams({ filterType: 'createdAt', createdAfter: iso(now - 70 * DAY), createdBefore: iso(now + 60_000) }), { name: 'Export' }),
				readBack('Read'),
			]),
		);
		const downloads = log().filter((e) => e.path.endsWith('/file.json'));
		const [item] = itemsOf(result, 'Export');
		const file = fileOf(result, 'Read');
		const parts = await Promise.all((item.json.exportIds as string[]).map(async (id) => await directFile(id)));
		const withoutHeader = (part: Buffer) => part.subarray(part.indexOf(0x0a) + 1);
		// the pieces were asked for with createdAt added for the join (last column), which the result leaves out
		const withoutCreatedAt = (part: Buffer) => Buffer.from(part.toString('utf8').replace(/,[^,\n]*\n/g, '\n'));
		const expected = withoutCreatedAt(Buffer.concat([parts[0], ...parts.slice(1).map(withoutHeader)]));
		expect(file.equals(expected)).toBe(true);
		// the broken answer was followed by a byte range starting where it broke off
		expect(downloads.map((e) => [e.status, e.fault])).toEqual([
			[200, null],
			[200, 'truncate'],
			[206, null],
			[200, null],
		]);
	});

	itSandbox.because(NEEDS_SANDBOX.seeds)('creates, enqueues and cancels a job step by step; lists it as Canceled', async () => {
		const result = await ok(
			buildWorkflow('step by step', [
				itemsNode('One', [{}]),
				marketoNode(
					rig.credential,
					{
						resource: 'bulkExport',
						operation: 'createJob',
						fields: ['id', 'email'],
						format: 'TSV',
						filterType: 'json',
						filterJson: JSON.stringify({ staticListName: 'Foundation Seed List' }),
						options: { columnHeaderNames: { column: [{ field: 'email', header: 'Email Address' }] } },
					},
					{ name: 'Create' },
				),
				marketoNode(rig.credential, { resource: 'bulkExport', operation: 'enqueueJob' }, { name: 'Enqueue' }),
				marketoNode(rig.credential, { resource: 'bulkExport', operation: 'cancelJob' }, { name: 'Cancel' }),
				marketoNode(rig.credential, { resource: 'bulkExport', operation: 'getJobStatus' }, { name: 'Status' }),
				marketoNode(rig.credential, { resource: 'bulkExport', operation: 'getManyJobs', statuses: ['Canceled'], returnAll: true }, { name: 'List' }),
			]),
		);
		const [created] = outputOf(result, 'Create');
		expect(created).toMatchObject({ status: 'Created', format: 'TSV', filter: { staticListName: 'Foundation Seed List' } });
		expect(outputOf(result, 'Enqueue')[0]).toMatchObject({ exportId: created.exportId, status: expect.stringMatching(/^(Queued|Processing)$/) });
		expect(outputOf(result, 'Cancel')[0]).toMatchObject({ exportId: created.exportId, status: 'Canceled' });
		expect(outputOf(result, 'Status')[0]).toMatchObject({ exportId: created.exportId, status: 'Canceled' });
		expect(outputOf(result, 'List').map((j) => j.exportId)).toContain(created.exportId);
	});

	itSandbox.because(NEEDS_SANDBOX.faults)('fails clearly when Marketo reports the job Failed', async () => {
		const failed = JSON.stringify({
			requestId: 'f#1',
			success: true,
			result: [{ exportId: 'failing-job', format: 'CSV', status: 'Failed', errorMsg: 'Export failed: internal error' }],
		});
		rig.sandbox!.injectFault({ path: /\/status\.json$/, kind: 'http', status: 200, body: failed, times: Infinity });
		try {
			const result = await rig.execute(
				buildWorkflow('failed job', [
					itemsNode('One', [{}]),
					marketoNode(rig.credential, exportParams({ filterType: 'staticList', list: { __rl: true, mode: 'id', value: String(LIST_ID) } }), { name: 'Export' }),
				]),
			);
			expect(result.ok).toBe(false);
			expect(errorOf(result, 'Export')?.message).toMatch(/^Marketo export job failing-job \(staticListId 1021\) failed: Export failed: internal error/);
		} finally {
			rig.sandbox!.clearFaults();
		}
	});

	itSandbox.because(NEEDS_SANDBOX.log)('checks input before any call: start after end, not a date, unknown field (continue on fail keeps pairing)', async () => {
		const result = await ok(
			buildWorkflow('input errors', [
				itemsNode('Three', [{ start: '2024-03-01', end: '2024-01-01' }, { start: 'yesterday-ish', end: '' }, { start: '2024-01-01', end: '2024-01-02' }]),
				marketoNode(
					rig.credential,
					exportParams({
						fields: '={{ $itemIndex === 2 ? ["id", "favouriteColour"] : ["id"] }}',
						filterType: 'createdAt',
						createdAfter: '={{ $json.start }}',
						createdBefore: '={{ $json.end }}',
					}),
					{ name: 'Export', onError: 'continueRegularOutput' },
				),
			]),
		);
		const items = itemsOf(result, 'Export');
		expect(items.map((i) => pairedIndexes(i))).toEqual([[0], [1], [2]]);
		expect(items[0].json.error).toMatch(/'Created After' \(2024-03-01T00:00:00Z\) is later than 'Created Before'/);
		expect(items[1].json.error).toMatch(/'Created After' is not a date/);
		expect(items[2].json.error).toMatch(/"favouriteColour" is not a lead field/);
		expect(log().filter((e) => e.path.startsWith('/bulk/'))).toHaveLength(0);
	});
});
