import type { OperationDeclaration } from '../types';
import { forEachCheckedItem } from '../shared/items';
import { parseId } from '../shared/values';
import { batchIdField } from './fields';
import { importStatus } from './jobs';

export const getStatus: OperationDeclaration = {
	value: 'getStatus',
	name: 'Get Status',
	action: 'Get the status of a bulk import job',
	description: 'Get the status of an import job: Queued, Importing, Complete or Failed, with the counts of leads processed and rows failed or warned',
	properties: [batchIdField],
	execute: async (context) =>
		await forEachCheckedItem(
			context,
			(i) => parseId(context.fn.getNodeParameter('batchId', i), 'Batch ID'),
			async (batchId) => await importStatus(context.client, batchId, `'Batch ID': import batch ${batchId}.`),
		),
};
