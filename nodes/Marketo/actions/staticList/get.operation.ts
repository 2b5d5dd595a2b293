import type { IDataObject } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { staticListLocator } from '../shared/fields';
import { forEachCheckedItem } from '../shared/items';
import { staticListId } from '../shared/lists';
import { InputError, requireText } from '../shared/values';

export const get: OperationDeclaration = {
	value: 'get',
	name: 'Get',
	action: 'Get a static list',
	description: 'Get one static list by ID, URL or exact name',
	properties: [
		{
			displayName: 'Find By',
			name: 'findBy',
			type: 'options',
			options: [
				{ name: 'List', value: 'list', description: 'Pick the list, or give its ID or URL' },
				{ name: 'Exact Name', value: 'name', description: 'The full name of the list, matched exactly' },
			],
			default: 'list',
		},
		{ ...staticListLocator('Static list to get'), displayOptions: { show: { findBy: ['list'] } } },
		{
			displayName: 'Name',
			name: 'name',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. Webinar Attendees 2026',
			description: 'Exact name of the static list (names are unique in an instance)',
			displayOptions: { show: { findBy: ['name'] } },
		},
	],
	execute: async (context) => {
		const { fn, client } = context;
		return await forEachCheckedItem(
			context,
			(i) => {
				const byName = fn.getNodeParameter('findBy', i) === 'name';
				return byName ? { byName, name: requireText(fn.getNodeParameter('name', i), 'Name') } : { byName, id: staticListId(fn, i) };
			},
			async ({ byName, name, id }) => {
				const answer = await client.request<IDataObject>(
					byName
						? { method: 'GET', path: '/rest/asset/v1/staticList/byName.json', qs: { name }, errorHint: `'Name': no static list named "${name}".`, acceptCodes: ['702'] }
						: { method: 'GET', path: `/rest/asset/v1/staticList/${id}.json`, errorHint: `'List': static list ${id}.`, acceptCodes: ['702'] },
				);
				const list = answer.result?.[0];
				// the asset API answers "not found" with 702 or with success, a warning and no result
				if (!list) throw new InputError(byName ? `'Name': no static list named "${name}"` : `'List': no static list with ID ${id}`);
				return list;
			},
		);
	},
};
