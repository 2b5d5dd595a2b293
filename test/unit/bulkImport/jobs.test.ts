import {
	parseResultFile,
	QueueFullError,
	queueWaitMs,
	submitImport,
	waitForJobs,
} from '../../../nodes/Marketo/actions/bulkImport/jobs';
import type { Upload } from '../../../nodes/Marketo/actions/bulkImport/jobs';
import { MarketoApiError } from '../../../nodes/Marketo/transport';
import { marketoError, ok, scriptedMarketo } from '../helpers/fakeMarketo';

const upload: Upload = {
	file: Buffer.from('email,firstName\r\na@x.com,Ann\r\n'),
	fileName: 'leads-1.csv',
	format: 'csv',
	lookupField: 'email',
	listId: 1021,
	partitionName: 'Mexico',
};

describe('submitting an import job', () => {
	it('posts the file as the multipart part "file", the options in the query', async () => {
		const m = scriptedMarketo(() => ok([{ batchId: 3404, importId: '3404', status: 'Queued' }]));
		const job = await m.clock.run(submitImport(m.client, upload, { maxRetries: 3, firstWaitMs: 10_000, clock: m.clock }));
		expect(job).toEqual({ batchId: 3404, importId: '3404', status: 'Queued' });
		const [request] = m.requests;
		expect(request.method).toBe('POST');
		const url = new URL(request.url);
		expect(url.pathname).toBe('/bulk/v1/leads.json');
		expect(Object.fromEntries(url.searchParams)).toEqual({ format: 'csv', lookupField: 'email', listId: '1021', partitionName: 'Mexico' });
		const boundary = /boundary=(.+)$/.exec(request.headers!['Content-Type'])![1];
		const body = (request.body as Buffer).toString();
		expect(body.startsWith(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="leads-1.csv"\r\nContent-Type: text/csv\r\n\r\nemail,firstName`)).toBe(true);
		expect(body.endsWith(`\r\n--${boundary}--\r\n`)).toBe(true);
	});

	it('waits and retries on 1016 and 1019 with a doubling wait, then gets the job', async () => {
		const answers = [marketoError('1016', 'Too many imports'), marketoError('1019', 'Import in progress'), marketoError('1016', 'Too many imports')];
		const m = scriptedMarketo((_, call) => answers[call - 1] ?? ok([{ batchId: 7, status: 'Queued' }]));
		const waits: number[] = [];
		const job = await m.clock.run(
			submitImport(m.client, upload, { maxRetries: 5, firstWaitMs: 10_000, clock: m.clock, onWait: (_code, ms) => waits.push(ms) }),
		);
		expect(job.batchId).toBe(7);
		expect(waits).toEqual([10_000, 20_000, 40_000]);
		expect(m.requests.map((r) => r.at - m.requests[0].at)).toEqual([0, 10_000, 30_000, 70_000]);
	});

	it('gives up after the set number of retries with Marketo\'s error', async () => {
		const m = scriptedMarketo(() => marketoError('1016', 'Too many imports'));
		const failure = await m.clock
			.run(submitImport(m.client, upload, { maxRetries: 2, firstWaitMs: 5_000, clock: m.clock }))
			.catch((e: unknown) => e);
		expect(failure).toBeInstanceOf(QueueFullError);
		expect((failure as QueueFullError).retries).toBe(2);
		expect((failure as QueueFullError).waitedMs).toBe(15_000);
		expect((failure as QueueFullError).message).toMatch(/1016.*Too many imports/);
		expect(m.requests).toHaveLength(3);
	});

	it('does not retry other errors', async () => {
		const m = scriptedMarketo(() => marketoError('1003', "Invalid lookupField 'foo'"));
		const failure = await m.clock.run(submitImport(m.client, upload, { maxRetries: 5, firstWaitMs: 5_000, clock: m.clock })).catch((e: unknown) => e);
		expect(failure).toBeInstanceOf(MarketoApiError);
		expect(m.requests).toHaveLength(1);
	});

	it('caps a single wait at five minutes', () => {
		expect([1, 2, 5, 6, 10].map((r) => queueWaitMs({ firstWaitMs: 10_000 }, r))).toEqual([10_000, 20_000, 160_000, 300_000, 300_000]);
	});
});

describe('waiting for jobs', () => {
	it('polls every interval, only the jobs still running, until each is Complete or Failed', async () => {
		const script: Record<number, string[]> = { 1: ['Importing', 'Complete'], 2: ['Queued', 'Importing', 'Failed'] };
		const m = scriptedMarketo((request) => {
			const id = Number(/batch\/(\d+)\.json/.exec(request.url)![1]);
			const status = script[id].shift()!;
			return ok([{ batchId: id, status, numOfLeadsProcessed: status === 'Complete' ? 2 : 0, message: status === 'Failed' ? 'Import failed: bad file' : undefined }]);
		});
		const final = await m.clock.run(
			waitForJobs(m.client, [{ batchId: 1, status: 'Queued' }, { batchId: 2, status: 'Queued' }], { intervalMs: 10_000, maxWaitMs: 0, clock: m.clock }),
		);
		expect(final.get(1)).toEqual(expect.objectContaining({ status: 'Complete', numOfLeadsProcessed: 2 }));
		expect(final.get(2)).toEqual(expect.objectContaining({ status: 'Failed', message: 'Import failed: bad file' }));
		const t0 = m.requests[0].at;
		expect(m.requests.map((r) => [new URL(r.url).pathname, r.at - t0])).toEqual([
			['/bulk/v1/leads/batch/1.json', 0],
			['/bulk/v1/leads/batch/2.json', 0],
			['/bulk/v1/leads/batch/1.json', 10_000],
			['/bulk/v1/leads/batch/2.json', 10_000],
			['/bulk/v1/leads/batch/2.json', 20_000],
		]);
	});

	it('stops at the wait limit and returns the jobs as they are', async () => {
		const m = scriptedMarketo(() => ok([{ batchId: 5, status: 'Importing' }]));
		const final = await m.clock.run(waitForJobs(m.client, [{ batchId: 5, status: 'Queued' }], { intervalMs: 10_000, maxWaitMs: 25_000, clock: m.clock }));
		expect(final.get(5)?.status).toBe('Importing');
		expect(m.requests).toHaveLength(3);
		expect(m.clock.sleeps).toEqual([10_000, 10_000, 5_000]);
	});
});

describe('failures and warnings files', () => {
	it('parses rows with the reason as the last column, in the job\'s format', () => {
		const text = 'email;firstName;Import Failure Reason\nx@y;"A;B";Invalid email\r\n;Bo;Lookup value missing\n';
		expect(parseResultFile(text, 'ssv')).toEqual({
			format: 'ssv',
			rows: [
				{ cells: ['x@y', 'A;B'], fields: { email: 'x@y', firstName: 'A;B' }, reason: 'Invalid email' },
				{ cells: ['', 'Bo'], fields: { email: '', firstName: 'Bo' }, reason: 'Lookup value missing' },
			],
		});
	});

	it('tells the format from the header when it is not known, and reads an empty file as no rows', () => {
		expect(parseResultFile('email\tImport Warning Reason\r\na@x\tValue truncated\r\n').rows).toEqual([
			{ cells: ['a@x'], fields: { email: 'a@x' }, reason: 'Value truncated' },
		]);
		expect(parseResultFile('').rows).toEqual([]);
		expect(parseResultFile('email,Import Failure Reason\n').rows).toEqual([]);
	});

	it('keeps a row with too many values: the extra values go to the reason', () => {
		const parsed = parseResultFile('email,Import Failure Reason\na@x,extra,Invalid row: 2 values for 1 columns\n', 'csv');
		expect(parsed.rows[0].cells).toEqual(['a@x']);
		expect(parsed.rows[0].reason).toBe('extra,Invalid row: 2 values for 1 columns');
	});
});
