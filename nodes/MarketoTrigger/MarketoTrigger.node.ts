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
import { exportJobsToFire, importBatchesToFire, latestFinishedJob, latestImportSample } from './pollLogic';
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

export class MarketoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Marketo Trigger',
		name: 'marketoTrigger',
		icon: { light: 'file:marketo.svg', dark: 'file:marketo.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		description: 'Starts the workflow when Marketo bulk export or import jobs finish',
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
		const staticData = this.getWorkflowStaticData('node');
		const manual = this.getMode() === 'manual';
		const client = await marketoClient(this);

		if (event === 'exportFinished') {
			const statuses = this.getNodeParameter('statuses', []) as string[];
			if (statuses.length === 0) throw new NodeOperationError(this.getNode(), "'Statuses' is empty: choose at least one status to watch");
			const download = this.getNodeParameter('downloadFile', false) as boolean;
			const binaryProperty = download ? (this.getNodeParameter('binaryPropertyName', 'data') as string) : 'data';

			// first poll after activation: remember when watching began; earlier jobs are history
			if (!manual && !staticData.exportWatch) {
				staticData.exportWatch = { since: new Date().toISOString(), fired: {} } satisfies ExportWatchState;
				return null;
			}
			const run: ExportRun = { client, node: this.getNode(), clock: systemClock };
			const jobs = await listExportJobs(run, statuses, { returnAll: true, limit: 0 });
			if (manual) {
				const sample = latestFinishedJob(jobs, statuses);
				return sample ? [[await exportItem(this, run, sample, download, binaryProperty)]] : null;
			}
			const { fire, next } = exportJobsToFire(staticData.exportWatch as unknown as ExportWatchState, jobs, statuses, Date.now());
			if (fire.length === 0) return null;
			const items: INodeExecutionData[] = [];
			for (const job of fire) items.push(await exportItem(this, run, job, download, binaryProperty));
			staticData.exportWatch = next as unknown as IDataObject;
			return [items];
		}

		const batchIds = parseIdList(this.getNodeParameter('batchIds', ''), 'Batch IDs');
		const withFiles = this.getNodeParameter('includeFiles', false) as boolean;
		const batches: ImportBatch[] = [];
		for (const batchId of batchIds) {
			const answer = await client.request<ImportBatch>({ method: 'GET', path: `/bulk/v1/leads/batch/${batchId}.json`, errorHint: `'Batch IDs': batch ${batchId}.` });
			if (answer.result?.[0]) batches.push(answer.result[0]);
		}
		const state = (staticData.importWatch as unknown as ImportWatchState | undefined) ?? { fired: {} };
		const sample = manual ? latestImportSample(batches) : undefined;
		const { fire, next } = manual ? { fire: sample ? [sample] : [], next: state } : importBatchesToFire(state, batches);
		if (fire.length === 0) return null;
		const items: INodeExecutionData[] = [];
		for (const batch of fire) items.push(await importItem(client, batch, withFiles, this));
		if (!manual) staticData.importWatch = next as unknown as IDataObject;
		return [items];
	}
}
