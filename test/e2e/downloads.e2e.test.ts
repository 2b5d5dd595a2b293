/**
 * File downloads end to end: the packed package in a real n8n against the sandbox.
 *
 * - Whatever Content-Type a file comes with (Adobe's OpenAPI declares application/json for file.json and
 *   failures.json; the sandbox can serve application/json, text/plain or text/csv), the node reads it as the file:
 *   Marketo's error envelope is told by the body, never by the header. Covers Export Leads to a file, Download File
 *   (a byte range), an import's failures file and the trigger's download.
 * - A download cut after 1 byte, 30 KB or 70 KB goes on from the bytes received (`Range: bytes=<received>-`).
 *
 * The sandbox runs at time scale 0.05; the trigger part starts n8n and waits for its once-a-minute polls.
 */
import { createHash } from 'node:crypto';

import { FILE_CONTENT_TYPES, type FileContentType, type RequestLogEntry } from '../../sandbox';
import { directApi, fileOf, finishedExport, lines, readBack } from './exportFiles';
import {
	buildWorkflow,
	codeNode,
	CREDENTIAL_TYPE,
	describeFailure,
	E2eRig,
	itemsNode,
	itemsOf,
	itSandbox,
	marketoNode,
	type NodeSpec,
	outputOf,
	pairedIndexes,
	type RunResult,
	type StartedN8n,
	triggeredWorkflow,
	uniqueName,
	type Workflow,
} from './rig';

type Json = Record<string, unknown>;

const SEEDED = 3000;
const LIST_ID = 1021;
const FIELDS = ['id', 'email', 'firstName', 'company'];
const TRIGGER_TYPE = 'n8n-nodes-marketo.marketoTrigger';

/** Every seeded lead is in the static list, so an export by list is about 180 KB. */
const byList = { filterType: 'staticList', list: { __rl: true, mode: 'id', value: String(LIST_ID) } };

/** The trigger (export finished, file downloaded) -> the file's size -> a lead search naming job and size. */
function triggerWorkflow(credential: { id: string; name: string }): Workflow {
	const trigger: NodeSpec = {
		name: 'Export Finished',
		type: TRIGGER_TYPE,
		typeVersion: 1,
		parameters: { event: 'exportFinished', statuses: ['Completed'], downloadFile: true, pollTimes: { item: [{ mode: 'everyMinute' }] } },
		credentials: { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
	};
	const size = codeNode(
		'Size',
		`const out = [];
const items = $input.all();
for (let i = 0; i < items.length; i++) out.push({ json: { exportId: items[i].json.exportId, bytes: (await this.helpers.getBinaryDataBuffer(i, 'data')).length } });
return out;`,
	);
	const mark = marketoNode(
		credential,
		{ resource: 'lead', operation: 'getAll', filterType: 'email', filterValues: '={{ $json.exportId }}-{{ $json.bytes }}@fired.test', returnAll: true },
		{ name: 'Mark' },
	);
	return triggeredWorkflow('Marketo export finished with file -> mark', trigger, size, mark);
}

describe('File downloads in a real n8n', () => {
	let rig: E2eRig;
	let api: ReturnType<typeof directApi>;
	let n8n: StartedN8n | undefined;
	const tag = uniqueName('downloads').toLowerCase();
	const log = (): RequestLogEntry[] => rig.requestLog() ?? [];
	const fileRequests = (): RequestLogEntry[] => log().filter((e) => e.path.endsWith('/file.json'));

	const ok = async (workflow: Workflow): Promise<RunResult> => {
		rig.sandbox?.clearLog();
		const result = await rig.execute(workflow);
		if (!result.ok) throw new Error(`"${workflow.name}" failed:\n${describeFailure(result)}`);
		return result;
	};

	const serveFilesAs = (type: FileContentType): void => {
		rig.sandbox!.options.fileContentType = type;
	};

	beforeAll(async () => {
		rig = await E2eRig.create({ sandbox: { timeScale: 0.05, seedLeads: SEEDED } });
		for (let id = 1; id <= SEEDED; id++) rig.sandbox?.assets.addMember(LIST_ID, id);
		api = directApi(rig);
	});

	afterEach(() => {
		rig.sandbox?.clearFaults();
	});

	afterAll(async () => {
		await n8n?.stop();
		await rig?.dispose();
	});

	describe.each(FILE_CONTENT_TYPES)('files served as %s', (contentType) => {
		itSandbox('Export Leads to a file, Download File of a byte range, and an import\'s failures file arrive as files', async () => {
			serveFilesAs(contentType);
			const email = (key: string) => `${tag}-${contentType.replace('/', '-')}-${key}@example.com`;
			const rows = [
				{ email: email('ok'), firstName: 'Fine', leadScore: 10 },
				{ email: email('bad-1'), firstName: 'Bad Score', leadScore: 'not a number' },
				{ email: email('bad-2'), firstName: 'Also Bad', leadScore: 'x' },
			];
			const result = await ok(
				buildWorkflow(
					`downloads as ${contentType}`,
					[
						itemsNode('One', [{}]),
						marketoNode(rig.credential, { resource: 'bulkExport', operation: 'exportLeads', fields: FIELDS, options: { pollInterval: 1 }, ...byList }, { name: 'Export' }),
						readBack('Read Export'),
						marketoNode(
							rig.credential,
							{ resource: 'bulkExport', operation: 'downloadFile', exportId: '={{ $json.exportIds[0] }}', part: 'range', firstByte: 100, lastByte: '2099' },
							{ name: 'Range' },
						),
						readBack('Read Range'),
					],
					[itemsNode('Rows', rows), marketoNode(rig.credential, { resource: 'bulkImport', operation: 'importLeads', pollInterval: 5 }, { name: 'Import' })],
				),
			);

			const downloads = fileRequests();
			// the export: every listed lead, byte for byte the job's file
			const [exported] = outputOf(result, 'Export');
			const exportId = String((exported.exportIds as string[])[0]);
			const file = fileOf(result, 'Read Export');
			const direct = await api.exportFile(exportId);
			expect(file.equals(direct)).toBe(true);
			const [job] = exported.jobs as Json[];
			expect(`sha256:${createHash('sha256').update(file).digest('hex')}`).toBe(job.fileChecksum);
			expect(lines(file)).toHaveLength(SEEDED + 1);
			expect(fileOf(result, 'Read Range').equals(direct.subarray(100, 2100))).toBe(true);
			expect(downloads.map((e) => [e.status, e.range ?? null])).toEqual([
				[200, null],
				[206, 'bytes=100-2099'],
			]);

			// the import's failures file: one item per failed row, paired with its input row
			const items = itemsOf(result, 'Import');
			expect(items[0].json).toEqual(expect.objectContaining({ kind: 'importJob', status: 'Complete', numOfRowsFailed: 2 }));
			expect(Object.keys(items[0].binary as Json)).toEqual(['failures']);
			const failed = items.filter((i) => i.json.kind === 'failedRow');
			expect(failed.map((i) => i.json.email)).toEqual([email('bad-1'), email('bad-2')]);
			expect(failed.map((i) => pairedIndexes(i))).toEqual([[1], [2]]);
			const failures = log().filter((e) => e.path.endsWith('/failures.json'));
			expect(failures.map((e) => e.status)).toEqual([200]);
		});
	});

	itSandbox('a download cut after 1 byte, 30 KB or 70 KB goes on with Range from the bytes received; the files are intact', async () => {
		serveFilesAs('text/csv');
		const exportId = await finishedExport(api, { staticListId: LIST_ID }, FIELDS);
		const direct = await api.exportFile(exportId);
		expect(direct.length).toBeGreaterThan(100_000);
		const cuts = [1, 30 * 1024, 70 * 1024];
		// file requests in order: cut, resumed, cut, resumed, cut, resumed
		cuts.forEach((afterBytes, i) => rig.sandbox!.injectFault({ path: /\/file\.json$/, kind: 'truncate', afterBytes, skip: 2 * i }));
		const branch = (n: number) => [
			itemsNode(`Job ${n}`, [{ exportId }]),
			marketoNode(rig.credential, { resource: 'bulkExport', operation: 'downloadFile', exportId: '={{ $json.exportId }}' }, { name: `Download ${n}` }),
			readBack(`Read ${n}`),
		];
		const result = await ok(buildWorkflow('cut downloads', branch(1), branch(2), branch(3)));
		const downloads = fileRequests();
		for (const n of [1, 2, 3]) expect(fileOf(result, `Read ${n}`).equals(direct)).toBe(true);
		expect(downloads.map((e) => [e.status, e.fault, e.range ?? null])).toEqual([
			[200, 'truncate', null],
			[206, null, 'bytes=1-'],
			[200, 'truncate', null],
			[206, null, 'bytes=30720-'],
			[200, 'truncate', null],
			[206, null, 'bytes=71680-'],
		]);
	});

	/** How often the trigger's workflow ran for a job, with the file's size it saw. */
	const marks = (exportId: string, bytes: number): number =>
		log().filter((e) => e.path === '/rest/v1/leads.json' && JSON.stringify(e.query).includes(`${exportId}-${bytes}@fired.test`)).length;
	const exportPolls = (): number => log().filter((e) => e.path === '/bulk/v1/leads/export.json' && e.method === 'GET').length;

	/** Waits until `check` holds (n8n polls once a minute), or fails saying what did not happen. */
	const waitFor = async (what: string, check: () => boolean, timeoutMs = 150_000): Promise<void> => {
		const deadline = Date.now() + timeoutMs;
		while (!check()) {
			if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}`);
			await new Promise((r) => setTimeout(r, 1_000));
		}
	};

	itSandbox(
		'the trigger downloads the finished job\'s file whatever its Content-Type',
		async () => {
			rig.sandbox!.clearLog();
			const workflow = triggerWorkflow(rig.credential);
			await rig.importWorkflows([workflow]);
			expect((await rig.activateWorkflow(workflow.id)).code).toBe(0);
			n8n = await rig.startN8n();
			await waitFor('the activation poll of the trigger', () => exportPolls() > 0);
			for (const contentType of FILE_CONTENT_TYPES) {
				serveFilesAs(contentType);
				const exportId = await finishedExport(api, { staticListId: LIST_ID });
				const size = (await api.exportFile(exportId)).length;
				await waitFor(`job ${exportId} to fire with its file served as ${contentType}`, () => marks(exportId, size) > 0);
				expect(marks(exportId, size)).toBe(1);
			}
		},
		12 * 60_000,
	);
});
