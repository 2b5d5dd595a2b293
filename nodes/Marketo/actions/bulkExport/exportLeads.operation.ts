import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { OperationContext, OperationDeclaration } from '../types';
import { delimiterOf } from '../shared/csv';
import { paired } from '../shared/items';
import { joinedPieces } from './boundary';
import type { BoundaryPlan, JoinCount } from './boundary';
import {
	columnHeaderNames,
	columnHeaderNamesOption,
	exportFieldsField,
	fileNameOption,
	filterFields,
	formatField,
	maxWaitOption,
	optionsCollection,
	pollIntervalOption,
	queueRetriesOption,
	readExportFields,
	readFilter,
	readFormat,
	readWaits,
} from './fields';
import { dateWindowOf, describeFilter, filterName, jobFilters, PIECE_DAYS } from './filter';
import type { ExportFilter } from './filter';
import { completedJobFile, exportFileName } from './files';
import { exportRun, itemsPerInput } from './context';
import { createExportJob, enqueueExportJob, exportFileFetcher, waitForExportJob } from './jobs';
import type { ExportJob, ExportJobRequest, ExportRun } from './jobs';
import { deliver, outputFields } from './output';
import { partialExportError, partialSummary } from './partial';
import type { PartialExport } from './partial';
import type { OutputMode } from './output';

/**
 * Creates, enqueues and waits for one job per filter, one after another. A job that fails after others finished
 * ends the run with what finished so far (`failure`), so that their export IDs are not lost.
 */
async function runJobs(
	run: ExportRun,
	base: Omit<ExportJobRequest, 'filter'>,
	filters: ExportFilter[],
	waits: ReturnType<typeof readWaits>,
): Promise<{ done: ExportJob[]; failure?: PartialExport }> {
	const done: ExportJob[] = [];
	const piece = async (n: number, filter: ExportFilter): Promise<ExportJob> => {
		const created = await createExportJob(run, { ...base, filter });
		run.log?.(`Marketo export job ${n + 1} of ${filters.length}: ${created.exportId} (${describeFilter(filter)})`);
		const queued = await enqueueExportJob(run, created.exportId, waits.queue);
		return await waitForExportJob(run, queued, waits.poll, filter);
	};
	for (const [n, filter] of filters.entries()) {
		const outcome = await piece(n, filter).then(
			(job) => ({ job }),
			(error: unknown) => ({ error }),
		);
		if ('job' in outcome) {
			done.push(outcome.job);
			continue;
		}
		// nothing finished yet: the export simply failed
		if (done.length === 0) throw outcome.error;
		return { done, failure: { done, filters, error: outcome.error } };
	}
	return { done };
}

/**
 * The fields each job asks for: the chosen ones, and for a window cut into pieces also the lead id and the
 * filter's date column (added at the end when not chosen) that the join needs to drop boundary duplicates.
 */
function pieceFields(fields: string[], filters: ExportFilter[]): { fields: string[]; plan?: Omit<BoundaryPlan, 'delimiter'> } {
	const windows = filters.map(dateWindowOf);
	if (filters.length < 2 || windows.some((w) => !w)) return { fields };
	const dateField = filterName(filters[0]);
	const all = [...fields, ...['id', dateField].filter((f) => !fields.includes(f))];
	return {
		fields: all,
		plan: {
			keepColumns: fields.length,
			idColumn: all.indexOf('id'),
			dateColumn: all.indexOf(dateField),
			boundaries: windows.slice(0, -1).map((w) => Date.parse(w!.endAt)),
		},
	};
}

async function exportForItem(context: OperationContext, run: ExportRun, i: number): Promise<INodeExecutionData[]> {
	const { fn, client } = context;
	const now = new Date(run.clock.now());
	// everything that can be checked without Marketo first, then the one describe call for the field names
	const format = readFormat(fn, i);
	const filters = jobFilters(readFilter(fn, i, now), true);
	const options = fn.getNodeParameter('options', i, {}) as IDataObject;
	const waits = readWaits(options, client.baseUrl);
	const output = fn.getNodeParameter('output', i, 'file') as OutputMode;
	const binaryPropertyName = output === 'items' ? 'data' : String(fn.getNodeParameter('binaryPropertyName', i, 'data'));
	const fields = await readExportFields(fn, client, i);
	const headers = columnHeaderNames(options.columnHeaderNames, fields);
	const pieces = pieceFields(fields, filters);

	const { done: jobs, failure } = await runJobs(run, { fields: pieces.fields, format, columnHeaderNames: headers }, filters, waits);
	if (failure && !context.continueOnFail) throw partialExportError(run.node, failure);

	// the first answer is fetched here, so that a refused file fails before any output is made
	const first = await exportFileFetcher(run, jobs[0].exportId)(0);
	const parts = jobs.map((job, n) => completedJobFile(run, job, n === 0 ? first : undefined));
	const count: JoinCount = { rows: 0, duplicates: 0 };
	const bytes = pieces.plan ? joinedPieces(parts, { ...pieces.plan, delimiter: delimiterOf(format) }, count) : parts[0]();
	if (filters.length > 1) {
		fn.addExecutionHints({
			message: `The window was longer than ${PIECE_DAYS} days: ${jobs.length} export jobs ran one after another and their files were joined.`,
			location: 'outputPane',
		});
	}
	const summary: IDataObject = {
		exportId: jobs[0].exportId,
		exportIds: jobs.map((j) => j.exportId),
		jobCount: jobs.length,
		format,
		fields,
		numberOfRecords: jobs.reduce((sum, job) => sum + (Number(job.numberOfRecords) || 0), 0),
		filter: filters.length === 1 ? (filters[0] as IDataObject) : undefined,
		jobs: jobs.map((job, n) => ({
			exportId: job.exportId,
			filter: filters[n] as IDataObject,
			status: job.status,
			numberOfRecords: job.numberOfRecords,
			fileSize: job.fileSize,
			fileChecksum: job.fileChecksum,
			createdAt: job.createdAt,
			finishedAt: job.finishedAt,
		})),
		...(failure ? partialSummary(failure) : {}),
	};
	if (summary.filter === undefined) delete summary.filter;
	const items = await deliver({
		fn,
		itemIndex: i,
		output,
		format,
		fileName: exportFileName(options.fileName, jobs[0], format),
		binaryPropertyName,
		bytes: countedAtEnd(bytes, () => {
			if (!pieces.plan) return;
			// the joined result's rows: each boundary lead once
			summary.numberOfRecords = count.rows;
			summary.boundaryDuplicates = count.duplicates;
		}),
		summary,
	});
	// with leads as items the summary item is not among them: the failure still gets an item of its own
	if (failure && !items.some((item) => item.json.exportIds === summary.exportIds)) items.push(paired(partialSummary(failure), i));
	return items;
}

/** Passes the bytes through and calls `done` once they have all passed. */
async function* countedAtEnd(bytes: AsyncIterable<Buffer>, done: () => void): AsyncGenerator<Buffer> {
	yield* bytes;
	done();
}

export const exportLeads: OperationDeclaration = {
	value: 'exportLeads',
	name: 'Export Leads',
	action: 'Export leads in bulk',
	description:
		'Export leads to a CSV/TSV/SSV file or items in one step: creates the export job, enqueues it, waits until it is done and downloads the file',
	properties: [
		exportFieldsField,
		formatField,
		...filterFields(true),
		...outputFields,
		optionsCollection([columnHeaderNamesOption, fileNameOption, maxWaitOption, pollIntervalOption, queueRetriesOption]),
	],
	execute: async (context) => {
		const run = exportRun(context);
		return await itemsPerInput(context, async (i) => await exportForItem(context, run, i));
	},
};
