import type { IDataObject } from 'n8n-workflow';

import { classifyCode, MarketoApiError } from '../../transport';
import type { Clock, MarketoClient, MarketoEnvelope } from '../../transport';
import { delimiterOf, parseDelimited } from '../shared/csv';
import type { BulkFormat } from '../shared/csv';
import { multipartBody } from '../shared/multipart';
import { detectFormat, MIME_TYPES } from './importFile';

/** A bulk import job as Marketo reports it (`/bulk/v1/leads/batch/{id}.json`). */
export interface ImportStatus extends IDataObject {
	batchId: number;
	importId?: string;
	status: string;
	numOfLeadsProcessed?: number;
	numOfRowsFailed?: number;
	numOfRowsWithWarning?: number;
	message?: string;
}

/** Marketo: poll every 5-30 seconds. Faster polling only spends the instance's API calls. */
export const MIN_POLL_SECONDS = 5;
/** Longest single wait between two tries while the import queue is full. */
export const MAX_QUEUE_WAIT_MS = 5 * 60_000;

export function isFinished(status: string | undefined): boolean {
	const s = String(status ?? '').toLowerCase();
	return s === 'complete' || s === 'failed';
}

export function isFailed(status: string | undefined): boolean {
	return String(status ?? '').toLowerCase() === 'failed';
}

export interface Upload {
	file: Buffer;
	fileName: string;
	format: BulkFormat;
	lookupField: string;
	listId?: number;
	partitionName?: string;
}

export interface QueuePolicy {
	/** retries after Marketo answered "queue full" (1016) or "list import in progress" (1019) */
	maxRetries: number;
	/** first wait; doubled each retry up to MAX_QUEUE_WAIT_MS */
	firstWaitMs: number;
	clock: Clock;
	/** told before each wait (for the n8n log) */
	onWait?: (code: string, waitMs: number, retry: number) => void;
}

/** The wait before queue retry `retry` (1-based): the first wait doubled each time, capped at five minutes. */
export function queueWaitMs(policy: Pick<QueuePolicy, 'firstWaitMs'>, retry: number): number {
	return Math.min(MAX_QUEUE_WAIT_MS, policy.firstWaitMs * 2 ** (retry - 1));
}

/** Thrown when the queue stayed full after every retry; keeps Marketo's error for the message. */
export class QueueFullError extends Error {
	constructor(
		readonly marketoError: MarketoApiError,
		readonly retries: number,
		readonly waitedMs: number,
	) {
		super(marketoError.message);
		this.name = 'QueueFullError';
	}
}

/**
 * Creates one import job: `POST /bulk/v1/leads.json` with the file as the multipart part `file` and the options
 * as query parameters. Marketo's queue answers (1016 too many imports, 1019 import into this list in progress)
 * are not failures but "later": the call is repeated after a growing wait, up to `maxRetries` times.
 */
export async function submitImport(client: MarketoClient, upload: Upload, policy: QueuePolicy): Promise<ImportStatus> {
	const { body, contentType } = multipartBody([
		{ name: 'file', fileName: upload.fileName, contentType: MIME_TYPES[upload.format], data: upload.file },
	]);
	let waited = 0;
	for (let retry = 0; ; retry++) {
		let answer: MarketoEnvelope<ImportStatus> | undefined;
		let failure: unknown;
		try {
			answer = await client.request<ImportStatus>({
				method: 'POST',
				path: '/bulk/v1/leads.json',
				qs: { format: upload.format, lookupField: upload.lookupField, listId: upload.listId, partitionName: upload.partitionName },
				raw: { body, contentType },
				repeatable: false,
			});
		} catch (error) {
			failure = error;
		}
		if (answer) {
			const job = answer.result?.[0];
			if (!job || job.batchId === undefined) throw new Error('Marketo accepted the import but returned no batch ID');
			return { ...job, batchId: Number(job.batchId) };
		}
		// the transport's errors are n8n errors already; only "queue busy" is handled here
		if (!(failure instanceof MarketoApiError) || classifyCode(failure.marketoCode).retry !== 'queue') throw failure;
		if (retry >= policy.maxRetries) throw new QueueFullError(failure, retry, waited);
		const wait = queueWaitMs(policy, retry + 1);
		policy.onWait?.(failure.marketoCode, wait, retry + 1);
		await policy.clock.sleep(wait);
		waited += wait;
	}
}

export async function importStatus(client: MarketoClient, batchId: number, errorHint?: string): Promise<ImportStatus> {
	const answer = await client.request<ImportStatus>({ method: 'GET', path: `/bulk/v1/leads/batch/${batchId}.json`, errorHint });
	const status = answer.result?.[0];
	if (!status) throw new Error(`Marketo returned no status for import batch ${batchId}`);
	return { ...status, batchId: Number(status.batchId ?? batchId) };
}

export interface PollPolicy {
	intervalMs: number;
	/** give up after this long (0: never) */
	maxWaitMs: number;
	clock: Clock;
}

/**
 * Polls the jobs, every `intervalMs`, until each is Complete or Failed or the wait limit is reached. Each round
 * asks only for the jobs still running. Returns the last status of every job, by batch id (a job still running
 * at the limit is returned as it was last seen).
 */
export async function waitForJobs(client: MarketoClient, jobs: ImportStatus[], policy: PollPolicy): Promise<Map<number, ImportStatus>> {
	const latest = new Map(jobs.map((j) => [j.batchId, j]));
	const started = policy.clock.now();
	for (;;) {
		const running = [...latest.values()].filter((j) => !isFinished(j.status));
		if (running.length === 0) return latest;
		const waited = policy.clock.now() - started;
		if (policy.maxWaitMs > 0 && waited >= policy.maxWaitMs) return latest;
		await policy.clock.sleep(policy.maxWaitMs > 0 ? Math.min(policy.intervalMs, policy.maxWaitMs - waited) : policy.intervalMs);
		for (const job of running) latest.set(job.batchId, await importStatus(client, job.batchId));
	}
}

export type ResultKind = 'failures' | 'warnings';

/** The failures or warnings file of a job, as raw text (the job's format; a reason column appended). */
export async function resultFile(client: MarketoClient, batchId: number, kind: ResultKind, errorHint?: string): Promise<string> {
	const answer = await client.download({ method: 'GET', path: `/bulk/v1/leads/batch/${batchId}/${kind}.json`, errorHint });
	return String(answer.body ?? '');
}

export interface ResultRow {
	/** the row's values, without the reason */
	cells: string[];
	/** the row as an object keyed by the header */
	fields: Record<string, string>;
	/** Marketo's reason (the last column) */
	reason: string;
}

export interface ParsedResultFile {
	format: BulkFormat;
	rows: ResultRow[];
}

/**
 * Reads a failures or warnings file: the import's header plus a reason column ("Import Failure Reason"), then the
 * rows concerned. The format is the job's; when it is not known it is told from the header line.
 */
export function parseResultFile(text: string, format?: BulkFormat): ParsedResultFile {
	const firstLine = text.slice(0, text.search(/\r|\n|$/));
	const chosen = format ?? detectFormat(firstLine) ?? 'csv';
	const [header = [], ...data] = parseDelimited(text.replace(/^\uFEFF/, ''), delimiterOf(chosen)).filter(
		(row) => row.length > 1 || row[0] !== '',
	);
	const names = header.slice(0, -1);
	const rows = data.map((row) => {
		const cells = row.length > names.length ? row.slice(0, names.length) : row;
		const reason = row.length > names.length ? row.slice(names.length).join(delimiterOf(chosen)) : '';
		const fields: Record<string, string> = {};
		names.forEach((name, i) => (fields[name] = cells[i] ?? ''));
		return { cells, fields, reason };
	});
	return { format: chosen, rows };
}
