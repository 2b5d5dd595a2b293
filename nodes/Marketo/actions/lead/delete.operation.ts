import type { OperationDeclaration } from '../types';
import { MAX_BATCH, sendInBatches } from '../../transport';
import { leadIdField } from '../shared/fields';
import { collectEntries, outcomeItems } from '../shared/items';
import type { RecordResult } from '../shared/items';
import { itemValueReader } from '../shared/parameters';
import { parseIdList } from '../shared/values';

export const deleteLeads: OperationDeclaration = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete leads',
	description: 'Delete leads by ID (300 per call, across all input items); a lead not found is reported, not an error',
	properties: [leadIdField('ID of the lead to delete.')],
	execute: async (context) => {
		const { fn, client } = context;
		const leadIdOf = itemValueReader(fn, 'leadId', context.items);
		const { entries, rejected } = collectEntries<number>(context, (i) => parseIdList(leadIdOf(i), 'Lead ID'));
		const outcomes = await sendInBatches<number, RecordResult>(entries, {
			size: MAX_BATCH,
			parallel: client.settings.maxConcurrent,
			keyOf: (id) => String(id),
			resultKeyOf: (r) => (r.id === undefined ? undefined : String(r.id)),
			continueOnFail: context.continueOnFail,
			send: async (ids) => {
				const answer = await client.request<RecordResult>({
					method: 'POST',
					repeatable: true,
					path: '/rest/v1/leads/delete.json',
					body: { input: ids.map((id) => ({ id })) },
				});
				return answer.result ?? [];
			},
		});
		return outcomeItems(context, outcomes, rejected, (id) => ({ id }));
	},
};
