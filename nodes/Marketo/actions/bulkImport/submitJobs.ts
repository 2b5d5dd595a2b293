import type { INodeExecutionData } from 'n8n-workflow';

import { systemClock } from '../../transport';
import type { OperationContext } from '../types';
import { QueueFullError, submitImport } from './jobs';
import type { QueuePolicy } from './jobs';
import type { Job, RunOptions } from './importRun';
import { jobError } from './jobOutput';

/** Sending the jobs to Marketo: one upload per part, waiting for a slot while Marketo's import queue is full. */

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
	for (const job of jobs) {
		try {
			job.status = await submitImport(client, job.upload, policy);
		} catch (error) {
			if (error instanceof QueueFullError) {
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
		// the part is uploaded (or given up): its bytes are no longer needed
		job.upload.file = Buffer.alloc(0);
	}
	return failed;
}
