import { NodeOperationError } from 'n8n-workflow';
import type { INodeExecutionData } from 'n8n-workflow';

import type { BulkFormat } from '../shared/csv';
import { DELIMITERS, parseDelimited } from '../shared/csv';
import type { OperationContext } from '../types';
import { leadSchema } from '../shared/marketoData';
import { forEachItem } from '../shared/items';
import { InputError } from '../shared/values';
import { detectFormat, splitFile } from './importFile';
import { partLookupKeys } from './partOrder';
import { describeTarget, partAbout, readTarget } from './importRun';
import type { Job, RunOptions } from './importRun';

/** Source 'File in a Binary Property': the file is checked (format, header, lookup column) and cut into parts. */

const FORMAT_NAMES: Record<BulkFormat, string> = { csv: 'CSV (comma)', tsv: 'TSV (tab)', ssv: 'SSV (semicolon)' };

/** Columns that match no lead field, by REST API name or display name, in any case (Marketo maps both). */
async function unknownColumns(context: OperationContext, header: string[]): Promise<string[]> {
	const known = new Set<string>();
	for (const field of (await leadSchema(context.client)).fields) {
		known.add(field.name.toLowerCase());
		if (field.displayName) known.add(field.displayName.toLowerCase());
	}
	return header.filter((name) => !known.has(name.trim().toLowerCase()));
}

export async function jobsFromFile(context: OperationContext, run: RunOptions, itemIndex: number): Promise<Job[]> {
	const { fn } = context;
	const property = String(fn.getNodeParameter('binaryPropertyName', itemIndex, 'data') ?? '').trim();
	const binaries = context.items[itemIndex].binary ?? {};
	const meta = binaries[property];
	if (!property || !meta) {
		const present = Object.keys(binaries);
		throw new InputError(
			`'Input Binary Field': the item has no binary property '${property}'` +
				(present.length ? ` (it has ${present.map((p) => `'${p}'`).join(', ')})` : ' (it has no files at all)'),
		);
	}
	const fileName = meta.fileName ?? `${property}.csv`;
	const file = await fn.helpers.getBinaryDataBuffer(itemIndex, property);
	if (file.length === 0) throw new InputError(`'Input Binary Field': the file '${fileName}' in '${property}' is empty`);

	const headerEnd = file.indexOf(0x0a);
	const firstLine = file.subarray(0, headerEnd < 0 ? Math.min(file.length, 65536) : headerEnd).toString('utf8').replace(/^\uFEFF/, '');
	const chosen = fn.getNodeParameter('fileFormat', itemIndex, 'auto') as BulkFormat | 'auto';
	const detected = detectFormat(firstLine, fileName);
	const format = chosen === 'auto' ? detected : chosen;
	if (!format) {
		throw new InputError(`'File Format': cannot tell the format of '${fileName}' from its first line; choose CSV, TSV or SSV`);
	}
	if (chosen !== 'auto' && detected && detected !== chosen && !firstLine.includes(DELIMITERS[chosen])) {
		throw new InputError(
			`'File Format' is ${FORMAT_NAMES[chosen]}, but the first line of '${fileName}' is separated like ${FORMAT_NAMES[detected]}: choose ${detected.toUpperCase()} or Auto-Detect`,
		);
	}

	const split = splitFile(file, DELIMITERS[format], run.maxFileBytes);
	if (split.headerLine.trim() === '') throw new InputError(`'${fileName}' does not start with a header row of field names`);
	if (split.rowCount === 0) throw new InputError(`'${fileName}' has a header but no rows to import`);
	const header = parseDelimited(split.headerLine, DELIMITERS[format])[0] ?? [];
	const target = await readTarget(context, itemIndex);
	const lookupColumn = header.findIndex((name) => name.trim().toLowerCase() === target.lookupField.toLowerCase());
	if (lookupColumn < 0) {
		throw new InputError(
			`'Lookup Field': '${target.lookupField}' is not a column of '${fileName}' (its columns: ${header.join(', ')}); add the column or choose another lookup field`,
		);
	}
	if (run.checkFieldNames) {
		const unknown = await unknownColumns(context, header);
		if (unknown.length > 0) {
			throw new InputError(
				`Columns of '${fileName}' that are not lead fields of this Marketo instance: ${unknown.map((n) => `'${n}'`).join(', ')}. The header must name Marketo's REST API fields (Admin > Field Management); turn off 'Check Field Names' under Options to send the file anyway.`,
			);
		}
	}
	return split.parts.map((part, p) => ({
		upload: { file: part.body, fileName: split.parts.length > 1 ? `${p + 1}-${fileName}` : fileName, format, ...target },
		about: { ...partAbout(part, p, split.parts, format), fileName, ...describeTarget(target) },
		itemIndexes: [itemIndex],
		lookupKeys: () => partLookupKeys(part.body, DELIMITERS[format], lookupColumn, target.lookupField),
	}));
}

/** Every input item's file as jobs; bad input stops the node naming the item, or with Continue On Fail becomes that item's error item. */
export async function jobsFromFiles(context: OperationContext, run: RunOptions): Promise<{ jobs: Job[]; rejected: INodeExecutionData[] }> {
	const { fn } = context;
	if (context.items.length === 0) throw new NodeOperationError(fn.getNode(), 'No input items: the file to import comes in an input item');
	const jobs: Job[] = [];
	const rejected = await forEachItem(context, async (i) => {
		jobs.push(...(await jobsFromFile(context, run, i)));
		return [];
	});
	return { jobs, rejected };
}
