import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { OperationContext } from '../types';
import { itemFieldReader } from '../shared/itemFields';
import type { ItemFieldReader } from '../shared/itemFields';
import { collectEntries, errorItem } from '../shared/items';
import type { BulkFormat } from '../shared/csv';
import { unknownLeadFields } from '../shared/marketoData';
import { InputError } from '../shared/values';
import { cellText, writeParts } from './importFile';
import { lookupKey } from './partOrder';
import { describeTarget, partAbout, readTarget } from './importRun';
import type { Job, RunOptions, Target } from './importRun';
import { RowPairing } from './results';

/** Source 'Input Items': one row per item, written as one import file and cut into parts. */

/** One item as a row: its own fields (less the ignored ones), or the fields mapped under 'Define Below'. */
function rowFromItem(fieldsOf: ItemFieldReader, json: IDataObject, itemIndex: number, lookupField: string): Record<string, string> {
	const row: Record<string, string> = {};
	for (const [name, value] of fieldsOf(itemIndex, json)) {
		if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
			throw new InputError(
				`Field '${name}' holds an object or a list; an import file takes text, numbers, booleans or dates. Map it to a plain value, or add it to 'Fields to Ignore'.`,
			);
		}
		row[name] = cellText(value);
	}
	if (Object.keys(row).length === 0) throw new InputError('The item has no fields to import');
	if (!row[lookupField]) {
		throw new InputError(`The item has no value for the lookup field '${lookupField}'; Marketo needs it to find or create the lead`);
	}
	return row;
}

/** Writes the input items as one file (header = every field name used, in order of appearance), cut into parts. */
export async function jobsFromItems(context: OperationContext, run: RunOptions): Promise<{ jobs: Job[]; rejected: INodeExecutionData[] }> {
	const { fn, client } = context;
	const lookupField = String(fn.getNodeParameter('lookupField', 0, 'email') ?? '').trim() || 'email';
	const fieldsOf = itemFieldReader(fn);
	const { entries, rejected } = collectEntries<Record<string, string>>(context, (i) => rowFromItem(fieldsOf, context.items[i].json, i, lookupField));
	const rejectedItems = [...rejected.values()];
	if (entries.length === 0) {
		if (rejectedItems.length > 0) return { jobs: [], rejected: rejectedItems };
		throw new NodeOperationError(fn.getNode(), 'No input items to import', {
			description: "Connect a node that outputs the leads, one item per lead, or set 'Source' to a file in a binary property.",
		});
	}
	// a problem of the whole file stops the node, or with Continue On Fail marks every item that would be in it
	const refuse = (error: NodeOperationError) => {
		if (!context.continueOnFail) throw error;
		return { jobs: [], rejected: [...rejectedItems, ...entries.map((e) => errorItem(error, e.itemIndex))] };
	};
	let target: Target | undefined;
	let failure: NodeOperationError | undefined;
	try {
		target = await readTarget(context, 0);
	} catch (error) {
		failure = error instanceof NodeOperationError ? error : new NodeOperationError(fn.getNode(), error as Error);
	}
	if (failure || !target) return refuse(failure!);

	const header: string[] = [];
	const seen = new Set<string>();
	for (const { record } of entries) {
		for (const name of Object.keys(record)) {
			if (!seen.has(name)) {
				seen.add(name);
				header.push(name);
			}
		}
	}
	if (run.checkFieldNames) {
		const unknown = await unknownLeadFields(client, header);
		if (unknown.length > 0) {
			return refuse(
				new NodeOperationError(fn.getNode(), `Not lead fields of this Marketo instance: ${unknown.map((n) => `'${n}'`).join(', ')}`, {
					description:
						"The file's header is the items' field names, and Marketo needs its REST API field names (Admin > Field Management). Rename the fields before this node, leave them out with 'Fields to Ignore', or pick fields under 'Define Below'.",
				}),
			);
		}
	}

	const format = fn.getNodeParameter('format', 0, 'csv') as BulkFormat;
	const rows = entries.map(({ record }) => header.map((name) => record[name] ?? ''));
	const parts = writeParts(header, rows, format, run.maxFileBytes);
	const jobs = parts.map((part, p): Job => {
		const members = entries.slice(part.firstRow - 1, part.lastRow);
		const itemIndexes = members.map((e) => e.itemIndex);
		let pairing: RowPairing | undefined;
		if (run.wait && run.outputRows) {
			pairing = new RowPairing(itemIndexes);
			members.forEach((e, k) => pairing!.add(rows[part.firstRow - 1 + k], e.itemIndex));
		}
		return {
			upload: { file: part.body, fileName: `leads-${p + 1}.${format}`, format, ...target },
			about: {
				...partAbout(part, p, parts, format),
				firstItem: itemIndexes[0],
				lastItem: itemIndexes[itemIndexes.length - 1],
				...describeTarget(target),
			},
			itemIndexes,
			lookupKeys: () => members.map((e) => lookupKey(target.lookupField, e.record[target.lookupField] ?? '')),
			pairing,
		};
	});
	return { jobs, rejected: rejectedItems };
}
