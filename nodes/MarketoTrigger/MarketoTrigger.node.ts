import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';

import { parseIdList } from '../Marketo/actions/shared/values';
import { marketoApiConnectionTest } from '../Marketo/methods/credentialTest';
import { completedJobFile } from '../Marketo/actions/bulkExport/files';
import { exportFileFetcher, listExportJobs } from '../Marketo/actions/bulkExport/jobs';
import type { ExportFormat, ExportRun } from '../Marketo/actions/bulkExport/jobs';
import { fileBinary } from '../Marketo/actions/bulkExport/output';
import { marketoClient, systemClock } from '../Marketo/transport';
import type { MarketoClient } from '../Marketo/transport';
import {
	batchesToAsk,
	dropBatch,
	exportJobsToFire,
	exportWatchStart,
	importBatchesToFire,
	importWatchFor,
	latestFinishedJob,
	latestImportSample,
	UNKNOWN_BATCH_CODES,
} from './pollLogic';
import type { ExportJob, ExportWatchState, ImportBatch, ImportWatchState } from './pollLogic';

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

async function importItem(client: MarketoClient, batch: ImportBatch, withFiles: boolean, context: IPollFunctions): Promise<INodeExecutionData> {
	const item: INodeExecutionData = { json: { ...batch } };
	if (!withFiles) return item;
	const files: Array<[string, number | undefined]> = [['failures', batch.numOfRowsFailed], ['warnings', batch.numOfRowsWithWarning]];
	for (const [kind, count] of files) {
		if (!count) continue;
		const file = await client.download({ method: 'GET', path: `/bulk/v1/leads/batch/${batch.batchId}/${kind}.json` });
		item.binary = {
			...item.binary,
			[kind]: await context.helpers.prepareBinaryData(Buffer.from(String(file.body), 'utf8'), `marketo-import-${batch.batchId}-${kind}.csv`, 'text/csv'),
		};
	}
	return item;
}

/** What Fetch Test Event says when Marketo lists no export job in a watched status. */
export function noExportJobYet(statuses: string[]): string {
	return `Marketo lists the export jobs this API user created in the last 7 days, and none of them is ${statuses.join(' or ')}. Run an export first (Marketo node: Bulk Export > Export Leads, or Create Job and Enqueue Job), then fetch a test event again.`;
}

async function pollExports(context: IPollFunctions, client: MarketoClient): Promise<INodeExecutionData[][] | null> {
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

/** A batch's status, or Marketo's words for not knowing it (a batch id is valid for 7 days). */
async function importStatus(client: MarketoClient, batchId: string): Promise<{ batch?: ImportBatch; unknown?: string }> {
	const answer = await client.request<ImportBatch>({
		method: 'GET',
		path: `/bulk/v1/leads/batch/${batchId}.json`,
		errorHint: `'Batch IDs': batch ${batchId}.`,
		acceptCodes: [...UNKNOWN_BATCH_CODES],
	});
	const error = answer.success === false ? answer.errors?.[0] : undefined;
	if (error) return { unknown: `Marketo error ${error.code}: ${error.message}` };
	return { batch: answer.result?.[0] };
}

/**
 * Asks Marketo only about the watched batches that have neither fired nor been dropped: a fired batch is never
 * asked about again, and one Marketo no longer knows is dropped with a logged reason instead of failing every poll.
 */
async function pollImports(context: IPollFunctions, client: MarketoClient): Promise<INodeExecutionData[][] | null> {
	const staticData = context.getWorkflowStaticData('node');
	const manual = context.getMode() === 'manual';
	const batchIds = parseIdList(context.getNodeParameter('batchIds', ''), 'Batch IDs');
	const withFiles = context.getNodeParameter('includeFiles', false) as boolean;
	let state = importWatchFor(staticData.importWatch as unknown as ImportWatchState | undefined, batchIds);
	const batches: ImportBatch[] = [];
	const unknown: string[] = [];
	for (const batchId of manual ? batchIds.map(String) : batchesToAsk(state, batchIds)) {
		const status = await importStatus(client, batchId);
		if (status.batch) batches.push(status.batch);
		if (status.unknown === undefined) continue;
		unknown.push(batchId);
		const dropped = dropBatch(state, batchId, status.unknown);
		context.logger.warn(`Marketo Trigger "${context.getNode().name}": ${dropped.reason}`);
		if (!manual) state = dropped.next;
	}
	if (!manual) staticData.importWatch = state as unknown as IDataObject;
	if (manual && batches.length === 0 && unknown.length > 0) {
		throw new NodeOperationError(context.getNode(), `Marketo no longer knows the watched import batches (${unknown.join(', ')})`, {
			description: "Marketo keeps an import batch for 7 days. Put the batch IDs of recent imports in 'Batch IDs' (the Bulk Import operation outputs them as batchId).",
		});
	}
	const sample = manual ? latestImportSample(batches) : undefined;
	const { fire, next } = manual ? { fire: sample ? [sample] : [], next: state } : importBatchesToFire(state, batches);
	if (fire.length === 0) return null;
	const items: INodeExecutionData[] = [];
	for (const batch of fire) items.push(await importItem(client, batch, withFiles, context));
	if (!manual) staticData.importWatch = next as unknown as IDataObject;
	return [items];
}

export class MarketoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Marketo Trigger',
		name: 'marketoTrigger',
		icon: { light: 'file:marketo.svg', dark: 'file:marketo.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		// n8n's node picker merges the Marketo node and this trigger into one "Marketo" entry and shows this
		// description for both, so it speaks for the pair
		description: 'Marketo leads, lead partitions, static lists and bulk jobs; the trigger starts a workflow when a bulk export or import job finishes',
		defaults: { name: 'Marketo Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'marketoApi', required: true, testedBy: 'marketoApiConnectionTest' }],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Bulk Export Job Finished', value: 'exportFinished', description: 'An export job of this API user reached one of the chosen statuses' },
					{ name: 'Bulk Import Job Finished', value: 'importFinished', description: 'A watched import batch reached Complete or Failed' },
				],
				default: 'exportFinished',
			},
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
			{
				displayName: 'Batch IDs',
				name: 'batchIds',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'e.g. 1043, 1044',
				description: 'Import batch IDs to watch, separated by commas (the Bulk Import operation outputs them as batchId). Marketo keeps a batch for 7 days.',
				displayOptions: { show: { event: ['importFinished'] } },
			},
			{
				displayName: 'Attach Failures and Warnings',
				name: 'includeFiles',
				type: 'boolean',
				default: false,
				description: 'Whether to attach the failures and warnings files (binary properties "failures" and "warnings") when rows failed or warned',
				displayOptions: { show: { event: ['importFinished'] } },
			},
		],
	};

	methods = { credentialTest: { marketoApiConnectionTest } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const event = this.getNodeParameter('event') as string;
		const client = await marketoClient(this);
		return event === 'exportFinished' ? await pollExports(this, client) : await pollImports(this, client);
	}
}
