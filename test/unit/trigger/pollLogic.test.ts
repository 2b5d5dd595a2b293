import { exportJobsToFire, importBatchesToFire, latestFinishedJob, latestImportSample } from '../../../nodes/MarketoTrigger/pollLogic';
import type { ExportJob, ExportWatchState } from '../../../nodes/MarketoTrigger/pollLogic';

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
		const { fire } = exportJobsToFire(started, [job('old', 'Completed', -5)], ['Completed'], T0 + 60_000);
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
			const { fire, next } = exportJobsToFire(state, [...listed, job('p', 'Processing')], ['Completed'], T0 + minute * 60_000);
			firedPerPoll.push(fire.map((j) => j.exportId));
			if (fire.length > 0) state = next; // n8n keeps the state only when the poll emits
		}
		expect(firedPerPoll).toEqual([[], ['a', 'b'], [], ['c'], [], []]);
	});

	it('after a restart (state as last saved) fires what finished meanwhile and nothing twice', () => {
		const saved = exportJobsToFire(started, [job('a', 'Completed', 1)], ['Completed'], T0 + 2 * 60_000).next;
		const afterRestart = exportJobsToFire(saved, [job('a', 'Completed', 1), job('b', 'Completed', 30)], ['Completed'], T0 + 60 * 60_000);
		expect(afterRestart.fire.map((j) => j.exportId)).toEqual(['b']);
	});

	it('fires only the watched statuses, accepting both spellings of canceled', () => {
		const jobs = [job('ok', 'Completed', 1), job('bad', 'Failed', 1), { ...job('stop', 'Cancelled'), startedAt: at(1) }];
		expect(exportJobsToFire(started, jobs, ['Failed', 'Canceled'], T0 + 120_000).fire.map((j) => j.exportId).sort()).toEqual(['bad', 'stop']);
	});

	it('forgets fired jobs after Marketo stops listing them (8 days)', () => {
		const state: ExportWatchState = { since: at(0), fired: { a: at(1) } };
		const { next } = exportJobsToFire(state, [job('b', 'Completed', 2)], ['Completed'], T0 + 9 * 24 * 3600_000);
		expect(Object.keys(next.fired)).toEqual(['b']);
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
