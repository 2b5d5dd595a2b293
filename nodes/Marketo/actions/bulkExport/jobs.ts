import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { classifyCode, isOutcomeUnknown, MarketoApiError, pageByToken } from '../../transport';
import type { Clock, MarketoClient, PageLimit } from '../../transport';
import type { ByteFetcher } from './download';
import { normalizeExportStatus } from './exportJob';
import type { ExportJob } from './exportJob';
import type { ExportFilter } from './filter';
import { describeFilter, filterName } from './filter';
import { recoverCreatedJob } from './recoverJob';

export type { ExportJob };

export type ExportFormat = 'CSV' | 'TSV' | 'SSV';

/** What create.json takes. */
export interface ExportJobRequest {
	fields: string[];
	format: ExportFormat;
	columnHeaderNames?: Record<string, string>;
	filter: ExportFilter;
}

/** The Marketo client plus what the job calls need around it: the node (for errors), time, a log line. */
export interface ExportRun {
	client: MarketoClient;
	node: INode;
	clock: Clock;
	log?: (message: string) => void;
}

/** Enqueueing while 10 jobs are queued or processing answers 1029 "queue full": wait, then try again. */
export interface QueueWait {
	/** tries after the first one */
	maxRetries: number;
	/** first wait, doubled after every try up to `maxWaitMs` */
	firstWaitMs: number;
	maxWaitMs: number;
}

export interface PollWait {
	intervalMs: number;
	/** give up (and cancel the job) after this long; 0: wait as long as it takes */
	timeoutMs: number;
}

/** Marketo refreshes job status about once a minute: polling faster only spends API calls. */
export const DEFAULT_POLL_SECONDS = 60;
export const MIN_POLL_SECONDS = 1;
/** Longest single wait for a queue slot. */
export const MAX_QUEUE_WAIT_MS = 10 * 60_000;

const STATUS_PATH = (id: string) => `/bulk/v1/leads/export/${encodeURIComponent(id)}`;

/** The job with Marketo's two spellings of cancellation made one ("Canceled"). */
export function normalizedJob(job: ExportJob): ExportJob {
	return { ...job, status: normalizeExportStatus(String(job.status ?? '')) };
}

function firstJob(answer: { result?: ExportJob[] }, what: string, exportId?: string): ExportJob {
	const job = answer.result?.[0];
	if (!job) throw new Error(`Marketo answered ${what}${exportId ? ` of export job ${exportId}` : ''} without a job`);
	return normalizedJob(job);
}

/** A call's answer, or the error it failed with (so that Marketo's errors can be told apart outside a catch). */
async function attempt<T>(call: () => Promise<T>): Promise<{ answer: T } | { error: unknown }> {
	return await call().then(
		(answer) => ({ answer }),
		(error: unknown) => ({ error }),
	);
}

/** 1029 with "quota" in the message: the instance's 500 MB a day of export files is used up. */
export function isDailyQuota(error: unknown): boolean {
	return error instanceof MarketoApiError && error.marketoCode === '1029' && /quota/i.test(error.message);
}

function isAlreadyQueued(error: unknown): boolean {
	return error instanceof MarketoApiError && error.marketoCode === '1029' && /already (been )?queued/i.test(error.message);
}

function isQueueFull(error: unknown): boolean {
	return error instanceof MarketoApiError && classifyCode(error.marketoCode, error.message).retry === 'queue';
}

function dailyQuotaError(node: INode, error: MarketoApiError): NodeOperationError {
	return new NodeOperationError(node, `Marketo's daily bulk export quota is used up (${error.message})`, {
		description:
			'Every bulk export of this Marketo instance shares 500 MB of export files a day; the quota resets daily (midnight US Central). Export fewer fields or a shorter window, or try again tomorrow.',
	});
}

/**
 * Creates a job (status Created). Unsupported filters (1035) and the daily quota get messages saying what to do.
 * Creating is not repeated after a lost answer: the job list tells whether Marketo made the job (recoverCreatedJob).
 */
export async function createExportJob(run: ExportRun, request: ExportJobRequest): Promise<ExportJob> {
	const body: Record<string, unknown> = { fields: request.fields, format: request.format, filter: request.filter };
	if (request.columnHeaderNames && Object.keys(request.columnHeaderNames).length > 0) body.columnHeaderNames = request.columnHeaderNames;
	const outcome = await attempt(
		async () => await run.client.request<ExportJob>({ method: 'POST', path: '/bulk/v1/leads/export/create.json', body, repeatable: false }),
	);
	if ('answer' in outcome) return firstJob(outcome.answer, 'the creation');
	const error = outcome.error;
	if (isOutcomeUnknown(error)) {
		return await recoverCreatedJob(run, request, error, async () => await listExportJobs(run, ['Created'], { returnAll: true, limit: 0 }));
	}
	if (error instanceof MarketoApiError && error.marketoCode === '1035') {
		const name = filterName(request.filter);
		throw new NodeOperationError(run.node, `This Marketo subscription does not support the '${name}' export filter (Marketo error 1035)`, {
			description: `Marketo has not enabled the ${name} filter for every subscription (updatedAt and the smart list filters need extra infrastructure). Ask Marketo Support to enable it, or choose another filter (Created At window, static list).`,
		});
	}
	if (isDailyQuota(error)) throw dailyQuotaError(run.node, error as MarketoApiError);
	throw error;
}

/**
 * Enqueues a Created job. "Queue full" (1029: 10 jobs queued or processing) is waited out, with a doubling wait,
 * up to `wait.maxRetries` more tries; "already queued" counts as done; the daily quota fails at once.
 */
export async function enqueueExportJob(run: ExportRun, exportId: string, wait: QueueWait): Promise<ExportJob> {
	let waited = 0;
	for (let retry = 0; ; retry++) {
		const outcome = await attempt(
			async () => await run.client.request<ExportJob>({ method: 'POST', path: `${STATUS_PATH(exportId)}/enqueue.json`, repeatable: true }),
		);
		if ('answer' in outcome) return firstJob(outcome.answer, 'the enqueue', exportId);
		const error = outcome.error;
		if (isAlreadyQueued(error)) return await exportJobStatus(run, exportId);
		if (isDailyQuota(error)) throw dailyQuotaError(run.node, error as MarketoApiError);
		if (!isQueueFull(error)) throw error;
		if (retry >= wait.maxRetries) {
			throw new NodeOperationError(
				run.node,
				`Marketo's export queue stayed full; export job ${exportId} was not enqueued after ${retry + 1} tries over ${Math.round(waited / 1000)} s (${(error as Error).message})`,
				{
					description:
						"Marketo runs 2 export jobs at a time and queues 10 in all, for every integration of the instance. Raise 'Queue Retries', or cancel jobs you no longer need (Get Many Jobs with status Queued, then Cancel Job). The job stays Created and can be enqueued later with Enqueue Job.",
				},
			);
		}
		const ms = Math.min(wait.maxWaitMs, wait.firstWaitMs * 2 ** retry);
		run.log?.(`Marketo export ${exportId}: queue full (${(error as Error).message}), try ${retry + 2} in ${ms} ms`);
		await run.clock.sleep(ms);
		waited += ms;
	}
}

export async function exportJobStatus(run: ExportRun, exportId: string): Promise<ExportJob> {
	const answer = await run.client.request<ExportJob>({
		method: 'GET',
		path: `${STATUS_PATH(exportId)}/status.json`,
		errorHint: `Export job '${exportId}'.`,
	});
	return firstJob(answer, 'the status', exportId);
}

export async function cancelExportJob(run: ExportRun, exportId: string): Promise<ExportJob> {
	const answer = await run.client.request<ExportJob>({
		method: 'POST',
		path: `${STATUS_PATH(exportId)}/cancel.json`,
		repeatable: true,
		errorHint: `Export job '${exportId}'.`,
	});
	return firstJob(answer, 'the cancel', exportId);
}

/** The error for a job that ended without a file. */
export function unfinishedJobError(node: INode, job: ExportJob, filter?: ExportFilter): NodeOperationError {
	const about = filter ? ` (${describeFilter(filter)})` : '';
	if (job.status === 'Failed') {
		return new NodeOperationError(node, `Marketo export job ${job.exportId}${about} failed: ${job.errorMsg || 'Marketo gave no reason'}`, {
			description: 'Marketo could not build the file. Check the fields and the filter, then run the export again; if it keeps failing, ask Marketo Support with the export ID.',
		});
	}
	if (job.status === 'Canceled') {
		return new NodeOperationError(node, `Marketo export job ${job.exportId}${about} was canceled before it finished`, {
			description: 'Someone (or another workflow) canceled the job in Marketo. Run the export again if the file is still needed.',
		});
	}
	return new NodeOperationError(node, `Marketo export job ${job.exportId}${about} is ${job.status}, not Completed: it has no file yet`, {
		description: 'Wait until Get Job Status says Completed, then download the file.',
	});
}

/**
 * Polls the job every `intervalMs` until it is Completed (returned) or Failed/Canceled (thrown, with a clear
 * message). After `timeoutMs` the job is canceled, so that it does not hold one of the 10 queue places, and the
 * wait fails.
 */
export async function waitForExportJob(run: ExportRun, job: ExportJob, poll: PollWait, filter?: ExportFilter): Promise<ExportJob> {
	const started = run.clock.now();
	let latest = job;
	for (;;) {
		if (latest.status === 'Completed') return latest;
		if (latest.status === 'Failed' || latest.status === 'Canceled') throw unfinishedJobError(run.node, latest, filter);
		if (latest.status === 'Created') {
			throw new NodeOperationError(run.node, `Marketo export job ${latest.exportId} is Created but not enqueued, so it will never finish`, {
				description: 'Enqueue it first (Enqueue Job), then wait for it.',
			});
		}
		const waited = run.clock.now() - started;
		if (poll.timeoutMs > 0 && waited >= poll.timeoutMs) {
			const cancelled = await cancelExportJob(run, latest.exportId).then(
				() => 'It was canceled.',
				(error: Error) => `Canceling it failed too: ${error.message}`,
			);
			throw new NodeOperationError(
				run.node,
				`Marketo export job ${latest.exportId} was still ${latest.status} after ${Math.round(waited / 60_000)} min, the set 'Max Wait'`,
				{ description: `${cancelled} Raise 'Max Wait (Minutes)' for large exports, or run it when the queue is quieter.` },
			);
		}
		const remaining = poll.timeoutMs > 0 ? poll.timeoutMs - waited : poll.intervalMs;
		await run.clock.sleep(Math.min(poll.intervalMs, remaining));
		latest = await exportJobStatus(run, latest.exportId);
		run.log?.(`Marketo export ${latest.exportId}: ${latest.status}`);
	}
}

/** Marketo's job-list filter spells cancellation "Cancelled". */
export const JOB_STATUSES = ['Created', 'Queued', 'Processing', 'Completed', 'Failed', 'Canceled'] as const;

/**
 * Jobs of this API user from the last 7 days, oldest first. Statuses go comma-separated, the form Marketo's
 * documentation shows (`status=Completed,Failed`).
 */
export async function listExportJobs(run: ExportRun, statuses: string[], limit: PageLimit): Promise<ExportJob[]> {
	const wanted = statuses.map((s) => (s === 'Canceled' ? 'Cancelled' : s));
	const jobs = await pageByToken<ExportJob>(
		run.client,
		{ method: 'GET', path: '/bulk/v1/leads/export.json', qs: { status: wanted.length ? wanted : undefined } },
		limit,
	);
	return jobs.map(normalizedJob);
}

/**
 * Fetches a job's file (file.json) as a stream, from byte `from` (to byte `to`) with a `Range` header when not
 * the whole file is wanted. The transport retries a request that gets no answer; a body that breaks off midway
 * is resumed by the caller (see resumableBytes).
 */
export function exportFileFetcher(run: ExportRun, exportId: string): ByteFetcher {
	return async (from, to) => {
		const range = from > 0 || to !== undefined ? `bytes=${from}-${to ?? ''}` : undefined;
		return await run.client.download({
			method: 'GET',
			path: `${STATUS_PATH(exportId)}/file.json`,
			expect: 'stream',
			// bytes as stored: Range offsets, fileSize and the checksum count unencoded bytes, which a compressed
			// answer (that the HTTP client would decode) would not
			headers: { 'Accept-Encoding': 'identity', ...(range ? { Range: range } : {}) },
			errorHint: `File of export job '${exportId}'.`,
		});
	};
}
