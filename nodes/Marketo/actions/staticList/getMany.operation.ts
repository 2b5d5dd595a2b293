import type { IDataObject } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { pageByOffset } from '../../transport';
import { returnAllAndLimit } from '../shared/fields';
import { forEachCheckedItem } from '../shared/items';
import { folderRef } from '../shared/lists';
import { InputError, isoDateTime } from '../shared/values';
import { folderFields } from './fields';

export const getMany: OperationDeclaration = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many static lists',
	description: 'Browse static lists, optionally in one folder or updated in a time window',
	properties: [
		...folderFields(false),
		{
			displayName: 'Updated After',
			name: 'earliestUpdatedAt',
			type: 'dateTime',
			default: '',
			description: 'Only lists created or updated at or after this time',
		},
		{
			displayName: 'Updated Before',
			name: 'latestUpdatedAt',
			type: 'dateTime',
			default: '',
			description: 'Only lists created or updated at or before this time',
		},
		...returnAllAndLimit(),
	],
	execute: async (context) => {
		const { fn, client } = context;
		return await forEachCheckedItem(
			context,
			(i) => {
				const folderValue = fn.getNodeParameter('folder', i, '', { extractValue: true }) as string;
				const folder = folderValue ? folderRef(folderValue, fn.getNodeParameter('folderType', i) as string) : undefined;
				const earliestUpdatedAt = isoDateTime(fn.getNodeParameter('earliestUpdatedAt', i, ''), 'Updated After');
				const latestUpdatedAt = isoDateTime(fn.getNodeParameter('latestUpdatedAt', i, ''), 'Updated Before');
				if (earliestUpdatedAt && latestUpdatedAt && earliestUpdatedAt > latestUpdatedAt) {
					throw new InputError(`'Updated After' (${earliestUpdatedAt}) is later than 'Updated Before' (${latestUpdatedAt})`);
				}
				const returnAll = fn.getNodeParameter('returnAll', i) as boolean;
				return { folder, earliestUpdatedAt, latestUpdatedAt, returnAll, limit: returnAll ? 0 : (fn.getNodeParameter('limit', i) as number) };
			},
			async ({ folder, earliestUpdatedAt, latestUpdatedAt, returnAll, limit }) =>
				await pageByOffset<IDataObject>(
					client,
					{
						method: 'GET',
						path: '/rest/asset/v1/staticLists.json',
						qs: { folder: folder ? JSON.stringify(folder) : undefined, earliestUpdatedAt, latestUpdatedAt },
					},
					{ returnAll, limit },
				),
		);
	},
};
