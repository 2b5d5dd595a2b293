/**
 * Bulk Import end to end: the packed package in a real n8n against the sandbox, which parses the multipart upload
 * for real and runs jobs Queued -> Importing -> Complete (2 at a time, 10 queued). The sandbox runs at time scale
 * 0.05, so jobs finish within the node's shortest poll interval (5 s).
 */
import {
	buildWorkflow,
	codeNode,
	describeFailure,
	E2eRig,
	errorOf,
	generatedItemsNode,
	itemsNode,
	itemsOf,
	itSandbox,
	NEEDS_SANDBOX,
	marketoNode,
	type NodeSpec,
	outputOf,
	pairedIndexes,
	type RunItem,
	type RunResult,
	uniqueName,
	type Workflow,
} from './rig';
import type { RequestLogEntry } from '../../sandbox';

type Json = Record<string, unknown>;

const IMPORT = '/bulk/v1/leads.json';

/** When a logged request arrived, ms. */
const at = (entry: RequestLogEntry): number => Date.parse(entry.time);

/** Import Leads parameters: poll at the 5 s minimum so that tests do not wait longer than they must. */
const importParams = (extra: Json = {}): Json => ({ resource: 'bulkImport', operation: 'importLeads', pollInterval: 5, ...extra });

/** A Code node emitting one item that carries `text` as a file in the binary property `property`. */
function fileNode(name: string, fileName: string, mimeType: string, text: string, property = 'data'): NodeSpec {
	const binary = { [property]: { data: Buffer.from(text, 'utf8').toString('base64'), mimeType, fileName } };
	return codeNode(name, `return [{ json: { file: ${JSON.stringify(fileName)} }, binary: ${JSON.stringify(binary)} }];`);
}

describe('Marketo Bulk Import in a real n8n', () => {
	let rig: E2eRig;
	const tag = uniqueName('bulk').toLowerCase();
	const email = (key: string | number) => {
		const address = `${tag}-${key}@example.com`;
		rig?.removeLeadsAfterwards([address]);
		return address;
	};
	let failingBatchId = 0;

	const log = (): RequestLogEntry[] => rig.requestLog() ?? [];
	const uploads = (): RequestLogEntry[] => log().filter((e) => e.path === IMPORT && e.method === 'POST');

	const ok = async (workflow: Workflow): Promise<RunResult> => {
		rig.sandbox?.clearLog();
		const result = await rig.execute(workflow);
		if (!result.ok) throw new Error(`"${workflow.name}" failed:\n${describeFailure(result)}`);
		return result;
	};

	/** The lead the sandbox holds for an e-mail address. */
	const leadByEmail = (address: string): Json | undefined => {
		const [id] = rig.sandbox!.leads.findBy('email', address);
		return id === undefined ? undefined : (rig.sandbox!.leads.get(id) as unknown as Json);
	};

	beforeAll(async () => {
		rig = await E2eRig.create({ sandbox: { timeScale: 0.05 } });
	});

	afterAll(async () => {
		await rig?.dispose();
	});

	it('imports input items with commas, quotes, line breaks and non-ASCII, waits, and reports the job', async () => {
		const leads = [
			{ email: email('a'), firstName: 'Zoë', lastName: "O'Brien, Jr.", company: 'Smith "&" Sons', address: 'Line 1\nLine 2' },
			{ email: email('b'), firstName: 'Łukasz', lastName: '東京', company: 'Comma, Inc', address: '' },
			{ email: email('c'), firstName: 'Ann', lastName: 'Tab\there', company: null, address: 'Quote "q"\r\nnext' },
		];
		const result = await ok(buildWorkflow('import from items', [itemsNode('Leads', leads), marketoNode(rig.credential, importParams(), { name: 'Import' })]));
		const items = itemsOf(result, 'Import');
		expect(items).toHaveLength(1);
		const [job] = items;
		expect(job.json).toEqual(
			expect.objectContaining({
				kind: 'importJob',
				batchId: expect.any(Number),
				status: 'Complete',
				numOfLeadsProcessed: 3,
				numOfRowsFailed: 0,
				numOfRowsWithWarning: 0,
				message: expect.stringMatching(/3 records imported/),
				part: 1,
				parts: 1,
				firstRow: 1,
				lastRow: 3,
				rowCount: 3,
				format: 'csv',
				lookupField: 'email',
			}),
		);
		expect(pairedIndexes(job)).toEqual([0, 1, 2]);
		expect(job.binary).toBeUndefined();
		rig.sandboxOnly(() => {
			expect(uploads()).toHaveLength(1);
			expect(uploads()[0].query).toEqual(expect.objectContaining({ format: 'csv', lookupField: 'email' }));
			// (the sandbox's recordCount counts physical lines, which the quoted line breaks raise: not checked here)
			for (const lead of leads) {
				const stored = leadByEmail(lead.email)!;
				expect(stored).toBeDefined();
				expect(stored.firstName).toBe(lead.firstName);
				expect(stored.lastName).toBe(lead.lastName);
			}
			// line breaks inside quoted values survive the round trip through the file
			expect(leadByEmail(email('a'))!.address).toBe('Line 1\nLine 2');
			expect(leadByEmail(email('c'))!.address).toBe('Quote "q"\r\nnext');
			expect(leadByEmail(email('a'))!.company).toBe('Smith "&" Sons');
			// polled at most every 5 s: one status call per 5 s of waiting at most
			const polls = log().filter((e) => e.path.startsWith('/bulk/v1/leads/batch/'));
			expect(polls.length).toBeGreaterThanOrEqual(1);
			for (let i = 1; i < polls.length; i++) expect(at(polls[i]) - at(polls[i - 1])).toBeGreaterThanOrEqual(4900);
		});
	});

	it('imports into a static list and a partition (listId and partitionName), fields defined below', async () => {
		// a list of its own, in a folder found through the folder browse, and the instance's own partitions (a fresh
		// instance has one, Default; the sandbox has three): the last one named in the import
		const [folder, partitions] = await Promise.all([rig.listFolder(), rig.partitions()]);
		const partition = partitions[partitions.length - 1];
		const people = [{ mail: email('list-1'), name: 'Listed One' }, { mail: email('list-2'), name: 'Listed Two' }];
		const listName = `${tag}-import-list`;
		const createdList = "={{ $('Create List').first().json.id }}";
		const result = await ok(
			buildWorkflow(
				'import into list and partition',
				[
					itemsNode('One', [{}]),
					marketoNode(rig.credential, { resource: 'staticList', operation: 'create', folder: { __rl: true, mode: 'id', value: String(folder.id) }, folderType: folder.type, name: listName }, { name: 'Create List' }),
					itemsNode('People', people),
					marketoNode(
						rig.credential,
						importParams({
							dataMode: 'define',
							fieldValues: { field: [{ name: 'email', value: '={{ $json.mail }}' }, { name: 'firstName', value: '={{ $json.name }}' }] },
							addToList: true,
							list: { __rl: true, mode: 'id', value: createdList },
							partitionName: partition.name,
						}),
						{ name: 'Import' },
					),
					marketoNode(
						rig.credential,
						{ resource: 'listMembership', operation: 'getLeads', list: { __rl: true, mode: 'id', value: createdList }, fields: ['email', 'firstName', 'leadPartitionId'], returnAll: true },
						{ name: 'Members' },
					),
				],
				[marketoNode(rig.credential, { resource: 'staticList', operation: 'delete', list: { __rl: true, mode: 'id', value: createdList } }, { name: 'Delete List' })],
			),
		);
		const listId = outputOf(result, 'Create List')[0].id as number;
		const [job] = outputOf(result, 'Import');
		expect(job).toEqual(expect.objectContaining({ status: 'Complete', numOfLeadsProcessed: 2, listId, partitionName: partition.name }));
		expect(String(job.message)).toMatch(/2 members/);
		const members = outputOf(result, 'Members');
		expect(members.map((m) => [m.email, m.firstName, m.leadPartitionId])).toEqual(people.map((p) => [p.mail, p.name, partition.id]));
		expect(outputOf(result, 'Delete List')).toEqual([{ id: listId, deleted: true }]);
		rig.sandboxOnly(() => {
			expect(uploads()[0].query).toEqual(expect.objectContaining({ listId: String(listId), partitionName: partition.name, format: 'csv' }));
		});
	});

	it('imports CSV, TSV and SSV files from binary properties (format auto-detected or chosen)', async () => {
		const csv = `email,firstName,lastName\r\n${email('csv-1')},Chloé,"Smith, PhD"\r\n${email('csv-2')},Bo,"multi\nline"\r\n`;
		const tsv = `email\tfirstName\tcompany\n${email('tsv-1')}\tTess\tA, B and C\n`;
		const ssv = `\uFEFFemail;firstName;company\n${email('ssv-1')};Sam;"Semi; Colon"\n${email('ssv-2')};Sue;Plain\n`;
		const result = await ok(
			buildWorkflow(
				'import files',
				[fileNode('CSV File', 'leads.csv', 'text/csv', csv), marketoNode(rig.credential, importParams({ source: 'binary' }), { name: 'Import CSV' })],
				[fileNode('TSV File', 'leads.tsv', 'text/tab-separated-values', tsv, 'upload'), marketoNode(rig.credential, importParams({ source: 'binary', binaryPropertyName: 'upload' }), { name: 'Import TSV' })],
				[fileNode('SSV File', 'leads.txt', 'text/plain', ssv), marketoNode(rig.credential, importParams({ source: 'binary', fileFormat: 'ssv' }), { name: 'Import SSV' })],
			),
		);
		expect(outputOf(result, 'Import CSV')).toEqual([expect.objectContaining({ status: 'Complete', numOfLeadsProcessed: 2, format: 'csv', fileName: 'leads.csv', rowCount: 2 })]);
		expect(outputOf(result, 'Import TSV')).toEqual([expect.objectContaining({ status: 'Complete', numOfLeadsProcessed: 1, format: 'tsv', fileName: 'leads.tsv' })]);
		expect(outputOf(result, 'Import SSV')).toEqual([expect.objectContaining({ status: 'Complete', numOfLeadsProcessed: 2, format: 'ssv', fileName: 'leads.txt' })]);
		for (const node of ['Import CSV', 'Import TSV', 'Import SSV']) expect(pairedIndexes(itemsOf(result, node)[0])).toEqual([0]);
		rig.sandboxOnly(() => {
			expect(uploads().map((u) => u.query.format)).toEqual(['csv', 'tsv', 'ssv']);
			expect(leadByEmail(email('csv-1'))!.lastName).toBe('Smith, PhD');
			expect(leadByEmail(email('csv-2'))!.lastName).toBe('multi\nline');
			expect(leadByEmail(email('tsv-1'))!.company).toBe('A, B and C');
			expect(leadByEmail(email('ssv-1'))!.company).toBe('Semi; Colon');
			expect(leadByEmail(email('ssv-2'))!.firstName).toBe('Sue');
		});
	});

	it('a job with failing and warned rows returns the counts, the files as binary, and one item per row paired with its input item', async () => {
		const rows = [
			{ email: email('ok-1'), firstName: 'Fine', leadScore: 10 },
			{ email: email('bad-1'), firstName: 'Bad Score', leadScore: 'not a number' },
			{ email: email('long-1'), firstName: 'L'.repeat(300), leadScore: 5 },
			{ email: email('bad-2'), firstName: 'Also Bad', leadScore: 'x' },
		];
		const result = await ok(buildWorkflow('failing rows', [itemsNode('Rows', rows), marketoNode(rig.credential, importParams(), { name: 'Import' })]));
		const items = itemsOf(result, 'Import');
		const [job, ...rowItems] = items;
		expect(job.json).toEqual(expect.objectContaining({ kind: 'importJob', status: 'Complete', numOfLeadsProcessed: 2, numOfRowsFailed: 2, numOfRowsWithWarning: 1 }));
		expect(pairedIndexes(job)).toEqual([0, 1, 2, 3]);
		const binary = job.binary as Record<string, { fileName: string; mimeType: string }>;
		expect(Object.keys(binary).sort()).toEqual(['failures', 'warnings']);
		expect(binary.failures.fileName).toBe(`marketo-import-${String(job.json.batchId)}-failures.csv`);
		expect(binary.failures.mimeType).toBe('text/csv');
		failingBatchId = job.json.batchId as number;

		const failed = rowItems.filter((i) => i.json.kind === 'failedRow');
		const warned = rowItems.filter((i) => i.json.kind === 'warningRow');
		expect(failed.map((i) => i.json.email)).toEqual([email('bad-1'), email('bad-2')]);
		expect(failed.map((i) => pairedIndexes(i))).toEqual([[1], [3]]);
		for (const f of failed) {
			expect(f.json.batchId).toBe(failingBatchId);
			expect(String(f.json.reason)).not.toBe('');
		}
		expect(warned).toHaveLength(1);
		expect(warned[0].json).toEqual(expect.objectContaining({ email: email('long-1'), reason: expect.stringMatching(/truncated/i) }));
		expect(pairedIndexes(warned[0])).toEqual([2]);
	});

	it('Get Status, Get Failures and Get Warnings by batch ID', async () => {
		expect(failingBatchId).toBeGreaterThan(0);
		const batch = [{ batchId: failingBatchId }];
		const result = await ok(
			buildWorkflow(
				'status and files',
				[itemsNode('Batch A', batch), marketoNode(rig.credential, { resource: 'bulkImport', operation: 'getStatus' }, { name: 'Status' })],
				[itemsNode('Batch B', batch), marketoNode(rig.credential, { resource: 'bulkImport', operation: 'getFailures' }, { name: 'Failures' })],
				[itemsNode('Batch C', batch), marketoNode(rig.credential, { resource: 'bulkImport', operation: 'getWarnings', outputRows: false }, { name: 'Warnings' })],
			),
		);
		expect(outputOf(result, 'Status')).toEqual([
			expect.objectContaining({ batchId: failingBatchId, status: 'Complete', numOfLeadsProcessed: 2, numOfRowsFailed: 2, numOfRowsWithWarning: 1 }),
		]);
		const failures = itemsOf(result, 'Failures');
		expect(failures[0].json).toEqual({ kind: 'failuresFile', batchId: failingBatchId, rowCount: 2, format: 'csv' });
		expect(Object.keys(failures[0].binary as Json)).toEqual(['failures']);
		expect(failures.slice(1).map((f) => f.json.email)).toEqual([email('bad-1'), email('bad-2')]);
		expect(failures.every((f) => pairedIndexes(f).join() === '0')).toBe(true);
		const warnings = itemsOf(result, 'Warnings');
		expect(warnings).toHaveLength(1);
		expect(warnings[0].json).toEqual(expect.objectContaining({ kind: 'warningsFile', rowCount: 1 }));
	});

	it('splits more than 10 MB of input items into several jobs on row boundaries and says which rows went where', async () => {
		const count = 45_000;
		rig.removeLeadsAfterwards(Array.from({ length: count }, (_, i) => `${tag}-big-${i}@example.com`));
		const make = `(i) => ({ email: '${tag}-big-' + i + '@example.com', firstName: 'Big', lastName: 'Lead ' + i, address: 'x'.repeat(200) + ', "quoted", ' + i })`;
		const result = await ok(
			buildWorkflow('import > 10 MB', [generatedItemsNode('Many', count, make), marketoNode(rig.credential, importParams({ options: { outputRows: false } }), { name: 'Import' })]),
		);
		const jobs = itemsOf(result, 'Import');
		expect(jobs.length).toBeGreaterThanOrEqual(2);
		let next = 1;
		let processed = 0;
		const paired: number[] = [];
		for (const [p, job] of jobs.entries()) {
			expect(job.json).toEqual(expect.objectContaining({ status: 'Complete', part: p + 1, parts: jobs.length, firstRow: next, numOfRowsFailed: 0 }));
			expect(job.json.fileSize as number).toBeLessThan(10_000_000);
			expect(job.json.numOfLeadsProcessed).toBe(job.json.rowCount);
			expect(job.json.firstItem).toBe(next - 1);
			expect(job.json.lastItem).toBe((job.json.lastRow as number) - 1);
			paired.push(...pairedIndexes(job));
			processed += job.json.numOfLeadsProcessed as number;
			next = (job.json.lastRow as number) + 1;
		}
		expect(processed).toBe(count);
		expect(next).toBe(count + 1);
		expect(paired).toEqual(Array.from({ length: count }, (_, i) => i));
		rig.sandboxOnly(() => {
			expect(uploads()).toHaveLength(jobs.length);
			expect(uploads().every((u) => u.status === 200 && u.code === null)).toBe(true);
			expect(uploads().reduce((n, u) => n + (u.recordCount ?? 0), 0)).toBe(count);
			expect(leadByEmail(`${tag}-big-${count - 1}@example.com`)!.lastName).toBe(`Lead ${count - 1}`);
		});
	});

	itSandbox.because(NEEDS_SANDBOX.faults)('1016 "Too many imports": the node waits with backoff and retries, then imports', async () => {
		const sandbox = rig.sandbox!;
		sandbox.clearFaults();
		sandbox.injectFault({ kind: 'error', code: '1016', message: 'Too many imports', path: IMPORT, method: 'POST', times: 2 });
		try {
			const started = Date.now();
			const result = await ok(buildWorkflow('backpressure', [itemsNode('Leads', [{ email: email('bp-1') }]), marketoNode(rig.credential, importParams(), { name: 'Import' })]));
			expect(outputOf(result, 'Import')).toEqual([expect.objectContaining({ status: 'Complete', numOfLeadsProcessed: 1 })]);
			expect(uploads().map((u) => u.code)).toEqual(['1016', '1016', null]);
			// waits of 5 s then 10 s (the poll interval, doubled)
			const [first, second, third] = uploads();
			expect(at(second) - at(first)).toBeGreaterThanOrEqual(4900);
			expect(at(third) - at(second)).toBeGreaterThanOrEqual(9900);
			expect(Date.now() - started).toBeGreaterThanOrEqual(15_000);
		} finally {
			sandbox.clearFaults();
		}
	});

	itSandbox.because(NEEDS_SANDBOX.faults)('1016 beyond the retry limit stops the node with a clear message (or an error item with Continue On Fail)', async () => {
		const sandbox = rig.sandbox!;
		sandbox.clearFaults();
		sandbox.injectFault({ kind: 'error', code: '1016', message: 'Too many imports', path: IMPORT, method: 'POST', times: Infinity });
		try {
			const params = importParams({ options: { queueRetries: 1 } });
			sandbox.clearLog();
			const result = await rig.execute(
				buildWorkflow(
					'queue full',
					[itemsNode('Leads A', [{ email: email('qf-1') }]), marketoNode(rig.credential, params, { name: 'Continue', onError: 'continueRegularOutput' })],
					[itemsNode('Leads B', [{ email: email('qf-2') }]), marketoNode(rig.credential, params, { name: 'Stop' })],
				),
			);
			expect(result.ok).toBe(false);
			const [errorItem] = outputOf(result, 'Continue');
			expect(String(errorItem.error)).toMatch(/queue stayed busy.*1016/i);
			expect(String(errorItem.errorDescription)).toMatch(/Retries When Queue Is Busy/);
			const stop = errorOf(result, 'Stop')!;
			expect(stop.message).toMatch(/queue stayed busy.*1016.*Too many imports/i);
			expect(uploads().length).toBe(4);
		} finally {
			sandbox.clearFaults();
		}
	});

	it('without waiting: returns the queued batch ID at once; Get Status later sees it Complete', async () => {
		const first = await ok(
			buildWorkflow('no wait', [itemsNode('Leads', [{ email: email('nw-1') }, { email: email('nw-2') }]), marketoNode(rig.credential, importParams({ waitForCompletion: false }), { name: 'Import' })]),
		);
		const [job] = outputOf(first, 'Import');
		expect(job).toEqual(expect.objectContaining({ kind: 'importJob', status: 'Queued', batchId: expect.any(Number), rowCount: 2 }));
		rig.sandboxOnly(() => expect(log().some((e) => e.path.startsWith('/bulk/v1/leads/batch/'))).toBe(false));
		const later = await ok(buildWorkflow('status later', [itemsNode('Batch', [{ batchId: job.batchId }]), marketoNode(rig.credential, { resource: 'bulkImport', operation: 'getStatus' }, { name: 'Status' })]));
		expect(outputOf(later, 'Status')).toEqual([expect.objectContaining({ batchId: job.batchId, status: 'Complete', numOfLeadsProcessed: 2 })]);
	});

	it('a job that ends Failed stops the node with Marketo\'s message, or marks the item with Continue On Fail', async () => {
		// a column Marketo does not know fails the whole job; the node's own check is turned off to let it through
		const csv = `email,notAField\n${email('fail-1')},x\n`;
		const params = importParams({ source: 'binary', options: { checkFieldNames: false } });
		const result = await rig.execute(
			buildWorkflow(
				'failed job',
				[fileNode('File A', 'bad.csv', 'text/csv', csv), marketoNode(rig.credential, params, { name: 'Continue', onError: 'continueRegularOutput' })],
				[fileNode('File B', 'bad.csv', 'text/csv', csv), marketoNode(rig.credential, params, { name: 'Stop' })],
			),
		);
		expect(result.ok).toBe(false);
		const [item] = itemsOf(result, 'Continue');
		expect(item.json).toEqual(expect.objectContaining({ status: 'Failed', batchId: expect.any(Number) }));
		expect(pairedIndexes(item)).toEqual([0]);
		// Marketo documents no wording for a failed job, only that the job status's `message` gives the reason: the
		// node passes that message on, whatever it says
		const [status] = await rig.marketoGet<{ status: string; message: string }>(`/bulk/v1/leads/batch/${String(item.json.batchId)}.json`);
		expect(status.status).toBe('Failed');
		expect(status.message).not.toBe('');
		const escaped = status.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		expect(String(item.json.error)).toMatch(new RegExp(`failed: ${escaped}`));
		expect(errorOf(result, 'Stop')!.message).toMatch(new RegExp(`^Marketo import job \\d+ failed: ${escaped}`));
	});

	it('bad input is refused before anything is uploaded, naming the field', async () => {
		rig.sandbox?.clearLog();
		const result = await rig.execute(
			buildWorkflow(
				'bad input',
				[itemsNode('Unknown Field', [{ email: email('x'), favouriteColour: 'blue' }]), marketoNode(rig.credential, importParams(), { name: 'Unknown', onError: 'continueRegularOutput', alwaysOutputData: true })],
				[itemsNode('No File', [{ nothing: true }]), marketoNode(rig.credential, importParams({ source: 'binary' }), { name: 'Missing Binary', onError: 'continueRegularOutput' })],
				[fileNode('Empty File', 'empty.csv', 'text/csv', ''), marketoNode(rig.credential, importParams({ source: 'binary' }), { name: 'Empty', onError: 'continueRegularOutput' })],
				[itemsNode('Partition', [{ email: email('y') }]), marketoNode(rig.credential, importParams({ partitionName: 'Atlantis' }), { name: 'Bad Partition', onError: 'continueRegularOutput' })],
				[itemsNode('No Lookup', [{ firstName: 'No Email' }]), marketoNode(rig.credential, importParams(), { name: 'No Lookup Value', onError: 'continueRegularOutput' })],
				[fileNode('Header Only', 'head.csv', 'text/csv', 'email,firstName\n'), marketoNode(rig.credential, importParams({ source: 'binary' }), { name: 'No Rows', onError: 'continueRegularOutput' })],
				[fileNode('Tab File', 'leads.csv', 'text/csv', 'email\tfirstName\na@x.com\tA\n'), marketoNode(rig.credential, importParams({ source: 'binary', fileFormat: 'csv' }), { name: 'Wrong Format', onError: 'continueRegularOutput' })],
			),
		);
		if (!result.ok) throw new Error(describeFailure(result));
		const errorText = (node: string): string => {
			const items: RunItem[] = itemsOf(result, node);
			expect(items).toHaveLength(1);
			expect(pairedIndexes(items[0])).toEqual([0]);
			return String(items[0].json.error);
		};
		expect(errorText('Unknown')).toMatch(/Not lead fields of this Marketo instance: 'favouriteColour'/);
		expect(errorText('Missing Binary')).toMatch(/'Input Binary Field': the item has no binary property 'data'/);
		expect(errorText('Empty')).toMatch(/'empty\.csv'.*is empty/);
		expect(errorText('Bad Partition')).toMatch(/'Partition': no partition named "Atlantis"/);
		expect(errorText('No Lookup Value')).toMatch(/no value for the lookup field 'email'/);
		expect(errorText('No Rows')).toMatch(/header but no rows/);
		expect(errorText('Wrong Format')).toMatch(/'File Format' is CSV.*TSV/);
		rig.sandboxOnly(() => expect(uploads()).toHaveLength(0));
	});
});
