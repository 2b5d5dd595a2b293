import { exportJobsToFire, exportWatchStart, latestFinishedJob } from '../../../nodes/MarketoTrigger/pollLogic';
import { batchesToAsk, dropBatch, importBatchesToFire, importWatchFor, latestImportSample } from '../../../nodes/MarketoTrigger/pollLogic';
import type { ExportJob, ExportWatchState, ImportBatch, ImportWatchState } from '../../../nodes/MarketoTrigger/pollLogic';

const T0 = Date.parse('2026-11-20T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const job = (exportId: string, status: string, finishedMinute?: number): ExportJob => ({
	exportId,
	status,
	createdAt: at(-30),
	finishedAt: finishedMinute === undefined ? undefined : at(finishedMinute),
});

describe('export trigger poll logic (virtual clock)', () => {
	const started: ExportWatchState = { since: at(0), fired: {} };

	it('does not replay jobs that finished before activation', () => {
		const { fire } = exportJobsToFire(started, [job('old', 'Completed', -5)], ['Completed']);
		expect(fire).toEqual([]);
	});

	it('fires each finished job exactly once across polls, oldest first', () => {
		let state = started;
		const listed: ExportJob[] = [];
		const firedPerPoll: string[][] = [];
		// poll every minute; jobs finish at minutes 2, 2, 4; a processing job never fires
		const finishing: Record<number, ExportJob[]> = { 2: [job('b', 'Completed', 2), job('a', 'Completed', 1.5)], 4: [job('c', 'Completed', 4)] };
		for (let minute = 1; minute <= 6; minute++) {
			listed.push(...(finishing[minute] ?? []));
			const { fire, next } = exportJobsToFire(state, [...listed, job('p', 'Processing')], ['Completed']);
			firedPerPoll.push(fire.map((j) => j.exportId));
			if (fire.length > 0) state = next; // n8n keeps the state only when the poll emits
		}
		expect(firedPerPoll).toEqual([[], ['a', 'b'], [], ['c'], [], []]);
	});

	it('after a restart (state as last saved) fires what finished meanwhile and nothing twice', () => {
		const saved = exportJobsToFire(started, [job('a', 'Completed', 1)], ['Completed']).next;
		const afterRestart = exportJobsToFire(saved, [job('a', 'Completed', 1), job('b', 'Completed', 30)], ['Completed']);
		expect(afterRestart.fire.map((j) => j.exportId)).toEqual(['b']);
	});

	it('fires only the watched statuses, accepting both spellings of canceled', () => {
		const jobs = [job('ok', 'Completed', 1), job('bad', 'Failed', 1), { ...job('stop', 'Cancelled'), startedAt: at(1) }];
		expect(exportJobsToFire(started, jobs, ['Failed', 'Canceled']).fire.map((j) => j.exportId).sort()).toEqual(['bad', 'stop']);
	});

	it("forgets fired jobs 8 days after they finished, by Marketo's clock (the newest time Marketo lists)", () => {
		const state: ExportWatchState = { since: at(0), fired: { a: at(1) } };
		const days = 24 * 60;
		expect(Object.keys(exportJobsToFire(state, [job('b', 'Completed', 7 * days)], ['Completed']).next.fired)).toEqual(['a', 'b']);
		expect(Object.keys(exportJobsToFire(state, [job('b', 'Completed', 9 * days)], ['Completed']).next.fired)).toEqual(['b']);
	});

	describe("Marketo's clock only (n8n's may differ by minutes)", () => {
		// Marketo's clock runs 5 minutes behind n8n's: nothing here reads n8n's clock, so only Marketo's times decide
		const history = [job('h1', 'Completed', -60), job('h2', 'Failed', -10), { ...job('q', 'Queued'), queuedAt: at(-5) }];

		it("starts watching at Marketo's newest listed time, so a job finishing just after activation fires", () => {
			const start = exportWatchStart(history);
			expect(start.since).toBe(at(-5));
			const { fire } = exportJobsToFire(start, [...history, job('new', 'Completed', -4.9)], ['Completed', 'Failed']);
			expect(fire.map((j) => j.exportId)).toEqual(['new']);
		});

		it('counts a job listed finished at activation as history even in the same second as a job finishing after it', () => {
			const listed = [job('old', 'Completed', 0)];
			const start = exportWatchStart(listed);
			expect(start).toEqual({ since: at(0), fired: { old: at(0) } });
			expect(exportJobsToFire(start, [...listed, job('same-second', 'Completed', 0)], ['Completed']).fire.map((j) => j.exportId)).toEqual(['same-second']);
		});

		it('with no job listed at activation, fires every job seen finishing later', () => {
			const start = exportWatchStart([]);
			expect(start).toEqual({ fired: {} });
			expect(exportJobsToFire(start, [job('a', 'Completed', -600)], ['Completed']).fire.map((j) => j.exportId)).toEqual(['a']);
		});
	});

	it('picks the most recent finished job as the manual sample', () => {
		expect(latestFinishedJob([job('a', 'Completed', 1), job('b', 'Completed', 9), job('c', 'Failed', 20)], ['Completed'])?.exportId).toBe('b');
	});
});

describe('import trigger poll logic', () => {
	it('fires a watched batch once, when it reaches Complete or Failed', () => {
		let state = { fired: {} };
		const polls = [
			[{ batchId: 1, status: 'Importing' }, { batchId: 2, status: 'Queued' }],
			[{ batchId: 1, status: 'Complete' }, { batchId: 2, status: 'Importing' }],
			[{ batchId: 1, status: 'Complete' }, { batchId: 2, status: 'Failed' }],
			[{ batchId: 1, status: 'Complete' }, { batchId: 2, status: 'Failed' }],
		];
		const fired = polls.map((batches) => {
			const { fire, next } = importBatchesToFire(state, batches);
			state = next;
			return fire.map((b) => `${b.batchId}:${b.status}`);
		});
		expect(fired).toEqual([[], ['1:Complete'], ['2:Failed'], []]);
	});

	it('picks the newest finished batch as the manual sample, or the newest watched one while none has finished', () => {
		const finished = [
			{ batchId: 7, status: 'Complete' },
			{ batchId: 12, status: 'Failed' },
			{ batchId: 15, status: 'Importing' },
		];
		expect(latestImportSample(finished)?.batchId).toBe(12);
		expect(latestImportSample([{ batchId: 3, status: 'Queued' }, { batchId: 9, status: 'Importing' }])?.batchId).toBe(9);
		expect(latestImportSample([])).toBeUndefined();
	});
});

describe('import trigger: what is asked each poll', () => {
	/**
	 * A Marketo that knows some batches (status by id) and counts status calls; the poll as the node runs it: ask the
	 * batches still to ask, drop the unknown ones, fire the final ones; the state is kept as n8n keeps it in memory.
	 */
	const simulate = (watch: string[], statusAtPoll: Array<Record<string, string | undefined>>): { calls: number[]; fired: string[][]; dropped: string[] } => {
		let state: ImportWatchState = importWatchFor(undefined, watch);
		const calls: number[] = [];
		const fired: string[][] = [];
		for (const known of statusAtPoll) {
			const batches: ImportBatch[] = [];
			const ask = batchesToAsk(state, watch);
			for (const id of ask) {
				const status = known[id];
				if (status === undefined) state = dropBatch(state, id, `Batch '${id}' not found`).next;
				else batches.push({ batchId: Number(id), status });
			}
			calls.push(ask.length);
			const { fire, next } = importBatchesToFire(state, batches);
			if (fire.length > 0) state = next;
			fired.push(fire.map((b) => String(b.batchId)));
		}
		return { calls, fired, dropped: Object.keys(state.dropped ?? {}) };
	};

	it('asks only about unfinished batches: 10 watched, all finished after the first poll, then no call at all', () => {
		const ids = Array.from({ length: 10 }, (_, i) => String(1001 + i));
		const done = Object.fromEntries(ids.map((id) => [id, 'Complete']));
		const run = simulate(ids, [done, done, done, done]);
		expect(run.calls).toEqual([10, 0, 0, 0]);
		expect(run.fired[0]).toHaveLength(10);
		expect(run.fired.slice(1)).toEqual([[], [], []]);
	});

	it('calls per poll never exceed the unfinished watched batches, and a forgotten batch is dropped once', () => {
		const polls = [
			{ 1: 'Importing', 2: 'Queued', 3: 'Complete', 4: 'Queued' },
			{ 1: 'Complete', 2: 'Importing', 3: 'Complete' }, // Marketo has forgotten 4 (7 days)
			{ 1: 'Complete', 2: 'Importing', 3: 'Complete' },
			{ 1: 'Complete', 2: 'Failed', 3: 'Complete' },
			{ 1: 'Complete', 2: 'Failed', 3: 'Complete' },
		];
		const run = simulate(['1', '2', '3', '4'], polls);
		expect(run.calls).toEqual([4, 3, 1, 1, 0]);
		expect(run.fired).toEqual([['3'], ['1'], [], ['2'], []]);
		expect(run.dropped).toEqual(['4']);
	});

	it('keeps state only for the batches on the watch list, so it stays as small as the list', () => {
		const state: ImportWatchState = { fired: { 1: 'Complete', 2: 'Failed' }, dropped: { 3: 'gone' } };
		expect(importWatchFor(state, [2, 5])).toEqual({ fired: { 2: 'Failed' }, dropped: {} });
		expect(batchesToAsk(importWatchFor(state, [1, 2, 3, 5, 5]), [1, 2, 3, 5, 5])).toEqual(['5']);
	});

	it('says why a batch is dropped and what to do', () => {
		const { next, reason } = dropBatch({ fired: {} }, '1043', "Marketo error 1003: Batch '1043' not found");
		expect(reason).toMatch(/no longer knows import batch 1043.*7 days.*remove it from 'Batch IDs'/);
		expect(next.dropped).toEqual({ 1043: reason });
	});
});
