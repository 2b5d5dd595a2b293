/**
 * Uploading the parts of one run: a part that holds a lead of an earlier part waits until that part has finished,
 * and a part whose upload got no answer is reported, per input item, as of unknown outcome instead of sent again.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Job, RunOptions } from '../../../nodes/Marketo/actions/bulkImport/importRun';
import { lookupKey } from '../../../nodes/Marketo/actions/bulkImport/partOrder';
import { submitAll } from '../../../nodes/Marketo/actions/bulkImport/submitJobs';
import { MarketoOutcomeUnknownError } from '../../../nodes/Marketo/transport';
import type { MarketoClient, MarketoRequest } from '../../../nodes/Marketo/transport';
import type { OperationContext } from '../../../nodes/Marketo/actions/types';
import { testNode } from '../helpers/fakeMarketo';

const run: RunOptions = { wait: true, pollMs: 1, maxWaitMs: 0, queueRetries: 0, outputRows: true, checkFieldNames: true, maxFileBytes: 10_000 };

function job(part: number, itemIndexes: number[], emails: string[]): Job {
	return {
		upload: { file: Buffer.from(`email\n${emails.join('\n')}\n`), fileName: `leads-${part}.csv`, format: 'csv', lookupField: 'email' },
		about: { part, parts: 3, firstRow: itemIndexes[0] + 1, lastRow: itemIndexes[itemIndexes.length - 1] + 1 },
		itemIndexes,
		lookupKeys: () => emails.map((e) => lookupKey('email', e)),
	};
}

/**
 * A Marketo that accepts each upload as the next batch (Queued) and reports a batch Importing at its first status
 * call, Complete at the next; `unknownUploads` uploads (by number) get no answer. Records what was called, in order.
 */
function marketo(unknownUploads: number[] = []) {
	const calls: string[] = [];
	const polls = new Map<number, number>();
	let uploads = 0;
	const client = {
		request: async (request: MarketoRequest) => {
			if (request.method === 'POST') {
				uploads++;
				calls.push(`upload ${uploads}`);
				if (unknownUploads.includes(uploads)) throw new MarketoOutcomeUnknownError(testNode, { message: 'socket hang up', operation: 'POST /bulk/v1/leads.json' });
				return { success: true, result: [{ batchId: uploads, status: 'Queued' }] };
			}
			const batchId = Number(/batch\/(\d+)\.json/.exec(request.path)![1]);
			const seen = (polls.get(batchId) ?? 0) + 1;
			polls.set(batchId, seen);
			calls.push(`status ${batchId}`);
			return { success: true, result: [{ batchId, status: seen > 1 ? 'Complete' : 'Importing' }] };
		},
	} as unknown as MarketoClient;
	return { client, calls };
}

function context(client: MarketoClient, continueOnFail: boolean): OperationContext {
	const fn = { getNode: () => testNode, logger: { info: () => undefined } } as unknown as IExecuteFunctions;
	return { fn, client, items: [], continueOnFail };
}

describe('uploading the parts of a run', () => {
	it('parts without a common lead are uploaded one after the other without waiting', async () => {
		const m = marketo();
		const jobs = [job(1, [0, 1], ['a@x.com', 'b@x.com']), job(2, [2], ['c@x.com']), job(3, [3], ['d@x.com'])];
		const failed = await submitAll(context(m.client, false), jobs, run);
		expect(failed.size).toBe(0);
		expect(m.calls).toEqual(['upload 1', 'upload 2', 'upload 3']);
	});

	it('a part holding a lead of an earlier part is uploaded once that part has finished; the others do not wait', async () => {
		const m = marketo();
		const jobs = [job(1, [0, 1], ['a@x.com', 'b@x.com']), job(2, [2], ['c@x.com']), job(3, [3, 4], ['d@x.com', 'B@x.com'])];
		const failed = await submitAll(context(m.client, false), jobs, run);
		expect(failed.size).toBe(0);
		expect(m.calls).toEqual(['upload 1', 'upload 2', 'status 1', 'status 1', 'upload 3']);
		expect(jobs[0].status!.status).toBe('Complete');
	});

	it('an upload without answer: every input item of the part is reported as of unknown outcome, with what to check; the part is not sent again, nor a later part with the same leads', async () => {
		const m = marketo([1]);
		const jobs = [job(1, [0, 1, 2], ['a@x.com', 'b@x.com', 'c@x.com']), job(2, [3, 4], ['e@x.com', 'C@x.com']), job(3, [5], ['f@x.com'])];
		const failed = await submitAll(context(m.client, true), jobs, run);
		expect(m.calls).toEqual(['upload 1', 'upload 2']);
		const unknown = failed.get(jobs[0]) as INodeExecutionData[];
		expect(unknown.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		for (const item of unknown) {
			expect(item.json).toMatchObject({
				kind: 'importJob',
				outcome: 'unknown',
				part: 1,
				error: expect.stringMatching(/^Marketo may or may not have received part 1 of 3 \(rows 1 to 3\)/),
				errorDescription: expect.stringMatching(/did not send it again.*Check in Marketo whether these leads were created or updated/),
			});
		}
		const [notSent] = failed.get(jobs[1]) as INodeExecutionData[];
		expect(notSent.json.error).toMatch(/^part 2 of 3 \(rows 4 to 5\) was not sent: part 1 of 3 \(rows 1 to 3\) holds some of the same leads and Marketo may be importing it/);
		expect(notSent.pairedItem).toEqual([{ item: 3 }, { item: 4 }]);
		expect(failed.has(jobs[2])).toBe(false);
		expect(jobs[2].status!.batchId).toBe(2);
	});

	it('without Continue On Fail the node stops on such an upload, saying what to check', async () => {
		const m = marketo([1]);
		const jobs = [job(1, [0, 1], ['a@x.com', 'b@x.com']), job(2, [2], ['c@x.com'])];
		const error = (await submitAll(context(m.client, false), jobs, run).catch((e: unknown) => e)) as Error & { description?: string };
		expect(error.message).toMatch(/^Marketo may or may not have received part 1 of 3/);
		expect(error.description).toMatch(/did not send it again/);
		expect(m.calls).toEqual(['upload 1']);
	});
});
