import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { readPerItem } from './parameters';

/**
 * "Fields to Send" for operations that write leads from input items: every field of the item (less the ones to
 * ignore), or Marketo fields picked below with a value mapped to each. The same three fields and the same reading
 * wherever leads are written, so that they look and behave alike.
 */
export interface ItemFieldsText {
	/** what "Map Each Input Item's Fields Automatically" does, e.g. "Send every field of the input item" */
	autoMap: string;
	/** the loadOptions method of the field picker under "Define Below" */
	fieldsMethod: string;
	/** the picker's description */
	fieldDescription: string;
	valueDescription: string;
	ignoreDescription: string;
	/** extra display conditions (e.g. only when the source is input items) */
	show?: IDisplayOptions['show'];
	/** further ways to give the fields, read by the operation itself (e.g. n8n's column mapper) */
	moreModes?: INodePropertyOptions[];
}

export function itemFieldsProperties(text: ItemFieldsText): INodeProperties[] {
	const when = (extra: IDisplayOptions['show'] = {}): Pick<INodeProperties, 'displayOptions'> =>
		text.show || Object.keys(extra ?? {}).length ? { displayOptions: { show: { ...text.show, ...extra } } } : {};
	return [
		{
			displayName: 'Fields to Send',
			name: 'dataMode',
			type: 'options',
			options: [
				{ name: "Map Each Input Item's Fields Automatically", value: 'autoMap', description: `${text.autoMap}; field names must be Marketo REST API field names` },
				{ name: 'Define Below', value: 'define', description: 'Pick Marketo fields and map a value to each' },
				...(text.moreModes ?? []),
			],
			default: 'autoMap',
			...when(),
		},
		{
			displayName: 'Fields',
			name: 'fieldValues',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Field',
			default: {},
			...when({ dataMode: ['define'] }),
			options: [
				{
					displayName: 'Field',
					name: 'field',
					values: [
						{
							displayName: 'Field Name or ID',
							name: 'name',
							type: 'options',
							typeOptions: { loadOptionsMethod: text.fieldsMethod },
							default: '',
							description: `${text.fieldDescription} Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>`,
						},
						{ displayName: 'Value', name: 'value', type: 'string', default: '', description: text.valueDescription },
					],
				},
			],
		},
		{
			displayName: 'Fields to Ignore',
			name: 'ignoreFields',
			type: 'string',
			default: '',
			placeholder: 'e.g. row_number, internalNote',
			description: text.ignoreDescription,
			...when({ dataMode: ['autoMap'] }),
		},
	];
}

export type ItemFieldReader = (itemIndex: number, json: IDataObject) => Array<[string, unknown]>;

/** "Fields to Ignore" of each item, as a set of names; read once unless it is an expression. */
export function ignoredFieldsReader(fn: IExecuteFunctions): (itemIndex: number) => Set<string> {
	return readPerItem(
		fn,
		'ignoreFields',
		(i) => new Set(String(fn.getNodeParameter('ignoreFields', i, '')).split(',').map((s) => s.trim()).filter(Boolean)),
	);
}

/**
 * Reads the (name, value) pairs each item sends from the fields above. Names are trimmed; empty names dropped.
 * Made once per run: the mode and the fields to ignore are read once unless they are expressions.
 */
export function itemFieldReader(fn: IExecuteFunctions): ItemFieldReader {
	const modeOf = readPerItem(fn, 'dataMode', (i) => fn.getNodeParameter('dataMode', i, 'autoMap') as string);
	const ignoredOf = ignoredFieldsReader(fn);
	return (itemIndex, json) => {
		if (modeOf(itemIndex) === 'define') {
			const mapped = fn.getNodeParameter('fieldValues.field', itemIndex, []) as Array<{ name: string; value: unknown }>;
			return mapped.map((m): [string, unknown] => [String(m.name ?? '').trim(), m.value]).filter(([name]) => name !== '');
		}
		const ignore = ignoredOf(itemIndex);
		return Object.entries(json).filter(([name]) => name !== '' && !ignore.has(name));
	};
}
