import type { INodeExecutionData } from 'n8n-workflow';

import { isOutcomeUnknown, systemClock } from '../../transport';
import type { OperationContext } from '../types';
import { isFinished, QueueFullError, submitImport, waitForJobs } from './jobs';
import type { QueuePolicy } from './jobs';
import type { Job, RunOptions } from './importRun';
import { jobError } from './jobOutput';
import { earlierPartsSharingValues } from './partOrder';
import { ITEM_KINDS } from './results';

/**
 * Sending the jobs to Marketo: one upload per part, waiting for a slot while Marketo's import queue is full, and
 * never while an earlier part holding some of the same leads may still be importing (see partOrder.ts).
 */

/** How the messages name a part: "part 2 of 3 (rows 41 to 80)", with the file's name for a file. */
function partName(job: Job): string {
	const { part, parts, firstRow, lastRow, fileName } = job.about;
	return `part ${part} of ${parts}${fileName ? ` of '${fileName}'` : ''} (rows ${firstRow} to ${lastRow})`;
}

/**
 * The upload of a part got no answer (the connection dropped after it was sent): Marketo may have created the job
 * or not. It is not sent again, since a second job could import the same leads at the same time. With Continue On
 * Fail every input item of the part gets an item saying so; without, the node stops saying so.
 */
function outcomeUnknownItems(context: OperationContext, job: Job, error: Error, jobs: Job[]): INodeExecutionData[] {
	const message = `Marketo may or may not have received ${partName(job)}: ${error.message}`;
	const description =
		'The node did not send it again: a second import job could import the same leads at the same time and create them twice. Check in Marketo whether these leads were created or updated just now (search a few of them in Lead Database; their Activity Log shows the import), then import only the rows that are missing.';
	if (!context.continueOnFail) return [jobError(context, job, new Error(message), description, jobs)];
	return job.itemIndexes.map((item) => ({
		json: { kind: ITEM_KINDS.job, outcome: 'unknown', ...job.about, error: message, errorDescription: description },
		pairedItem: { item },
	}));
}

/**
 * Waits until the earlier parts that hold some of the same leads have finished. Returns the part's error item when
 * it must not be sent: one of them may still be importing (the wait ended, its status cannot be read, or its own
 * upload's outcome is unknown).
 */
async function waitForEarlier(context: OperationContext, job: Job, earlier: Job[], jobs: Job[], run: RunOptions): Promise<INodeExecutionData | undefined> {
	const notSent = (reason: string, what: string) =>
		jobError(context, job, new Error(`${partName(job)} was not sent: ${reason}`), `Sent now, both could create the same lead twice. ${what}`, jobs);
	const unknown = earlier.filter((e) => e.uploadUnknown);
	if (unknown.length > 0) {
		return notSent(`${partName(unknown[0])} holds some of the same leads and Marketo may be importing it`, "Once you know whether that part was imported (see its item), import this part's rows again.");
	}
	const running = earlier.filter((e) => e.status && !isFinished(e.status.status));
	if (running.length === 0) return undefined;
	const ids = running.map((e) => e.status!.batchId).join(', ');
	context.fn.logger.info(`Marketo bulk import: ${partName(job)} waits for batch ${ids}, which holds some of the same leads`);
	try {
		const final = await waitForJobs(context.client, running.map((e) => e.status!), { intervalMs: run.pollMs, maxWaitMs: run.maxWaitMs, clock: systemClock });
		for (const e of running) e.status = final.get(e.status!.batchId) ?? e.status;
	} catch (error) {
		return notSent(`the status of batch ${ids}, which holds some of the same leads, could not be read (${(error as Error).message})`, `Import this part's rows again once batch ${ids} has finished (Bulk Import > Get Status).`);
	}
	const still = running.filter((e) => !isFinished(e.status!.status));
	if (still.length === 0) return undefined;
	return notSent(
		`batch ${still.map((e) => e.status!.batchId).join(', ')}, which holds some of the same leads, was still ${still[0].status!.status} after ${run.maxWaitMs / 60_000} min`,
		`Import this part's rows again once that batch has finished (Bulk Import > Get Status), or raise 'Max Wait (Minutes)' under Options.`,
	);
}

export async function submitAll(context: OperationContext, jobs: Job[], run: RunOptions): Promise<Map<Job, INodeExecutionData[]>> {
	const { fn, client } = context;
	const failed = new Map<Job, INodeExecutionData[]>();
	const policy: QueuePolicy = {
		maxRetries: run.queueRetries,
		firstWaitMs: run.pollMs,
		clock: systemClock,
		onWait: (code, waitMs, retry) =>
			fn.logger.info(`Marketo bulk import: queue busy (${code}), retry ${retry} of ${run.queueRetries} in ${Math.round(waitMs / 1000)} s`),
	};
	// read before any upload: a part's bytes are dropped once it is sent
	const waits = jobs.length > 1 ? earlierPartsSharingValues((function* () { for (const job of jobs) yield job.lookupKeys(); })()) : [];
	for (const [j, job] of jobs.entries()) {
		const blocked = await waitForEarlier(context, job, (waits[j] ?? []).map((k) => jobs[k]), jobs, run);
		if (blocked) {
			failed.set(job, [blocked]);
		} else {
			try {
				job.status = await submitImport(client, job.upload, policy);
			} catch (error) {
				if (isOutcomeUnknown(error)) {
					job.uploadUnknown = true;
					failed.set(job, outcomeUnknownItems(context, job, error, jobs));
				} else if (error instanceof QueueFullError) {
					failed.set(job, [
						jobError(
							context,
							job,
							new Error(`Marketo's bulk import queue stayed busy: ${error.message}`),
							`The node waited ${Math.round(error.waitedMs / 1000)} s over ${error.retries} retries. Marketo runs at most 10 imports per instance at a time (and one per static list). Raise 'Retries When Queue Is Busy' under Options, or run the import later.`,
							jobs,
						),
					]);
				} else {
					failed.set(job, [jobError(context, job, error, undefined, jobs)]);
				}
			}
		}
		// the part is uploaded (or given up): its bytes are no longer needed
		job.upload.file = Buffer.alloc(0);
	}
	return failed;
}
