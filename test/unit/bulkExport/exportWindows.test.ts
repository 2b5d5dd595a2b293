/**
 * Long exports: joining the pieces of a window without a boundary lead twice (bounded memory, rows passed on as
 * Marketo wrote them), the poll interval's once-a-minute floor, and a piece failing after others finished.
 */
import { joinedPieces, RecordSplitter } from '../../../nodes/Marketo/actions/bulkExport/boundary';
import type { BoundaryPlan, JoinCount } from '../../../nodes/Marketo/actions/bulkExport/boundary';
import { pollSeconds, readWaits } from '../../../nodes/Marketo/actions/bulkExport/fields';
import { describePartial, resumeFilter } from '../../../nodes/Marketo/actions/bulkExport/partial';
import { fileSandbox, jsonOf, nodeHarness } from '../helpers/nodeHarness';

const B1 = Date.parse('2024-01-31T00:00:00Z');
const B2 = Date.parse('2024-03-01T00:00:00Z');

/** Each file as chunks of `size` bytes, so that records and quoted values are cut across chunks. */
function parts(files: string[], size = 7): Array<() => AsyncIterable<Buffer>> {
	return files.map((text) => async function* () {
		const bytes = Buffer.from(text, 'utf8');
		for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
	});
}

async function joined(files: string[], plan: Omit<BoundaryPlan, 'delimiter'> & { delimiter?: string }, size?: number) {
	const count: JoinCount = { rows: 0, duplicates: 0 };
	const chunks: Buffer[] = [];
	for await (const chunk of joinedPieces(parts(files, size), { delimiter: ',', ...plan }, count)) chunks.push(chunk);
	return { text: Buffer.concat(chunks).toString('utf8'), count };
}

describe('joining the pieces of a long window', () => {
	// asked for: email, company; added for the join: id, createdAt
	const plan = { keepColumns: 2, idColumn: 2, dateColumn: 3, boundaries: [B1, B2] };
	const header = 'email,company,id,createdAt\n';

	it('drops the second copy of a lead on a boundary (inclusive endAt) and cuts the added columns off', async () => {
		const { text, count } = await joined(
			[
				`${header}a@x.com,"Acme, Inc.",1,2024-01-01T00:00:00Z\nb@x.com,"Line one\nline two",2,2024-01-31T00:00:00Z\n`,
				`${header}b@x.com,"Line one\nline two",2,2024-01-31T00:00:00Z\nc@x.com,null,3,2024-02-10T00:00:00Z\nd@x.com,"say ""hi""",4,2024-03-01T00:00:00Z\n`,
				`${header}d@x.com,"say ""hi""",4,2024-03-01T00:00:00Z\ne@x.com,Globex,5,2024-03-05T00:00:00Z\n`,
			],
			plan,
		);
		expect(text).toBe('email,company\na@x.com,"Acme, Inc."\nb@x.com,"Line one\nline two"\nc@x.com,null\nd@x.com,"say ""hi"""\ne@x.com,Globex\n');
		expect(count).toEqual({ rows: 5, duplicates: 2 });
	});

	it('loses nothing and drops nothing when Marketo excludes endAt (the boundary lead comes once, in the later piece)', async () => {
		const { text, count } = await joined(
			[`${header}a@x.com,Acme,1,2024-01-30T23:59:59Z\n`, `${header}b@x.com,Acme,2,2024-01-31T00:00:00Z\nc@x.com,Acme,3,2024-03-01T00:00:00Z\n`, `${header}`],
			plan,
		);
		expect(text).toBe('email,company\na@x.com,Acme\nb@x.com,Acme\nc@x.com,Acme\n');
		expect(count).toEqual({ rows: 3, duplicates: 0 });
	});

	it('passes rows byte for byte when nothing is cut (CRLF, quotes, TSV), joining a last row without a line end', async () => {
		const tsv = 'id\tcreatedAt\temail\r\n';
		const { text } = await joined(
			[`${tsv}1\t2024-01-31T00:00:00Z\t"a\tb"\r\n2\t2024-01-02T00:00:00Z\tz@x.com`, `${tsv}1\t2024-01-31T00:00:00Z\t"a\tb"\r\n3\t2024-02-02T00:00:00Z\tc@x.com\r\n`],
			{ delimiter: '\t', keepColumns: 3, idColumn: 0, dateColumn: 1, boundaries: [B1] },
			5,
		);
		expect(text).toBe(`${tsv}1\t2024-01-31T00:00:00Z\t"a\tb"\r\n2\t2024-01-02T00:00:00Z\tz@x.com\n3\t2024-02-02T00:00:00Z\tc@x.com\r\n`);
	});

	it('remembers only leads within a second of the next boundary: a lead elsewhere that comes again is not touched', async () => {
		// id 1 far from the boundary comes again in the next piece (a lead updated between the two jobs): kept twice,
		// since only the boundary second is remembered (memory bounded by the leads of that second)
		const { count } = await joined([`${header}a@x.com,A,1,2024-01-10T00:00:00Z\n`, `${header}a@x.com,A,1,2024-02-10T00:00:00Z\n`], plan);
		expect(count).toEqual({ rows: 2, duplicates: 0 });
	});

	it('splits records only at line ends outside quotes', () => {
		const splitter = new RecordSplitter();
		const records = [...splitter.push(Buffer.from('a,"x\ny"\nb,')), ...splitter.push(Buffer.from('c\n"q""\n"')), ...splitter.end()].map(String);
		expect(records).toEqual(['a,"x\ny"\n', 'b,c\n', '"q""\n"']);
	});
});

describe("the export status poll interval: no faster than Marketo's once a minute", () => {
	const MARKETO = 'https://123-ABC-456.mktorest.com';

	it('refuses under 60 s against a Marketo instance, naming the field', () => {
		expect(() => pollSeconds({ pollInterval: 5 }, MARKETO)).toThrow(/^'Poll Interval \(Seconds\)' is 5: it must be at least 60\. Marketo refreshes/);
		expect(() => readWaits({ pollInterval: 59 }, MARKETO)).toThrow(/Poll Interval/);
		expect(readWaits({ pollInterval: 60 }, MARKETO).poll.intervalMs).toBe(60_000);
		expect(readWaits({}, MARKETO).poll.intervalMs).toBe(60_000);
	});

	it('allows under 60 s only for a local test server', () => {
		expect(pollSeconds({ pollInterval: 1 }, 'http://127.0.0.1:8790')).toBe(1);
		expect(pollSeconds({ pollInterval: 2 }, 'http://localhost:8790')).toBe(2);
		expect(() => pollSeconds({ pollInterval: 0 }, 'http://localhost:8790')).toThrow(/at least 1/);
	});

	describe('in the node', () => {
		const { sandbox, credential } = fileSandbox({ seedLeads: 10, latencyMs: 0, limits: false });
		const remote = nodeHarness(sandbox, () => credential({ baseUrl: 'https://123-ABC-456.mktorest.com', rateWindowSeconds: 20 }));
		const exportParams = { resource: 'bulkExport', operation: 'exportLeads', fields: ['id'], filterType: 'staticList', list: { __rl: true, mode: 'id', value: '1021' }, output: 'items' };

		it('Export Leads stops before any call to Marketo, or with Continue On Fail gives an error item', async () => {
			await expect(remote.run({ ...exportParams, options: { pollInterval: 10 } })).rejects.toThrow(/'Poll Interval \(Seconds\)' is 10: it must be at least 60/);
			const [item] = jsonOf(await remote.run({ ...exportParams, options: { pollInterval: 10 } }, [{}], { continueOnFail: true }));
			expect(item.error).toMatch(/Poll Interval/);
		});
	});
});

describe('a piece failing after others finished', () => {
	const filters = [
		{ createdAt: { startAt: '2024-01-01T00:00:00Z', endAt: '2024-01-31T00:00:00Z' } },
		{ createdAt: { startAt: '2024-01-31T00:00:00Z', endAt: '2024-03-01T00:00:00Z' } },
		{ createdAt: { startAt: '2024-03-01T00:00:00Z', endAt: '2024-03-11T00:00:00Z' } },
	];
	const done = [
		{ exportId: 'job-1', status: 'Completed' },
		{ exportId: 'job-2', status: 'Completed' },
	];

	it('names the finished export IDs, the failed piece and what to export next', () => {
		const partial = { done, filters, error: new Error('Marketo export job job-3 failed: internal error') };
		expect(resumeFilter(partial)).toEqual({ createdAt: { startAt: '2024-03-01T00:00:00Z', endAt: '2024-03-11T00:00:00Z' } });
		const { message, description } = describePartial(partial);
		expect(message).toBe(
			'Export job 3 of 3 (createdAt 2024-03-01T00:00:00Z..2024-03-11T00:00:00Z) did not finish: Marketo export job job-3 failed: internal error. Jobs 1-2 finished, export IDs job-1, job-2',
		);
		expect(description).toMatch(/Download File \(Export ID job-1, job-2\), then export the rest \(createdAt 2024-03-01T00:00:00Z\.\.2024-03-11T00:00:00Z\)/);
	});

	it('resumes from the failed piece to the end of the whole window', () => {
		expect(resumeFilter({ done: done.slice(0, 1), filters, error: new Error('x') })).toEqual({
			createdAt: { startAt: '2024-01-31T00:00:00Z', endAt: '2024-03-11T00:00:00Z' },
		});
	});
});
