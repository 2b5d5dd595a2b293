import type { IDataObject } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { pageByToken } from '../../transport';
import { leadFieldsSelector, returnAllAndLimit, staticListLocator } from '../shared/fields';
import { forEachCheckedItem } from '../shared/items';
import { staticListId } from '../shared/lists';

export const getLeads: OperationDeclaration = {
	value: 'getLeads',
	name: 'Get Leads',
	action: 'Get the leads in a static list',
	description: 'Read the members of a static list, with the fields you choose',
	properties: [
		staticListLocator('Static list to read'),
		leadFieldsSelector("Fields to return. Empty returns Marketo's defaults (email, first and last name, dates)."),
		...returnAllAndLimit(),
	],
	execute: async (context) => {
		const { fn, client } = context;
		return await forEachCheckedItem(
			context,
			(i) => {
				const returnAll = fn.getNodeParameter('returnAll', i) as boolean;
				return {
					listId: staticListId(fn, i),
					fields: fn.getNodeParameter('fields', i, []) as string[],
					returnAll,
					limit: returnAll ? 0 : (fn.getNodeParameter('limit', i) as number),
				};
			},
			async ({ listId, fields, returnAll, limit }) =>
				await pageByToken<IDataObject>(
					client,
					{
						method: 'GET',
						path: `/rest/v1/lists/${listId}/leads.json`,
						qs: { fields: fields.length ? fields : undefined },
						errorHint: `'List': static list ${listId}.`,
					},
					{ returnAll, limit },
				),
		);
	},
};
