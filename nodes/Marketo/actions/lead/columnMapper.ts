import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { MarketoClient } from '../../transport';
import { leadSchema } from '../shared/marketoData';
import type { LeadField } from '../shared/marketoData';
import { ignoredFieldsReader } from '../shared/itemFields';
import type { ItemFieldReader } from '../shared/itemFields';
import { leadValue } from './leadValues';

/**
 * Lead > Create or Update with n8n's resource mapper ("Map Columns"): the columns are the instance's lead fields
 * (describe2), the column to match on is the lookup field, and each value is converted by its field's type before
 * anything is sent. The mapper's own modes: "Map Each Column Below" (defineBelow) and "Map Automatically"
 * (autoMapInputData, the item's fields by name).
 */
export const MAPPER_MODE = 'mapper';

export const mapperModeOption: INodePropertyOptions = {
	name: 'Map Columns',
	value: MAPPER_MODE,
	description: "Map values to your instance's lead fields in a table, with the lookup field picked among them; values are checked against each field's type",
};

export const columnMapperProperties: INodeProperties[] = [
	{
		displayName: 'Lead Fields',
		name: 'columns',
		type: 'resourceMapper',
		noDataExpression: true,
		description: "Your instance's lead fields: map a value to each one to send, or let the items' fields be matched by name",
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		displayOptions: { show: { dataMode: [MAPPER_MODE] } },
		typeOptions: {
			resourceMapper: {
				resourceMapperMethod: 'getLeadColumns',
				mode: 'upsert',
				fieldWords: { singular: 'lead field', plural: 'lead fields' },
				addAllFields: false,
				multiKeyMatch: false,
				supportAutoMap: true,
				matchingFieldsLabels: {
					title: 'Lookup Field',
					description: 'The field Marketo finds an existing lead by (usually email; "Id" only updates existing leads)',
					hint: 'Ignored when Action is Create Duplicate',
				},
			},
		},
	},
	{
		displayName: 'Fields to Ignore',
		name: 'ignoreFields',
		type: 'string',
		default: '',
		placeholder: 'e.g. row_number, internalNote',
		description: 'Comma-separated input fields not to send to Marketo',
		displayOptions: { show: { dataMode: [MAPPER_MODE], '/columns.mappingMode': ['autoMapInputData'] } },
	},
];

/** The lookup field the mapper's "column to match on" names (email when none is picked). */
export function mappedLookupField(fn: IExecuteFunctions): string {
	const matching = fn.getNodeParameter('columns.matchingColumns', 0, []) as string[];
	return matching.find((name) => typeof name === 'string' && name !== '') ?? 'email';
}

/**
 * Reads each item's (field, value) pairs from the mapper, converted by field type. Read-only fields other than
 * the lookup field are left out (an item from Get Leads carries createdAt and updatedAt, which Marketo sets
 * itself); names that are not lead fields pass through unchanged so that the operation reports them all at once.
 */
export async function columnMapperReader(fn: IExecuteFunctions, client: MarketoClient, lookupField: string | undefined): Promise<ItemFieldReader> {
	const fields = new Map<string, LeadField>((await leadSchema(client)).fields.map((f) => [f.name, f]));
	const mappingMode = fn.getNodeParameter('columns.mappingMode', 0, 'defineBelow') as string;
	const ignoredOf = ignoredFieldsReader(fn);

	const given = (itemIndex: number, json: IDataObject): Array<[string, unknown]> => {
		if (mappingMode === 'autoMapInputData') {
			const ignore = ignoredOf(itemIndex);
			return Object.entries(json).filter(([name]) => name !== '' && !ignore.has(name));
		}
		// n8n has already checked each value against the column's type here, and names the column and item if not
		return Object.entries((fn.getNodeParameter('columns.value', itemIndex, {}) as IDataObject | null) ?? {});
	};

	return (itemIndex, json) => {
		const pairs: Array<[string, unknown]> = [];
		for (const [name, value] of given(itemIndex, json)) {
			const field = fields.get(name);
			if (!field) {
				pairs.push([name, value]);
				continue;
			}
			if (field.updateable === false && name !== lookupField) continue;
			pairs.push([name, leadValue(field, value, itemIndex)]);
		}
		return pairs;
	};
}
