import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { forEachCheckedItem } from './items';
import { InputError, requireText } from './values';

/**
 * Get one asset (a static list, a program) by the asset locator (picked, ID or URL) or by its exact name. The
 * asset API answers "not found" with 702, or with success, a warning and no result: both become an error naming
 * the field.
 */
export function assetGetOperation(spec: {
	noun: string;
	/** the locator field, and its label in errors ('List', 'Program') */
	locator: INodeProperties;
	label: string;
	idOf: (fn: IExecuteFunctions, itemIndex: number) => number;
	/** e.g. `/rest/asset/v1/program` (then `/{id}.json` and `/byName.json`) */
	basePath: string;
	namePlaceholder: string;
}): OperationDeclaration {
	const { noun, label } = spec;
	const pickerChoice = spec.locator.name;
	return {
		value: 'get',
		name: 'Get',
		action: `Get a ${noun}`,
		description: `Get one ${noun} by ID, URL or exact name`,
		properties: [
			{
				displayName: 'Find By',
				name: 'findBy',
				type: 'options',
				options: [
					{ name: label, value: spec.locator.name, description: `Pick the ${noun}, or give its ID or URL` },
					{ name: 'Exact Name', value: 'name', description: `The full name of the ${noun}, matched exactly` },
				],
				default: pickerChoice,
			},
			{ ...spec.locator, displayOptions: { show: { findBy: [spec.locator.name] } } },
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				required: true,
				placeholder: `e.g. ${spec.namePlaceholder}`,
				description: `Exact name of the ${noun} (names are unique in an instance)`,
				displayOptions: { show: { findBy: ['name'] } },
			},
		],
		execute: async (context) => {
			const { fn, client } = context;
			return await forEachCheckedItem(
				context,
				(i) => {
					const byName = fn.getNodeParameter('findBy', i) === 'name';
					return byName ? { byName, name: requireText(fn.getNodeParameter('name', i), 'Name') } : { byName, id: spec.idOf(fn, i) };
				},
				async ({ byName, name, id }) => {
					const answer = await client.request<IDataObject>(
						byName
							? { method: 'GET', path: `${spec.basePath}/byName.json`, qs: { name }, errorHint: `'Name': no ${noun} named "${name}".`, acceptCodes: ['702'] }
							: { method: 'GET', path: `${spec.basePath}/${id}.json`, errorHint: `'${label}': ${noun} ${id}.`, acceptCodes: ['702'] },
					);
					const asset = answer.result?.[0];
					if (!asset) throw new InputError(byName ? `'Name': no ${noun} named "${name}"` : `'${label}': no ${noun} with ID ${id}`);
					return asset;
				},
			);
		},
	};
}
