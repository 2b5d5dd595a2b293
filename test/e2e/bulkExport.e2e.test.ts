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
	marketoNode,
	outputOf,
	pairedIndexes,
	type RunResult,
	type Workflow,
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

	itSandbox('exports in one step to a file (checked against fileSize and checksum) and, by static list, to items', async () => {
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

	itSandbox('splits a 70-day window into 3 consecutive jobs and joins their files, one header, no lead twice', async () => {
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
		for (let i = 1; i < windows.length; i++) expect(Date.parse(windows[i].startAt) - Date.parse(windows[i - 1].endAt)).toBe(1000);
		const rows = lines(fileOf(result, 'Read'));
		expect(rows.filter((r) => r === 'id,email,firstName,company')).toHaveLength(1);
		const ids = rows.slice(1).map((r) => Number(r.split(',')[0]));
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.length).toBe(rig.sandbox!.stats().leads);
		expect(item.json.numberOfRecords).toBe(ids.length);
		expect(log().filter((e) => e.path === CREATE)).toHaveLength(3);
	});

	itSandbox('resumes a dropped download with Range and delivers identical bytes', async () => {
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
		const expected = Buffer.concat([parts[0], ...parts.slice(1).map(withoutHeader)]);
		expect(file.equals(expected)).toBe(true);
		// the broken answer was followed by a byte range starting where it broke off
		expect(downloads.map((e) => [e.status, e.fault])).toEqual([
			[200, null],
			[200, 'truncate'],
			[206, null],
			[200, null],
		]);
	});

	itSandbox('creates, enqueues and cancels a job step by step; lists it as Canceled', async () => {
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

	itSandbox('fails clearly when Marketo reports the job Failed', async () => {
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

	itSandbox('checks input before any call: start after end, not a date, unknown field (continue on fail keeps pairing)', async () => {
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
