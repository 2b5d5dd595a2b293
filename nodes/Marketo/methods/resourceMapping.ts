import type { FieldType, ILoadOptionsFunctions, ResourceMapperField, ResourceMapperFields } from 'n8n-workflow';

import { leadSchema } from '../actions/shared/marketoData';
import type { LeadField } from '../actions/shared/marketoData';
import { marketoClient } from '../transport';

/**
 * Marketo's lead data types as n8n's field types, so the editor offers the right input (a number box, a switch, a
 * date picker) and n8n checks a mapped value's type before the node runs. URLs stay text: n8n's URL type would add
 * "https://" to a value that has none, and Marketo takes it as written.
 */
const FIELD_TYPES: Record<string, FieldType> = {
	integer: 'number',
	float: 'number',
	currency: 'number',
	percent: 'number',
	score: 'number',
	boolean: 'boolean',
	date: 'dateTime',
	datetime: 'dateTime',
};

export function n8nFieldType(dataType: string): FieldType {
	return FIELD_TYPES[dataType] ?? 'string';
}

/**
 * One column of the mapper per lead field. Fields Marketo can find a lead by (single-field search keys) can be
 * the column to match on, email by default. Read-only fields are listed but left out of the mapping (a lookup
 * field such as id stays usable, since its value is only used to find the lead). Nothing is marked required:
 * describe2 does not say which fields an instance requires.
 */
export function leadColumns(fields: LeadField[], searchableFields: string[][]): ResourceMapperField[] {
	const lookups = new Set(searchableFields.filter((keys) => keys.length === 1).map((keys) => keys[0]));
	return fields
		.map((field) => {
			const canBeUsedToMatch = lookups.has(field.name);
			const readOnly = field.updateable === false && !canBeUsedToMatch;
			const label = field.displayName && field.displayName !== field.name ? `${field.displayName} (${field.name})` : field.name;
			return {
				id: field.name,
				displayName: label,
				required: false,
				defaultMatch: field.name === 'email',
				canBeUsedToMatch,
				display: true,
				type: n8nFieldType(field.dataType),
				readOnly,
				removed: readOnly,
			};
		})
		.sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** Columns of n8n's resource mapper, loaded from the instance's `describe2.json`. */
export const resourceMapping = {
	async getLeadColumns(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
		const schema = await leadSchema(await marketoClient(this));
		return {
			fields: leadColumns(schema.fields, schema.searchableFields),
			emptyFieldsNotice: 'Marketo returned no lead fields: check that the API user has the Read-Only Lead or Read-Write Lead permission',
		};
	},
};
