import type { INodeProperties } from 'n8n-workflow';

import { assetLocator } from './locators';

/** Field builders shared by operations, so that the same thing looks and reads the same everywhere. */

export function leadIdField(description: string): INodeProperties {
	return {
		displayName: 'Lead ID',
		name: 'leadId',
		type: 'string',
		required: true,
		default: '={{ $json.id }}',
		placeholder: 'e.g. 318816',
		description: `${description} By default the ID field of each input item. Several IDs can be given in one item, separated by commas.`,
	};
}

export function leadFieldsSelector(description: string): INodeProperties {
	return {
		displayName: 'Field Names or IDs',
		name: 'fields',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getLeadFields' },
		default: [],
		description: `${description} Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>`,
	};
}

/**
 * The lead partition, picked by name. Optional, its list starts with an empty "default partition" entry: n8n's
 * editor marks a value its list does not hold as "not supported", and an empty optional picker must be valid.
 */
export function partitionNameField(required: boolean, description: string): INodeProperties {
	return {
		displayName: 'Partition Name or ID',
		name: 'partitionName',
		type: 'options',
		typeOptions: { loadOptionsMethod: required ? 'getPartitionNames' : 'getPartitionNamesOrDefault' },
		required,
		default: '',
		description: `${description} Choose from the list, or specify a partition name or ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>`,
	};
}

export function returnAllAndLimit(): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
	];
}

/**
 * The static list, everywhere a list is asked for: picked from a searchable list of the instance's static lists,
 * given by ID, or pasted as the list's Marketo URL (`https://app-xxx.marketo.com/#ST1021A1`).
 */
export function staticListLocator(description: string): INodeProperties {
	return assetLocator({ name: 'list', displayName: 'List', description, noun: 'static list', searchListMethod: 'searchStaticLists', urlCode: 'ST', exampleId: 1021 });
}
