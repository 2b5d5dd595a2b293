import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INode } from 'n8n-workflow';

import type { ExportFilter } from './filter';
import { dateWindowOf, describeFilter, filterName } from './filter';
import type { ExportJob } from './jobs';

/**
 * A long export runs as several jobs one after another. When job k fails (Marketo's Failed status, Max Wait, the
 * daily quota, a full queue), jobs 1 to k-1 have finished and their files already count against the instance's
 * 500 MB daily export quota: their export IDs and how to go on are handed to the user instead of being thrown away.
 */
export interface PartialExport {
	/** the finished jobs, in order */
	done: ExportJob[];
	/** every piece's filter; filters[done.length] is the one that failed */
	filters: ExportFilter[];
	error: unknown;
}

/** The filter that exports what is still missing: from the failed piece's start to the end of the window. */
export function resumeFilter(partial: PartialExport): ExportFilter {
	const failed = partial.filters[partial.done.length];
	const last = dateWindowOf(partial.filters[partial.filters.length - 1]);
	const from = dateWindowOf(failed);
	if (!from || !last) return failed;
	return { [filterName(failed)]: { startAt: from.startAt, endAt: last.endAt } } as ExportFilter;
}

function reasonOf(error: unknown): { message: string; description?: string } {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		return { message: error.message, description: error.description ?? undefined };
	}
	return { message: error instanceof Error ? error.message : String(error) };
}

/** The message and description of a partial export: what failed, which export IDs finished, how to go on. */
export function describePartial(partial: PartialExport): { message: string; description: string } {
	const k = partial.done.length;
	const n = partial.filters.length;
	const ids = partial.done.map((job) => job.exportId);
	const reason = reasonOf(partial.error);
	const rest = describeFilter(resumeFilter(partial));
	return {
		message: `Export job ${k + 1} of ${n} (${describeFilter(partial.filters[k])}) did not finish: ${reason.message}. Job${k === 1 ? '' : 's'} 1${k > 1 ? `-${k}` : ''} finished, export ID${k === 1 ? '' : 's'} ${ids.join(', ')}`,
		description: [
			reason.description,
			`The finished jobs' files stay available for 7 days and already count against the 500 MB daily export quota, so do not run the whole export again: download each with Bulk Export > Download File (Export ID ${ids.join(', ')}), then export the rest (${rest}) with Export Leads.`,
		]
			.filter(Boolean)
			.join(' '),
	};
}

export function partialExportError(node: INode, partial: PartialExport): NodeOperationError {
	const { message, description } = describePartial(partial);
	return new NodeOperationError(node, message, { description });
}

/** What the output says about a partial export (with Continue On Fail). */
export function partialSummary(partial: PartialExport): IDataObject {
	const { message, description } = describePartial(partial);
	const failed = partial.done.length;
	return {
		error: message,
		errorDescription: description,
		complete: false,
		finishedExportIds: partial.done.map((job) => job.exportId),
		failedJob: failed + 1,
		failedFilter: partial.filters[failed] as IDataObject,
		resumeFilter: resumeFilter(partial) as IDataObject,
	};
}
