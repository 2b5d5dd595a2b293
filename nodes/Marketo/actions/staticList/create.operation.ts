import type { IDataObject, INode } from 'n8n-workflow';

import { isOutcomeUnknown, MarketoApiError } from '../../transport';
import type { MarketoClient, MarketoOutcomeUnknownError } from '../../transport';
import type { OperationDeclaration } from '../types';
import { forEachCheckedItem } from '../shared/items';
import { folderRef } from '../shared/lists';
import type { FolderRef } from '../shared/lists';
import { madeSince, stillUnknown } from '../shared/recovery';
import { requireText } from '../shared/values';
import { folderFields } from './fields';

/**
 * Create got no answer: names are unique in an instance, so the list by that name tells what happened. Made since
 * the request was sent, in the folder asked for: this run made it. Older: the name was taken already (Marketo's
 * 709). Absent, or made elsewhere: the outcome stays unknown.
 */
async function recoverCreatedList(client: MarketoClient, node: INode, unanswered: MarketoOutcomeUnknownError, name: string, folder: FolderRef): Promise<IDataObject> {
	const answer = await client.request<IDataObject>({ method: 'GET', path: '/rest/asset/v1/staticList/byName.json', qs: { name }, acceptCodes: ['702'] });
	const list = answer.result?.[0];
	const where = `${folder.type.toLowerCase()} ${folder.id}`;
	if (!list) {
		throw stillUnknown(node, unanswered, `Creating static list "${name}" got no answer, and Marketo has no list by that name: it was most likely not created`, 'Run it again for this item.');
	}
	const made = madeSince(client, unanswered, list.createdAt);
	const listFolder = (list.folder ?? {}) as IDataObject;
	if (made === false) {
		throw new MarketoApiError(node, { code: '709', message: `Static List with name '${name}' already exists (made ${String(list.createdAt)}, before this run)`, hint: `'Name': "${name}" in ${where}.` });
	}
	if (made && Number(listFolder.id) === folder.id && String(listFolder.type) === folder.type) return { ...list, recovered: true };
	throw stillUnknown(
		node,
		unanswered,
		`Creating static list "${name}" got no answer; Marketo now has list ${String(list.id)} by that name, made ${String(list.createdAt)} in ${String(listFolder.type ?? '').toLowerCase()} ${String(listFolder.id ?? '')}`,
		`Check in Marketo whether list ${String(list.id)} is the one this item asked for (in ${where}).`,
	);
}

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
				const created = client.request<IDataObject>({
					method: 'POST',
					path: '/rest/asset/v1/staticLists.json',
					form: { folder: JSON.stringify(folder), name, description },
					errorHint: `'Name': "${name}" in ${folder.type.toLowerCase()} ${folder.id}.`,
					// a second create answers 709 "name taken" for the list the first one made
					repeatable: false,
				});
				return await created.then(
					(answer) => answer.result?.[0] ?? {},
					async (error: unknown) =>
						isOutcomeUnknown(error) ? await recoverCreatedList(client, fn.getNode(), error, name, folder) : await Promise.reject(error),
				);
			},
		);
	},
};
