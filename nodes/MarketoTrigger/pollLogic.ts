import type { IDataObject } from 'n8n-workflow';

import { normalizeExportStatus } from '../Marketo/actions/bulkExport/exportJob';
import type { ExportJob } from '../Marketo/actions/bulkExport/exportJob';

export type { ExportJob };

/**
 * The trigger's memory, kept in the workflow's static data. n8n saves static data when the workflow is activated
 * and whenever a poll emits, not after a poll that finds nothing, so the state is only changed in those moments:
 * the start reference at the first poll, and what has fired when it fires. Nothing else (no "last checked" time) is
 * needed, so a restart of n8n neither repeats nor skips a job.
 *
 * Every time the trigger compares is one of Marketo's: n8n's clock and Marketo's may differ by minutes, and a job
 * that finished just after activation must not be taken for history because n8n's clock runs ahead.
 */
export interface ExportWatchState {
	/**
	 * Marketo's time at activation: the newest time of any job Marketo listed then (created, queued, started or
	 * finished). Jobs finishing at or after it fire; absent when Marketo listed no job at activation (then every
	 * job seen finishing later fires).
	 */
	since?: string;
	/** exportId -> finish time, of every job that has fired (pruned after Marketo's 7-day job list window) */
	fired: Record<string, string>;
}

export interface ImportWatchState {
	/** batchId -> final status, of every watched batch that has fired: never asked about again */
	fired: Record<string, string>;
	/** batchId -> why it is no longer watched (Marketo no longer knows it): never asked about again */
	dropped?: Record<string, string>;
}

/** When a finished job finished: `finishedAt`, which a canceled job may lack. */
export function finishedTime(job: ExportJob): string | undefined {
	return job.finishedAt ?? (normalizeExportStatus(job.status) === 'Canceled' ? (job.startedAt ?? job.queuedAt ?? job.createdAt) : undefined);
}

/** The newest of Marketo's times in a job list (ms), or undefined for an empty list: Marketo's "now", as Marketo saw it. */
export function newestMarketoTime(jobs: ExportJob[]): number | undefined {
	let newest: number | undefined;
	for (const job of jobs) {
		for (const time of [job.createdAt, job.queuedAt, job.startedAt, job.finishedAt]) {
			const at = Date.parse(time ?? '');
			if (Number.isFinite(at) && (newest === undefined || at > newest)) newest = at;
		}
	}
	return newest;
}

/**
 * The state at activation, from the jobs Marketo lists then (every status): the reference is Marketo's newest time,
 * and the finished jobs listed at that very second (Marketo's times have one-second steps) count as fired, so that
 * history is never fired while a job finishing later in the same second is.
 */
export function exportWatchStart(jobs: ExportJob[]): ExportWatchState {
	const newest = newestMarketoTime(jobs);
	if (newest === undefined) return { fired: {} };
	const fired: Record<string, string> = {};
	for (const job of jobs) {
		const at = finishedTime(job);
		if (at !== undefined && Date.parse(at) >= newest) fired[job.exportId] = at;
	}
	return { since: new Date(newest).toISOString(), fired };
}

/** Marketo lists jobs of the last 7 days; one more day of memory, measured on Marketo's clock. */
const FIRED_MEMORY_MS = 8 * 24 * 3600 * 1000;

/**
 * The export jobs to fire now: finished (in one of the watched statuses) at or after `since`, and not fired before,
 * oldest first. Returns the state to keep if they are emitted. Only Marketo's times are compared: finish times
 * with the activation reference, and fired entries with the newest time of this listing.
 */
export function exportJobsToFire(state: ExportWatchState, jobs: ExportJob[], statuses: string[]): { fire: ExportJob[]; next: ExportWatchState } {
	const watched = new Set(statuses.map(normalizeExportStatus));
	const since = state.since === undefined ? -Infinity : Date.parse(state.since);
	const fire = jobs
		.filter((job) => watched.has(normalizeExportStatus(job.status)))
		.filter((job) => {
			const at = Date.parse(finishedTime(job) ?? '');
			return Number.isFinite(at) && at >= since && state.fired[job.exportId] === undefined;
		})
		.sort((a, b) => Date.parse(finishedTime(a) ?? '') - Date.parse(finishedTime(b) ?? ''));
	const newest = newestMarketoTime(jobs);
	const fired: Record<string, string> = {};
	for (const [id, at] of Object.entries(state.fired)) if (newest === undefined || newest - Date.parse(at) < FIRED_MEMORY_MS) fired[id] = at;
	for (const job of fire) fired[job.exportId] = finishedTime(job) ?? '';
	return { fire, next: { ...state, fired } };
}

/** For a manual test run: the most recently finished job in the watched statuses. */
export function latestFinishedJob(jobs: ExportJob[], statuses: string[]): ExportJob | undefined {
	const watched = new Set(statuses.map(normalizeExportStatus));
	return jobs
		.filter((job) => watched.has(normalizeExportStatus(job.status)) && finishedTime(job))
		.sort((a, b) => Date.parse(finishedTime(b) ?? '') - Date.parse(finishedTime(a) ?? ''))[0];
}

export interface ImportBatch extends IDataObject {
	batchId: number | string;
	status: string;
	numOfLeadsProcessed?: number;
	numOfRowsFailed?: number;
	numOfRowsWithWarning?: number;
	message?: string;
}

/** Marketo's final import statuses. */
export const FINAL_IMPORT_STATUSES = new Set(['Complete', 'Failed']);

/**
 * The watch as far as it concerns the batches watched now: entries of batches taken off the 'Batch IDs' list are
 * forgotten, so the static data never holds more than the watch list.
 */
export function importWatchFor(state: ImportWatchState | undefined, batchIds: Array<number | string>): ImportWatchState {
	const watched = new Set(batchIds.map(String));
	const keep = (entries: Record<string, string> | undefined): Record<string, string> =>
		Object.fromEntries(Object.entries(entries ?? {}).filter(([id]) => watched.has(id)));
	return { fired: keep(state?.fired), dropped: keep(state?.dropped) };
}

/** The watched batches to ask Marketo about: neither fired nor dropped (one status call each, nothing else). */
export function batchesToAsk(state: ImportWatchState, batchIds: Array<number | string>): string[] {
	return [...new Set(batchIds.map(String))].filter((id) => state.fired[id] === undefined && state.dropped?.[id] === undefined);
}

/**
 * Marketo's answer for a batch it does not know: batch ids stay valid for 7 days, after which the status call fails
 * with 1003 ("Batch ... not found"; 1013 "object not found" is taken the same way).
 */
export const UNKNOWN_BATCH_CODES = new Set(['1003', '1013']);

/** The watch without a batch Marketo no longer knows, and the reason, for the log and the static data. */
export function dropBatch(state: ImportWatchState, batchId: string, marketoMessage: string): { next: ImportWatchState; reason: string } {
	const reason = `Marketo no longer knows import batch ${batchId} (${marketoMessage}); Marketo keeps a batch for 7 days. It is no longer watched: remove it from 'Batch IDs'.`;
	return { next: { ...state, dropped: { ...state.dropped, [batchId]: reason } }, reason };
}

/** The watched import batches to fire now: final, and not fired before. */
export function importBatchesToFire(state: ImportWatchState, batches: ImportBatch[]): { fire: ImportBatch[]; next: ImportWatchState } {
	const fire = batches.filter((b) => FINAL_IMPORT_STATUSES.has(b.status) && state.fired[String(b.batchId)] === undefined);
	const fired = { ...state.fired };
	for (const b of fire) fired[String(b.batchId)] = b.status;
	return { fire, next: { ...state, fired } };
}

/**
 * For a manual test run: the most recent finished batch among the watched ones (Marketo's batch ids grow, and an
 * import status carries no timestamps), or, while none has finished, the newest watched batch, so the editor
 * shows what the trigger will emit.
 */
export function latestImportSample(batches: ImportBatch[]): ImportBatch | undefined {
	const newestFirst = [...batches].sort((a, b) => Number(b.batchId) - Number(a.batchId));
	return newestFirst.find((b) => FINAL_IMPORT_STATUSES.has(b.status)) ?? newestFirst[0];
}
