import type { IDataObject } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { pageByOffset } from '../../transport';
import { returnAllAndLimit } from '../shared/fields';
import { forEachCheckedItem } from '../shared/items';
import { readPageLimit } from '../shared/parameters';

export const getMany: OperationDeclaration = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many programs',
	description: 'List the programs the API user can see (200 per call)',
	properties: [...returnAllAndLimit()],
	execute: async (context) => {
		const { fn, client } = context;
		return await forEachCheckedItem(
			context,
			(i) => readPageLimit(fn, i),
			async (paging) => await pageByOffset<IDataObject>(client, { method: 'GET', path: '/rest/asset/v1/programs.json' }, paging),
		);
	},
};
