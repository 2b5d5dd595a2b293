import type { IDataObject } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { MAX_BATCH, pageByToken } from '../../transport';
import { leadFieldsSelector, returnAllAndLimit } from '../shared/fields';
import { forEachCheckedItem } from '../shared/items';
import { leadPartitions, withPartitionName } from '../shared/marketoData';
import { InputError, parseTextList } from '../shared/values';

export const getMany: OperationDeclaration = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many leads by a field',
	description: 'Find leads whose field (email, ID, company, ...) has one of the given values',
	properties: [
		{
			displayName: 'Filter Field Name or ID',
			name: 'filterType',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getSearchableFields' },
			default: 'email',
			description: 'Searchable lead field to match. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Values',
			name: 'filterValues',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. ana@example.com, li@example.com',
			description: 'Comma-separated values to look for (at most 300)',
		},
		leadFieldsSelector("Fields to return. Empty returns Marketo's defaults (email, first and last name, dates)."),
		...returnAllAndLimit(),
	],
	execute: async (context) => {
		const { fn, client } = context;
		return await forEachCheckedItem(
			context,
			(i) => {
				const filterValues = parseTextList(fn.getNodeParameter('filterValues', i), 'Values');
				if (filterValues.length > MAX_BATCH) {
					throw new InputError(`'Values' holds ${filterValues.length} values; Marketo accepts at most ${MAX_BATCH} per search. Split them over several items.`);
				}
				const returnAll = fn.getNodeParameter('returnAll', i) as boolean;
				return {
					filterType: fn.getNodeParameter('filterType', i) as string,
					filterValues,
					fields: fn.getNodeParameter('fields', i, []) as string[],
					returnAll,
					limit: returnAll ? 0 : (fn.getNodeParameter('limit', i) as number),
				};
			},
			async ({ filterType, filterValues, fields, returnAll, limit }) => {
				const leads = await pageByToken<IDataObject>(
					client,
					{ method: 'GET', path: '/rest/v1/leads.json', qs: { filterType, filterValues, fields: fields.length ? fields : undefined } },
					{ returnAll, limit },
				);
				if (!leads.some((l) => l.leadPartitionId !== undefined)) return leads;
				const partitions = await leadPartitions(client);
				return leads.map((lead) => withPartitionName(lead, partitions));
			},
		);
	},
};
