/**
 * Import parts never race: Marketo runs up to two import jobs at the same time, and a job does not see the leads
 * another running job creates, so the same new email in two parts that run together becomes two leads. The
 * sandbox does the same (its default `concurrentImports`). Parts are kept small with the node's 'Max File Size
 * (MB)' option (0.01 MB), so a few hundred rows make two parts. Sandbox only: the checks count leads in the
 * sandbox's store and read its request log. Time scale 0.05, a job's phases (Queued, Importing) at least 2 s each; the node polls every 5 s.
 */
import { buildWorkflow, codeNode, E2eRig, generatedItemsNode, itemsOf, itSandbox, marketoNode, pairedIndexes, uniqueName } from './rig';

type Json = Record<string, unknown>;

const IMPORT = '/bulk/v1/leads.json';
const STATUS = /^\/bulk\/v1\/leads\/batch\/\d+\.json$/;
/** 150 addresses, each twice: rows 1-150 first, rows 151-300 again with another first name (about 13 KB). */
const ROWS = 300;
const ADDRESSES = ROWS / 2;

const importParams = (extra: Json = {}): Json => ({
	resource: 'bulkImport',
	operation: 'importLeads',
	pollInterval: 5,
	options: { maxFileMegabytes: 0.01, outputRows: false },
	...extra,
});

describe('Import Leads: parts holding the same lead never run at the same time', () => {
	let rig: E2eRig;
	const tag = uniqueName('race').toLowerCase();
	const email = (branch: string, i: number) => `${tag}-${branch}-${i}@example.com`;

	/** How many leads the sandbox holds per address of a branch, and their first names. */
	const leadsOf = (branch: string) =>
		Array.from({ length: ADDRESSES }, (_, i) => {
			const ids = rig.sandbox!.leads.findBy('email', email(branch, i));
			return { count: ids.length, firstNames: ids.map((id) => rig.sandbox!.leads.get(id)!.firstName) };
		});

	beforeAll(async () => {
		// a job's phases take 2 s each, so a part uploaded right after another always meets it unfinished
		rig = await E2eRig.create({ sandbox: { timeScale: 0.05, bulk: { minPhaseMs: 40_000 } } });
	});

	afterAll(async () => {
		await rig?.dispose();
	});

	itSandbox('(sandbox only: counts leads in its store) the same new emails in two parts, from items and from a file, make one lead each', async () => {
		const make = (branch: string) => `(i) => ({ email: '${tag}-${branch}-' + (i % ${ADDRESSES}) + '@example.com', firstName: i < ${ADDRESSES} ? 'First' : 'Second' })`;
		const csv = ['email,firstName', ...Array.from({ length: ROWS }, (_, i) => `${email('file', i % ADDRESSES)},${i < ADDRESSES ? 'First' : 'Second'}`)].join('\n');
		const binary = { data: { data: Buffer.from(csv).toString('base64'), mimeType: 'text/csv', fileName: 'leads.csv' } };
		rig.sandbox!.clearLog();
		const result = await rig.mustExecute(
			buildWorkflow(
				'import race',
				[generatedItemsNode('Leads', ROWS, make('items')), marketoNode(rig.credential, importParams(), { name: 'From items' })],
				[
					codeNode('File', `return [{ json: {}, binary: ${JSON.stringify(binary)} }];`),
					marketoNode(rig.credential, importParams({ source: 'binary', binaryPropertyName: 'data' }), { name: 'From file' }),
				],
			),
		);
		for (const [node, branch] of [['From items', 'items'], ['From file', 'file']] as const) {
			const jobs = itemsOf(result, node);
			expect(jobs.map((j) => j.json.part)).toEqual([1, 2]);
			expect(jobs.every((j) => j.json.status === 'Complete' && j.json.numOfRowsFailed === 0)).toBe(true);
			expect(jobs.reduce((n, j) => n + (j.json.numOfLeadsProcessed as number), 0)).toBe(ROWS);
			// part 2 holds second rows of addresses part 1 created
			expect(jobs[1].json.firstRow as number).toBeGreaterThan(ADDRESSES + 1);
			const leads = leadsOf(branch);
			expect(leads.filter((l) => l.count !== 1).length).toBe(0);
			expect(leads.every((l) => l.firstNames[0] === 'Second')).toBe(true);
		}
		expect(itemsOf(result, 'From items').flatMap(pairedIndexes)).toEqual(Array.from({ length: ROWS }, (_, i) => i));
	});

	itSandbox('(sandbox only: reads its request log) parts without a common lead are still uploaded together, before the first status call', async () => {
		const make = `(i) => ({ email: '${tag}-apart-' + i + '@example.com', firstName: 'Apart' })`;
		rig.sandbox!.clearLog();
		const result = await rig.mustExecute(buildWorkflow('import apart', [generatedItemsNode('Apart', ROWS, make), marketoNode(rig.credential, importParams(), { name: 'Apart import' })]));
		expect(itemsOf(result, 'Apart import').map((j) => j.json.status)).toEqual(['Complete', 'Complete']);
		const calls = rig.sandbox!.requestLog.filter((e) => e.path === IMPORT || STATUS.test(e.path)).map((e) => (e.path === IMPORT ? 'upload' : 'status'));
		expect(calls.slice(0, 3)).toEqual(['upload', 'upload', 'status']);
	});
});
