import type { IDataObject } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { forEachCheckedItem } from '../shared/items';
import { folderRef } from '../shared/lists';
import { requireText } from '../shared/values';
import { folderFields } from './fields';

export const create: OperationDeclaration = {
	value: 'create',
	name: 'Create',
	action: 'Create a static list',
	description: 'Create a static list in a folder or program',
	properties: [
		...folderFields(true),
		{
			displayName: 'Name',
			name: 'name',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. Webinar Attendees 2026',
			description: 'Name of the new list; must be unique in the instance',
		},
		{ displayName: 'Description', name: 'description', type: 'string', default: '', description: 'Optional description of the list' },
	],
	execute: async (context) => {
		const { fn, client } = context;
		return await forEachCheckedItem(
			context,
			(i) => ({
				folder: folderRef(fn.getNodeParameter('folder', i, '', { extractValue: true }), fn.getNodeParameter('folderType', i) as string),
				name: requireText(fn.getNodeParameter('name', i), 'Name'),
				description: (fn.getNodeParameter('description', i, '') as string) || undefined,
			}),
			async ({ folder, name, description }) => {
				const answer = await client.request<IDataObject>({
					method: 'POST',
					path: '/rest/asset/v1/staticLists.json',
					form: { folder: JSON.stringify(folder), name, description },
					errorHint: `'Name': "${name}" in ${folder.type.toLowerCase()} ${folder.id}.`,
				});
				return answer.result?.[0] ?? {};
			},
		);
	},
};
