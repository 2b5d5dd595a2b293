import type { IDataObject } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { staticListLocator } from '../shared/fields';
import { forEachCheckedItem } from '../shared/items';
import { staticListId } from '../shared/lists';
import { InputError } from '../shared/values';

export const update: OperationDeclaration = {
	value: 'update',
	name: 'Update',
	action: 'Rename or describe a static list',
	description: "Change a static list's name and/or description",
	properties: [
		staticListLocator('Static list to update'),
		{
			displayName: 'Update Fields',
			name: 'updateFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			options: [
				{ displayName: 'Name', name: 'name', type: 'string', default: '', description: 'New name; must be unique in the instance' },
				{ displayName: 'Description', name: 'description', type: 'string', default: '', description: 'New description' },
			],
		},
	],
	execute: async (context) => {
		const { fn, client } = context;
		return await forEachCheckedItem(
			context,
			(i) => {
				const fields = fn.getNodeParameter('updateFields', i, {}) as { name?: string; description?: string };
				const form: Record<string, string> = {};
				if (fields.name !== undefined && fields.name.trim() !== '') form.name = fields.name.trim();
				if (fields.description !== undefined) form.description = fields.description;
				if (Object.keys(form).length === 0) throw new InputError("'Update Fields' is empty: add a Name or a Description to change");
				return { id: staticListId(fn, i), form };
			},
			async ({ id, form }) => {
				const answer = await client.request<IDataObject>({
					method: 'POST',
					repeatable: true,
					path: `/rest/asset/v1/staticList/${id}.json`,
					form,
					errorHint: `'List': static list ${id}.`,
				});
				return answer.result?.[0] ?? { id };
			},
		);
	},
};
