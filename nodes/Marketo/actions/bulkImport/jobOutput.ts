import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { systemClock } from '../../transport';
import type { OperationContext } from '../types';
import { isFailed, isFinished, waitForJobs } from './jobs';
import type { ImportStatus } from './jobs';
import type { Job, RunOptions } from './importRun';
import { fetchResult, ITEM_KINDS, pairedWith, resultRowItems, RowPairing } from './results';

/** The output of the run: one item per job (its status, or its error), the failed and warned rows after it. */

/**
 * For an error that stops the node after Marketo accepted other parts of the run: those import regardless, and
 * their batch ids must not be lost with the node's output.
 */
function acceptedNote(job: Job, jobsOfRun: Job[]): string | undefined {
	const ids = jobsOfRun.filter((other) => other !== job && other.status?.batchId !== undefined).map((other) => other.status!.batchId);
	if (ids.length === 0) return undefined;
	return `Marketo already accepted import batch ${ids.join(', ')} of this run; ${ids.length > 1 ? 'they import' : 'it imports'} regardless. Check with Bulk Import > Get Status or the Marketo Trigger before importing the same leads again.`;
}

/**
 * The job's error item with Continue On Fail; without, the node stops (naming the other batches of the run that
 * Marketo already accepted, given `jobsOfRun`).
 */
export function jobError(context: OperationContext, job: Job, error: unknown, description?: string, jobsOfRun: Job[] = []): INodeExecutionData {
	const { fn } = context;
	const message = error instanceof Error ? error.message : String(error);
	if (!context.continueOnFail) {
		const note = acceptedNote(job, jobsOfRun);
		if (!description && (error instanceof NodeApiError || error instanceof NodeOperationError)) {
			if (note) error.description = [error.description, note].filter(Boolean).join(' ');
			throw error;
		}
		throw new NodeOperationError(fn.getNode(), message, { itemIndex: job.itemIndexes[0], description: [description, note].filter(Boolean).join(' ') || undefined });
	}
	const json: IDataObject = { kind: ITEM_KINDS.job, ...job.status, ...job.about, error: message };
	const errorDescription = description ?? (error as { description?: string }).description;
	if (errorDescription) json.errorDescription = errorDescription;
	return { json, pairedItem: pairedWith(job.itemIndexes) };
}

async function finishedJobOutput(context: OperationContext, job: Job, run: RunOptions): Promise<INodeExecutionData[]> {
	const { fn, client } = context;
	const status = job.status as ImportStatus;
	if (isFailed(status.status)) {
		return [jobError(context, job, new Error(`Marketo import job ${status.batchId} failed: ${status.message ?? 'no reason given'}`), "Marketo's message says why. Correct the file and import again.")];
	}
	const item: INodeExecutionData = { json: { kind: ITEM_KINDS.job, ...status, ...job.about }, pairedItem: pairedWith(job.itemIndexes) };
	const rowItems: INodeExecutionData[] = [];
	const counts = { failures: Number(status.numOfRowsFailed ?? 0), warnings: Number(status.numOfRowsWithWarning ?? 0) };
	for (const kind of ['failures', 'warnings'] as const) {
		if (!(counts[kind] > 0)) continue;
		const fetched = await fetchResult(fn, client, status.batchId, kind, job.upload.format);
		item.binary = { ...item.binary, [kind]: fetched.binary };
		if (run.outputRows) {
			const pairing = job.pairing ?? new RowPairing(job.itemIndexes);
			// one by one: a failures file can hold more rows than a spread may pass as arguments
			for (const row of resultRowItems(fetched.rows, status.batchId, kind, (row) => pairing.pairsOf(row))) rowItems.push(row);
		}
	}
	return [item, ...rowItems];
}

/**
 * Fills in the output of every job Marketo accepted: with 'Wait for Completion', its final status and its failed
 * and warned rows (or why the wait ended); without, its batch id at once.
 */
export async function reportSubmitted(context: OperationContext, jobs: Job[], outputs: Map<Job, INodeExecutionData[]>, run: RunOptions): Promise<void> {
	const { client } = context;
	const submitted = jobs.filter((j) => !outputs.has(j) && j.status);
	if (run.wait && submitted.length > 0) {
		let final = new Map<number, ImportStatus>();
		try {
			final = await waitForJobs(client, submitted.map((j) => j.status as ImportStatus), {
				intervalMs: run.pollMs,
				maxWaitMs: run.maxWaitMs,
				clock: systemClock,
			});
		} catch (error) {
			// the jobs are in Marketo whatever happened to the status calls: their items carry their batch ids
			for (const job of submitted) outputs.set(job, [jobError(context, job, error, undefined, jobs)]);
		}
		for (const job of submitted.filter((j) => !outputs.has(j))) {
			job.status = final.get(job.status!.batchId) ?? job.status;
			if (!isFinished(job.status!.status)) {
				outputs.set(job, [
					jobError(
						context,
						job,
						new Error(`Marketo import job ${job.status!.batchId} was still ${job.status!.status} after ${run.maxWaitMs / 60_000} min`),
						`The import goes on in Marketo. Check it later with Bulk Import > Get Status (batch ID ${job.status!.batchId}), or raise 'Max Wait (Minutes)' under Options.`,
						jobs,
					),
				]);
			} else {
				try {
					outputs.set(job, await finishedJobOutput(context, job, run));
				} catch (error) {
					outputs.set(job, [jobError(context, job, error, undefined, jobs)]);
				}
			}
		}
	} else {
		for (const job of submitted) {
			// Marketo can refuse a file at once (status Failed in the upload's answer): that is a failure, waiting or not
			outputs.set(
				job,
				isFailed(job.status!.status)
					? await finishedJobOutput(context, job, run)
					: [{ json: { kind: ITEM_KINDS.job, ...job.status, ...job.about }, pairedItem: pairedWith(job.itemIndexes) }],
			);
		}
	}
}

/** The run's output in input order: each job's items at its first input item, error items of rejected input at theirs. */
export function inInputOrder(jobs: Job[], outputs: Map<Job, INodeExecutionData[]>, rejected: INodeExecutionData[]): INodeExecutionData[] {
	const ordered: Array<{ at: number; items: INodeExecutionData[] }> = jobs.map((job) => ({ at: job.itemIndexes[0], items: outputs.get(job) ?? [] }));
	for (const item of rejected) {
		const paired = item.pairedItem as { item: number };
		ordered.push({ at: paired.item, items: [item] });
	}
	return ordered.sort((a, b) => a.at - b.at).flatMap((o) => o.items);
}
