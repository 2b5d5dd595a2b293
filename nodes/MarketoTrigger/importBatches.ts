import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, INodeProperties, IPollFunctions } from 'n8n-workflow';

import { parseIdList } from '../Marketo/actions/shared/values';
import type { MarketoClient } from '../Marketo/transport';
import { batchesToAsk, dropBatch, importBatchesToFire, importWatchFor, latestImportSample, UNKNOWN_BATCH_CODES } from './pollLogic';
import type { ImportBatch, ImportWatchState } from './pollLogic';

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
export async function pollImports(context: IPollFunctions, client: MarketoClient): Promise<INodeExecutionData[][] | null> {
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


/** The fields of the Bulk Import Job Finished event. */
export const importBatchFields: INodeProperties[] = [
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
];
