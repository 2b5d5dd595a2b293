import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { parseId } from './values';

/**
 * The program, everywhere a program is asked for: picked from a searchable list of the instance's programs, given
 * by ID, or pasted as the program's Marketo URL (`https://app-xxx.marketo.com/#PG1034A1`).
 */
export function programLocator(description: string): INodeProperties {
	return {
		displayName: 'Program',
		name: 'program',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a program...',
				typeOptions: { searchListMethod: 'searchPrograms', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 1034',
				validation: [{ type: 'regex', properties: { regex: '^\\s*[0-9]+\\s*$', errorMessage: 'A program ID is a whole number' } }],
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: 'e.g. https://app-ab12.marketo.com/#PG1034A1',
				extractValue: { type: 'regex', regex: '#PG([0-9]+)' },
				validation: [{ type: 'regex', properties: { regex: '.*#PG[0-9]+.*', errorMessage: "Paste the program's Marketo URL, which contains #PG<id>" } }],
			},
		],
	};
}

/** The program id from the `program` resource locator (picked, typed, or taken from a pasted URL). */
export function programId(fn: IExecuteFunctions, itemIndex: number): number {
	const value = fn.getNodeParameter('program', itemIndex, undefined, { extractValue: true }) as unknown;
	return parseId(typeof value === 'string' ? value.trim() : value, 'Program');
}
