import type { IDataObject } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { leadIdField } from '../shared/fields';
import { describeProgramMembers, programLocator } from '../shared/programs';
import { InputError } from '../shared/values';
import { writeMembers } from './memberWrite';

/** The member data fields of an item: at least one, each named once. */
function memberFields(value: unknown): IDataObject {
	const pairs = ((value as { field?: Array<{ name?: unknown; value?: unknown }> })?.field ?? []).map((f) => ({
		name: String(f.name ?? '').trim(),
		value: f.value === undefined ? null : f.value,
	}));
	if (pairs.length === 0) throw new InputError("'Member Fields' is empty: add at least one field to set");
	const out: IDataObject = {};
	for (const { name, value: fieldValue } of pairs) {
		if (!name) throw new InputError("'Member Fields': a field has no name");
		if (name === 'leadId') throw new InputError("'Member Fields': leadId is set by 'Lead ID', not as a field");
		if (name in out) throw new InputError(`'Member Fields': ${name} is given twice`);
		out[name] = fieldValue as IDataObject[string];
	}
	return out;
}

export const sync: OperationDeclaration = {
	value: 'sync',
	name: 'Sync Data',
	action: 'Update program member data',
	description: "Set program member fields (e.g. a registration code) of leads that are members (300 per call, across all input items)",
	properties: [
		programLocator('Program whose members to update'),
		leadIdField('ID of the member (lead) to update.'),
		{
			displayName: 'Member Fields',
			name: 'memberFields',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			default: {},
			placeholder: 'Add Field',
			description: "Program member fields to set. Only fields your instance marks as updateable, such as custom program member fields, can be written.",
			options: [
				{
					name: 'field',
					displayName: 'Field',
					values: [
						{
							displayName: 'Field Name or ID',
							name: 'name',
							type: 'options',
							typeOptions: { loadOptionsMethod: 'getUpdateableProgramMemberFields' },
							default: '',
							description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
						},
						{ displayName: 'Value', name: 'value', type: 'string', default: '', description: 'Value to set, usually mapped from the input' },
					],
				},
			],
		},
	],
	execute: async (context) => {
		const { fn, client } = context;
		// field names are checked against the instance before anything is written (one read)
		const updateable = new Set(((await describeProgramMembers(client)).fields ?? []).filter((f) => f.updateable === true).map((f) => f.name));
		return await writeMembers(context, {
			fieldsOf: (i) => {
				const fields = memberFields(fn.getNodeParameter('memberFields', i, {}));
				for (const name of Object.keys(fields)) {
					if (!updateable.has(name)) {
						throw new InputError(`'Member Fields': ${name} is not a program member field Marketo lets you write; these are: ${[...updateable].join(', ') || 'none'}`);
					}
				}
				return fields;
			},
			path: (id) => `/rest/v1/programs/${id}/members.json`,
			body: (input) => ({ input }),
			errorHint: (id) => `'Program': program ${id}.`,
		});
	},
};
