import type { IDataObject } from 'n8n-workflow';

import { normalizeExportStatus } from '../Marketo/actions/bulkExport/exportJob';
import type { ExportJob } from '../Marketo/actions/bulkExport/exportJob';

export type { ExportJob };

/**
 * The trigger's memory, kept in the workflow's static data. n8n saves static data when the workflow is activated
 * and whenever a poll emits, not after a poll that finds nothing, so the state is only changed in those moments:
 * the start time at the first poll, and what has fired when it fires. Nothing else (no "last checked" time) is
 * needed, so a restart of n8n neither repeats nor skips a job.
 */
export interface ExportWatchState {
	/** ISO time of the first poll after activation: jobs finished before it are history, never fired */
	since: string;
	/** exportId -> finish time, of every job that has fired (pruned after Marketo's 7-day job list window) */
	fired: Record<string, string>;
}

export interface ImportWatchState {
	/** batchId -> final status, of every batch that has fired */
	fired: Record<string, string>;
}

/** When a finished job finished: `finishedAt`, which a canceled job may lack. */
export function finishedTime(job: ExportJob): string | undefined {
	return job.finishedAt ?? (normalizeExportStatus(job.status) === 'Canceled' ? (job.startedAt ?? job.queuedAt ?? job.createdAt) : undefined);
}

/** Marketo lists jobs of the last 7 days; one more day of memory covers clock differences. */
const FIRED_MEMORY_MS = 8 * 24 * 3600 * 1000;

/**
 * The export jobs to fire now: finished (in one of the watched statuses) at or after `since`, and not fired before,
 * oldest first. Returns the state to keep if they are emitted.
 */
export function exportJobsToFire(
	state: ExportWatchState,
	jobs: ExportJob[],
	statuses: string[],
	now: number,
): { fire: ExportJob[]; next: ExportWatchState } {
	const watched = new Set(statuses.map(normalizeExportStatus));
	const since = Date.parse(state.since);
	const fire = jobs
		.filter((job) => watched.has(normalizeExportStatus(job.status)))
		.filter((job) => {
			const at = Date.parse(finishedTime(job) ?? '');
			return Number.isFinite(at) && at >= since && state.fired[job.exportId] === undefined;
		})
		.sort((a, b) => Date.parse(finishedTime(a) ?? '') - Date.parse(finishedTime(b) ?? ''));
	const fired: Record<string, string> = {};
	for (const [id, at] of Object.entries(state.fired)) if (now - Date.parse(at) < FIRED_MEMORY_MS) fired[id] = at;
	for (const job of fire) fired[job.exportId] = finishedTime(job) ?? new Date(now).toISOString();
	return { fire, next: { since: state.since, fired } };
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

/** The watched import batches to fire now: final, and not fired before. */
export function importBatchesToFire(state: ImportWatchState, batches: ImportBatch[]): { fire: ImportBatch[]; next: ImportWatchState } {
	const fire = batches.filter((b) => FINAL_IMPORT_STATUSES.has(b.status) && state.fired[String(b.batchId)] === undefined);
	const fired = { ...state.fired };
	for (const b of fire) fired[String(b.batchId)] = b.status;
	return { fire, next: { fired } };
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
