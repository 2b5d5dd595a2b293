import type { IDataObject } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { pageByToken } from '../../transport';
import { returnAllAndLimit } from '../shared/fields';
import { forEachCheckedItem } from '../shared/items';
import { readPageLimit } from '../shared/parameters';
import { parseTextList } from '../shared/values';

const optionalList = (value: unknown, field: string): string[] | undefined =>
	String(value ?? '').trim() === '' ? undefined : parseTextList(value, field);

export const getMany: OperationDeclaration = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many smart campaigns',
	description: 'List smart campaigns, optionally by name, program or workspace',
	properties: [
		{
			displayName: 'Name',
			name: 'name',
			type: 'string',
			default: '',
			placeholder: 'e.g. Webinar Confirmation',
			description: 'Only campaigns with exactly this name. Several names can be given, separated by commas. Empty: any name.',
		},
		{
			displayName: 'Program Name',
			name: 'programName',
			type: 'string',
			default: '',
			placeholder: 'e.g. Summer Webinar',
			description: 'Only campaigns in the program with exactly this name (several: separated by commas). Empty: any program.',
		},
		{
			displayName: 'Workspace',
			name: 'workspaceName',
			type: 'string',
			default: '',
			placeholder: 'e.g. Default',
			description: 'Only campaigns in this workspace (several: separated by commas). Empty: every workspace the API user can see.',
		},
		{
			displayName: 'Requestable Only',
			name: 'requestableOnly',
			type: 'boolean',
			default: false,
			description: "Whether to return only active campaigns with a 'Campaign is Requested' trigger whose source is Web Service API: those the Request operation can run",
		},
		{
			displayName: 'Active Only',
			name: 'activeOnly',
			type: 'boolean',
			default: false,
			description: 'Whether to return only active trigger campaigns (batch campaigns are never marked active)',
		},
		...returnAllAndLimit(),
	],
	execute: async (context) => {
		const { fn, client } = context;
		return await forEachCheckedItem(
			context,
			(i) => ({
				...readPageLimit(fn, i),
				name: optionalList(fn.getNodeParameter('name', i, ''), 'Name'),
				programName: optionalList(fn.getNodeParameter('programName', i, ''), 'Program Name'),
				workspaceName: optionalList(fn.getNodeParameter('workspaceName', i, ''), 'Workspace'),
				isTriggerable: (fn.getNodeParameter('requestableOnly', i, false) as boolean) || undefined,
				activeOnly: fn.getNodeParameter('activeOnly', i, false) as boolean,
			}),
			async ({ activeOnly, returnAll, limit, ...qs }) => {
				const request = { method: 'GET' as const, path: '/rest/v1/campaigns.json', qs };
				// Marketo cannot filter on "active": read every page, then keep the active ones up to the limit
				if (!activeOnly) return await pageByToken<IDataObject>(client, request, { returnAll, limit });
				const active = (await pageByToken<IDataObject>(client, request, { returnAll: true, limit: 0 })).filter((c) => c.active === true);
				return returnAll ? active : active.slice(0, limit);
			},
		);
	},
};
