import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { parseId } from './values';

/**
 * A Marketo asset asked for by a resource locator: picked from a searchable list of the instance's assets, given
 * by ID, or pasted as the asset's Marketo URL, whose fragment carries a type code and the id
 * (`https://app-xxx.marketo.com/#ST1021A1` for a static list, `#PG` a program, `#SC` a smart campaign).
 */
export function assetLocator(spec: {
	name: string;
	displayName: string;
	description: string;
	/** what it is, in lower case: "static list", "program" */
	noun: string;
	searchListMethod: string;
	/** the URL's type code: ST, PG, SC */
	urlCode: string;
	exampleId: number;
}): INodeProperties {
	const { urlCode, exampleId, noun } = spec;
	return {
		displayName: spec.displayName,
		name: spec.name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: spec.description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: `Select a ${noun}...`,
				typeOptions: { searchListMethod: spec.searchListMethod, searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: `e.g. ${exampleId}`,
				validation: [{ type: 'regex', properties: { regex: '^\\s*[0-9]+\\s*$', errorMessage: `A ${noun} ID is a whole number` } }],
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: `e.g. https://app-ab12.marketo.com/#${urlCode}${exampleId}A1`,
				extractValue: { type: 'regex', regex: `#${urlCode}([0-9]+)` },
				validation: [{ type: 'regex', properties: { regex: `.*#${urlCode}[0-9]+.*`, errorMessage: `Paste the ${noun}'s Marketo URL, which contains #${urlCode}<id>` } }],
			},
		],
	};
}

/** The id from an asset locator (picked, typed, or taken from a pasted URL); `label` names the field in errors. */
export function locatorId(fn: IExecuteFunctions, itemIndex: number, name: string, label: string): number {
	const value = fn.getNodeParameter(name, itemIndex, undefined, { extractValue: true }) as unknown;
	return parseId(typeof value === 'string' ? value.trim() : value, label);
}
