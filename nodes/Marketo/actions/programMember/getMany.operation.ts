import type { IDataObject } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { pageByToken } from '../../transport';
import { returnAllAndLimit } from '../shared/fields';
import { forEachCheckedItem } from '../shared/items';
import { readPageLimit } from '../shared/parameters';
import { programId, programLocator } from '../shared/programs';
import { InputError, parseTextList, requireText } from '../shared/values';

export const getMany: OperationDeclaration = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get members of a program',
	description: 'Read the members of a program whose field has one of the given values (300 per call)',
	properties: [
		programLocator('Program whose members to read'),
		{
			displayName: 'Filter Field Name or ID',
			name: 'filterType',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getProgramMemberSearchableFields' },
			required: true,
			default: 'statusName',
			description:
				'Program member field to match, e.g. statusName or leadId (the fields Marketo lets you search by). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Values',
			name: 'filterValues',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. Registered, Attended',
			description: 'Members whose field has one of these values, separated by commas (at most 300)',
		},
		{
			displayName: 'Fields Names or IDs',
			name: 'fields',
			type: 'multiOptions',
			typeOptions: { loadOptionsMethod: 'getProgramMemberFields' },
			default: [],
			description:
				'Member fields to return. Empty returns Marketo\'s defaults (leadId, membershipDate, reachedSuccess, acquiredBy, programId). Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		...returnAllAndLimit(),
	],
	execute: async (context) => {
		const { fn, client } = context;
		return await forEachCheckedItem(
			context,
			(i) => {
				const values = parseTextList(fn.getNodeParameter('filterValues', i), 'Values');
				if (values.length > 300) throw new InputError(`'Values': Marketo takes at most 300 values; got ${values.length}`);
				return {
					...readPageLimit(fn, i),
					id: programId(fn, i),
					filterType: requireText(fn.getNodeParameter('filterType', i), 'Filter Field'),
					values,
					fields: fn.getNodeParameter('fields', i, []) as string[],
				};
			},
			async ({ id, filterType, values, fields, returnAll, limit }) => {
				const members = await pageByToken<IDataObject>(
					client,
					{
						method: 'GET',
						path: `/rest/v1/programs/${id}/members.json`,
						qs: { filterType, filterValues: values, fields: fields.length ? fields : undefined },
						errorHint: `'Program': program ${id}, 'Filter Field': ${filterType}.`,
					},
					{ returnAll, limit },
				);
				// seq is a record's place in one page: meaningless once pages are joined
				for (const member of members) delete member.seq;
				return members;
			},
		);
	},
};
