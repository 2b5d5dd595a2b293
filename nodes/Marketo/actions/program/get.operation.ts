import type { IDataObject } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { forEachCheckedItem } from '../shared/items';
import { programId, programLocator } from '../shared/programs';
import { InputError, requireText } from '../shared/values';

export const get: OperationDeclaration = {
	value: 'get',
	name: 'Get',
	action: 'Get a program',
	description: 'Get one program by ID, URL or exact name',
	properties: [
		{
			displayName: 'Find By',
			name: 'findBy',
			type: 'options',
			options: [
				{ name: 'Program', value: 'program', description: 'Pick the program, or give its ID or URL' },
				{ name: 'Exact Name', value: 'name', description: 'The full name of the program, matched exactly' },
			],
			default: 'program',
		},
		{ ...programLocator('Program to get'), displayOptions: { show: { findBy: ['program'] } } },
		{
			displayName: 'Name',
			name: 'name',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. Summer Webinar',
			description: 'Exact name of the program (names are unique in an instance)',
			displayOptions: { show: { findBy: ['name'] } },
		},
	],
	execute: async (context) => {
		const { fn, client } = context;
		return await forEachCheckedItem(
			context,
			(i) => {
				const byName = fn.getNodeParameter('findBy', i) === 'name';
				return byName ? { byName, name: requireText(fn.getNodeParameter('name', i), 'Name') } : { byName, id: programId(fn, i) };
			},
			async ({ byName, name, id }) => {
				const answer = await client.request<IDataObject>(
					byName
						? { method: 'GET', path: '/rest/asset/v1/program/byName.json', qs: { name }, errorHint: `'Name': no program named "${name}".`, acceptCodes: ['702'] }
						: { method: 'GET', path: `/rest/asset/v1/program/${id}.json`, errorHint: `'Program': program ${id}.`, acceptCodes: ['702'] },
				);
				const program = answer.result?.[0];
				// the asset API answers "not found" with 702 or with success, a warning and no result
				if (!program) throw new InputError(byName ? `'Name': no program named "${name}"` : `'Program': no program with ID ${id}`);
				return program;
			},
		);
	},
};
