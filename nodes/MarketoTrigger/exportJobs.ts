import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, INodeProperties, IPollFunctions } from 'n8n-workflow';

import { completedJobFile } from '../Marketo/actions/bulkExport/files';
import { exportFileFetcher, listExportJobs } from '../Marketo/actions/bulkExport/jobs';
import type { ExportFormat, ExportRun } from '../Marketo/actions/bulkExport/jobs';
import { fileBinary } from '../Marketo/actions/bulkExport/output';
import { systemClock } from '../Marketo/transport';
import type { MarketoClient } from '../Marketo/transport';
import { exportJobsToFire, exportWatchStart, latestFinishedJob } from './pollLogic';
import type { ExportJob, ExportWatchState } from './pollLogic';

/** The finished job as an item; with `download`, a completed job's file (checked, resumed on a dropped connection). */
async function exportItem(context: IPollFunctions, run: ExportRun, job: ExportJob, download: boolean, binaryProperty: string): Promise<INodeExecutionData> {
	const json: IDataObject = { ...job };
	if (!download || job.status !== 'Completed') return { json };
	const first = await exportFileFetcher(run, job.exportId)(0);
	const format = String(job.format ?? 'CSV').toUpperCase() as ExportFormat;
	const fileName = `marketo-export-${job.exportId}.${format.toLowerCase()}`;
	const binary = await fileBinary(context.helpers.prepareBinaryData, first.body, completedJobFile(run, job, first)(), fileName, format);
	return { json, binary: { [binaryProperty]: binary } };
}

/** What Fetch Test Event says when Marketo lists no export job in a watched status. */
export function noExportJobYet(statuses: string[]): string {
	return `Marketo lists the export jobs this API user created in the last 7 days, and none of them is ${statuses.join(' or ')}. Run an export first (Marketo node: Bulk Export > Export Leads, or Create Job and Enqueue Job), then fetch a test event again.`;
}

export async function pollExports(context: IPollFunctions, client: MarketoClient): Promise<INodeExecutionData[][] | null> {
	const staticData = context.getWorkflowStaticData('node');
	const manual = context.getMode() === 'manual';
	const statuses = context.getNodeParameter('statuses', []) as string[];
	if (statuses.length === 0) throw new NodeOperationError(context.getNode(), "'Statuses' is empty: choose at least one status to watch");
	const download = context.getNodeParameter('downloadFile', false) as boolean;
	const binaryProperty = download ? (context.getNodeParameter('binaryPropertyName', 'data') as string) : 'data';
	const run: ExportRun = { client, node: context.getNode(), clock: systemClock };

	// first poll after activation: Marketo's newest time (jobs of every status) is where watching begins, on
	// Marketo's clock; what finished before it is history
	if (!manual && !staticData.exportWatch) {
		const all = await listExportJobs(run, [], { returnAll: true, limit: 0 });
		staticData.exportWatch = exportWatchStart(all) as unknown as IDataObject;
		return null;
	}
	const jobs = await listExportJobs(run, statuses, { returnAll: true, limit: 0 });
	if (manual) {
		const sample = latestFinishedJob(jobs, statuses);
		// n8n would only say "No trigger output": say why, and what to do
		if (!sample) throw new NodeOperationError(context.getNode(), 'No finished export job to show yet', { description: noExportJobYet(statuses) });
		return [[await exportItem(context, run, sample, download, binaryProperty)]];
	}
	const { fire, next } = exportJobsToFire(staticData.exportWatch as unknown as ExportWatchState, jobs, statuses);
	if (fire.length === 0) return null;
	const items: INodeExecutionData[] = [];
	for (const job of fire) items.push(await exportItem(context, run, job, download, binaryProperty));
	staticData.exportWatch = next as unknown as IDataObject;
	return [items];
}


/** The fields of the Bulk Export Job Finished event. */
export const exportJobFields: INodeProperties[] = [
	{
		displayName: 'Statuses',
		name: 'statuses',
		type: 'multiOptions',
		options: [
			{ name: 'Completed', value: 'Completed' },
			{ name: 'Failed', value: 'Failed' },
			{ name: 'Canceled', value: 'Canceled' },
		],
		default: ['Completed'],
		description: 'Which final statuses fire the workflow. Marketo lists only jobs created by the same API user in the last 7 days.',
		displayOptions: { show: { event: ['exportFinished'] } },
	},
	{
		displayName: 'Download File',
		name: 'downloadFile',
		type: 'boolean',
		default: false,
		description: 'Whether to download the export file of a completed job and attach it, so the workflow starts with the data',
		displayOptions: { show: { event: ['exportFinished'] } },
	},
	{
		displayName: 'Put File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		description: 'Name of the binary property to put the file in',
		displayOptions: { show: { event: ['exportFinished'], downloadFile: [true] } },
	},
];
