import {
	createExportJob,
	enqueueExportJob,
	listExportJobs,
	waitForExportJob,
} from '../../../nodes/Marketo/actions/bulkExport/jobs';
import type { ExportRun } from '../../../nodes/Marketo/actions/bulkExport/jobs';
import { marketoError, ok, scriptedMarketo, testNode } from '../helpers/fakeMarketo';

const ID = 'ce45a7a1-f19d-4ce2-882c-a3c795940a7d';
const QUEUE = { maxRetries: 3, firstWaitMs: 10_000, maxWaitMs: 600_000 };

function setup(respond: Parameters<typeof scriptedMarketo>[0]) {
	const m = scriptedMarketo(respond);
	const run: ExportRun = { client: m.client, node: testNode, clock: m.clock };
	return { ...m, run };
}

describe('creating an export job', () => {
	it('posts fields, format, column header names and the one filter', async () => {
		const m = setup(() => ok([{ exportId: ID, status: 'Created', format: 'CSV' }]));
		const job = await m.clock.run(
			createExportJob(m.run, { fields: ['id', 'email'], format: 'CSV', columnHeaderNames: { email: 'Email Address' }, filter: { staticListId: 1021 } }),
		);
		expect(job).toMatchObject({ exportId: ID, status: 'Created' });
		expect(new URL(m.requests[0].url).pathname).toBe('/bulk/v1/leads/export/create.json');
		expect(JSON.parse(String(m.requests[0].body))).toEqual({
			fields: ['id', 'email'],
			format: 'CSV',
			filter: { staticListId: 1021 },
			columnHeaderNames: { email: 'Email Address' },
		});
	});

	it('explains 1035 (filter not available in this subscription), naming the filter', async () => {
		const m = setup(() => marketoError('1035', 'Unsupported filter type for target subscription'));
		const failure = await m.clock
			.run(createExportJob(m.run, { fields: ['id'], format: 'CSV', filter: { smartListId: 9 } }))
			.catch((e: Error & { description?: string }) => e);
		expect(failure.message).toBe("This Marketo subscription does not support the 'smartListId' export filter (Marketo error 1035)");
		expect(failure.description).toMatch(/Marketo Support/);
	});
});

describe('enqueueing while the queue is full', () => {
	it('waits with a doubling wait on 1029 queue full, then enqueues', async () => {
		const answers = [marketoError('1029', 'Too many jobs (10) in queue'), marketoError('1029', 'Too many jobs (10) in queue')];
		const m = setup((_, call) => answers[call - 1] ?? ok([{ exportId: ID, status: 'Queued' }]));
		const job = await m.clock.run(enqueueExportJob(m.run, ID, QUEUE));
		expect(job.status).toBe('Queued');
		expect(m.requests.map((r) => r.at - m.requests[0].at)).toEqual([0, 10_000, 30_000]);
	});

	it('stops after the set number of retries with a message saying what to do', async () => {
		const m = setup(() => marketoError('1029', 'Too many jobs (10) in queue'));
		const failure = await m.clock.run(enqueueExportJob(m.run, ID, QUEUE)).catch((e: Error & { description?: string }) => e);
		expect(failure.message).toMatch(new RegExp(`queue stayed full; export job ${ID} was not enqueued after 4 tries over 70 s`));
		expect(failure.description).toMatch(/Queue Retries/);
		expect(m.requests).toHaveLength(4);
	});

	it('fails at once on the daily export quota', async () => {
		const m = setup(() => marketoError('1029', 'Export daily quota 500MB exceeded'));
		const failure = await m.clock.run(enqueueExportJob(m.run, ID, QUEUE)).catch((e: Error & { description?: string }) => e);
		expect(failure.message).toBe("Marketo's daily bulk export quota is used up (Marketo error 1029: Export daily quota 500MB exceeded)");
		expect(failure.description).toMatch(/resets daily/);
		expect(m.requests).toHaveLength(1);
	});

	it('takes "already queued" as done and reads the status', async () => {
		const m = setup((request) =>
			request.url.endsWith('/enqueue.json') ? marketoError('1029', 'Export Job Already Queued') : ok([{ exportId: ID, status: 'Processing' }]),
		);
		expect((await m.clock.run(enqueueExportJob(m.run, ID, QUEUE))).status).toBe('Processing');
	});
});

describe('waiting for a job', () => {
	const POLL = { intervalMs: 60_000, timeoutMs: 0 };

	it('polls at the set interval until Completed', async () => {
		const statuses = ['Queued', 'Processing', 'Completed'];
		const m = setup((_, call) => ok([{ exportId: ID, status: statuses[call - 1], fileSize: 10 }]));
		const job = await m.clock.run(waitForExportJob(m.run, { exportId: ID, status: 'Queued' }, POLL));
		expect(job).toMatchObject({ status: 'Completed', fileSize: 10 });
		expect(m.clock.sleeps).toEqual([60_000, 60_000, 60_000]);
	});

	it('fails with Marketo\'s reason when the job Failed', async () => {
		const m = setup(() => ok([{ exportId: ID, status: 'Failed', errorMsg: 'Internal error' }]));
		await expect(
			m.clock.run(waitForExportJob(m.run, { exportId: ID, status: 'Queued' }, POLL, { staticListId: 1021 })),
		).rejects.toThrow(`Marketo export job ${ID} (staticListId 1021) failed: Internal error`);
	});

	it('fails clearly when the job was canceled (either spelling)', async () => {
		const m = setup(() => ok([{ exportId: ID, status: 'Cancelled' }]));
		await expect(m.clock.run(waitForExportJob(m.run, { exportId: ID, status: 'Queued' }, POLL))).rejects.toThrow(
			`Marketo export job ${ID} was canceled before it finished`,
		);
	});

	it('cancels the job and fails when Max Wait is reached', async () => {
		const m = setup((request) => ok([{ exportId: ID, status: request.url.endsWith('/cancel.json') ? 'Cancelled' : 'Queued' }]));
		await expect(
			m.clock.run(waitForExportJob(m.run, { exportId: ID, status: 'Queued' }, { intervalMs: 60_000, timeoutMs: 150_000 })),
		).rejects.toThrow(/still Queued after 3 min/);
		expect(m.clock.sleeps).toEqual([60_000, 60_000, 30_000]);
		expect(m.requests[m.requests.length - 1].url).toMatch(/\/cancel\.json$/);
	});
});

describe('listing jobs', () => {
	it('sends the statuses comma-separated (cancellation spelled as Marketo filters it) and pages', async () => {
		const m = setup((_, call) =>
			call === 1
				? ok([{ exportId: 'a', status: 'Completed' }], { nextPageToken: 'p2' })
				: ok([{ exportId: 'b', status: 'Cancelled' }]),
		);
		const jobs = await m.clock.run(listExportJobs(m.run, ['Completed', 'Canceled'], { returnAll: true, limit: 0 }));
		expect(jobs.map((j) => j.status)).toEqual(['Completed', 'Canceled']);
		const first = new URL(m.requests[0].url);
		expect(first.searchParams.get('status')).toBe('Completed,Cancelled');
		expect(new URL(m.requests[1].url).searchParams.get('nextPageToken')).toBe('p2');
	});
});
