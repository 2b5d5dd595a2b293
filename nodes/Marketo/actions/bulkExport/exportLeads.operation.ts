import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { OperationContext, OperationDeclaration } from '../types';
import { joinedFiles } from './download';
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
import { describeFilter, jobFilters } from './filter';
import type { ExportFilter } from './filter';
import { completedJobFile, exportFileName } from './files';
import { exportRun, itemsPerInput } from './context';
import { createExportJob, enqueueExportJob, exportFileFetcher, waitForExportJob } from './jobs';
import type { ExportJob, ExportJobRequest, ExportRun } from './jobs';
import { deliver, outputFields } from './output';
import type { OutputMode } from './output';

/** Creates, enqueues and waits for one job per filter, one after another. */
async function runJobs(
	run: ExportRun,
	base: Omit<ExportJobRequest, 'filter'>,
	filters: ExportFilter[],
	waits: ReturnType<typeof readWaits>,
): Promise<ExportJob[]> {
	const done: ExportJob[] = [];
	for (const [n, filter] of filters.entries()) {
		const created = await createExportJob(run, { ...base, filter });
		run.log?.(`Marketo export job ${n + 1} of ${filters.length}: ${created.exportId} (${describeFilter(filter)})`);
		const queued = await enqueueExportJob(run, created.exportId, waits.queue);
		done.push(await waitForExportJob(run, queued, waits.poll, filter));
	}
	return done;
}

async function exportForItem(context: OperationContext, run: ExportRun, i: number): Promise<INodeExecutionData[]> {
	const { fn, client } = context;
	const now = new Date(run.clock.now());
	// everything that can be checked without Marketo first, then the one describe call for the field names
	const format = readFormat(fn, i);
	const filters = jobFilters(readFilter(fn, i, now), true);
	const options = fn.getNodeParameter('options', i, {}) as IDataObject;
	const waits = readWaits(options);
	const output = fn.getNodeParameter('output', i, 'file') as OutputMode;
	const binaryPropertyName = output === 'items' ? 'data' : String(fn.getNodeParameter('binaryPropertyName', i, 'data'));
	const fields = await readExportFields(fn, client, i);
	const headers = columnHeaderNames(options.columnHeaderNames, fields);

	const jobs = await runJobs(run, { fields, format, columnHeaderNames: headers }, filters, waits);

	// the first answer is fetched here: n8n's stream class comes with it
	const first = await exportFileFetcher(run, jobs[0].exportId)(0);
	const parts = jobs.map((job, n) => completedJobFile(run, job, n === 0 ? first : undefined));
	const numberOfRecords = jobs.reduce((sum, job) => sum + (Number(job.numberOfRecords) || 0), 0);
	if (jobs.length > 1) {
		fn.addExecutionHints({
			message: `The window was longer than 31 days: ${jobs.length} export jobs ran one after another and their files were joined.`,
			location: 'outputPane',
		});
	}
	const summary: IDataObject = {
		exportId: jobs[0].exportId,
		exportIds: jobs.map((j) => j.exportId),
		jobCount: jobs.length,
		format,
		fields,
		numberOfRecords,
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
	};
	if (summary.filter === undefined) delete summary.filter;
	return await deliver({
		fn,
		itemIndex: i,
		output,
		format,
		fileName: exportFileName(options.fileName, jobs[0], format),
		binaryPropertyName,
		bytes: joinedFiles(parts),
		streamLike: first.body,
		summary,
	});
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
