import type { OperationDeclaration } from '../types';
import { staticListLocator } from '../shared/fields';
import { forEachCheckedItem } from '../shared/items';
import { staticListId } from '../shared/lists';

export const deleteList: OperationDeclaration = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete a static list',
	description: 'Delete a static list (Marketo refuses lists used by imports, exports or other assets, and says which)',
	properties: [staticListLocator('Static list to delete')],
	execute: async (context) => {
		const { fn, client } = context;
		return await forEachCheckedItem(
			context,
			(i) => staticListId(fn, i),
			async (id) => {
				await client.request({ method: 'POST', path: `/rest/asset/v1/staticList/${id}/delete.json`, repeatable: true, errorHint: `'List': static list ${id}.` });
				return { id, deleted: true };
			},
		);
	},
};
