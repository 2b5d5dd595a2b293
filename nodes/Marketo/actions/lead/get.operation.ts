import { NodeOperationError } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { MAX_BATCH, sendInBatches } from '../../transport';
import { leadFieldsSelector, leadIdField } from '../shared/fields';
import { collectEntries, outcomeItems } from '../shared/items';
import type { RecordResult } from '../shared/items';
import { DEFAULT_LEAD_FIELDS, leadPartitions, withPartitionName } from '../shared/marketoData';
import { itemValueReader } from '../shared/parameters';
import { parseIdList } from '../shared/values';

export const get: OperationDeclaration = {
	value: 'get',
	name: 'Get',
	action: 'Get leads by ID',
	description: 'Get leads by ID, with the fields you choose (up to 300 IDs per call, across all input items)',
	properties: [
		leadIdField('ID of the lead to get.'),
		leadFieldsSelector("Fields to return. Empty returns Marketo's defaults (email, first and last name, dates). The lead's partition is always added, by ID and by name."),
	],
	execute: async (context) => {
		const { fn, client } = context;
		const chosen = fn.getNodeParameter('fields', 0, []) as string[];
		const fields = [...new Set([...(chosen.length > 0 ? chosen : DEFAULT_LEAD_FIELDS), 'id', 'leadPartitionId'])];

		const leadIdOf = itemValueReader(fn, 'leadId', context.items);
		const { entries, rejected } = collectEntries<number>(context, (i) => parseIdList(leadIdOf(i), 'Lead ID'));
		const partitions = entries.length > 0 ? await leadPartitions(client) : [];

		// one call per 300 ids (filterType=id) instead of one Get Lead by Id call per item
		const outcomes = await sendInBatches<number, RecordResult>(entries, {
			size: MAX_BATCH,
			parallel: client.settings.maxConcurrent,
			keyOf: (id) => String(id),
			resultKeyOf: (lead) => (lead.id === undefined ? undefined : String(lead.id)),
			continueOnFail: context.continueOnFail,
			missing: (id) => new NodeOperationError(fn.getNode(), `'Lead ID': no lead with ID ${id} in Marketo (1004 Lead not found)`),
			send: async (ids) => {
				const answer = await client.request<RecordResult>({
					method: 'GET',
					path: '/rest/v1/leads.json',
					qs: { filterType: 'id', filterValues: ids, fields, batchSize: MAX_BATCH },
				});
				return answer.result ?? [];
			},
		});

		return outcomeItems(context, outcomes, rejected, (id) => ({ id }), (_id, lead) => withPartitionName(lead, partitions));
	},
};
