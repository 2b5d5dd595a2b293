import type { INodeProperties } from 'n8n-workflow';

/** The batch ID of an import job, as Import Leads outputs it. */
export const batchIdField: INodeProperties = {
	displayName: 'Batch ID',
	name: 'batchId',
	type: 'string',
	required: true,
	default: '={{ $json.batchId }}',
	placeholder: 'e.g. 3404',
	description:
		"ID of the import job, as 'Import Leads' outputs it (batchId). By default the batchId field of the input item. Marketo keeps a job for 7 days.",
};
