import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { systemClock } from '../../transport';
import type { OperationContext, OperationDeclaration } from '../types';
import { DELIMITERS, parseDelimited } from '../shared/csv';
import type { BulkFormat } from '../shared/csv';
import { partitionNameField, staticListLocator } from '../shared/fields';
import { itemFieldReader, itemFieldsProperties } from '../shared/itemFields';
import type { ItemFieldReader } from '../shared/itemFields';
import { collectEntries, errorItem, forEachItem } from '../shared/items';
import { staticListId } from '../shared/lists';
import { leadPartitions, leadSchema, unknownLeadFields } from '../shared/marketoData';
import { InputError } from '../shared/values';
import { cellText, detectFormat, splitFile, writeParts } from './importFile';
import type { FilePart } from './importFile';
import { isFailed, isFinished, MIN_POLL_SECONDS, QueueFullError, submitImport, waitForJobs } from './jobs';
import type { ImportStatus, QueuePolicy, Upload } from './jobs';
import { fetchResult, ITEM_KINDS, pairedWith, resultRowItems, RowPairing } from './results';

const FORMAT_OPTIONS = [
	{ name: 'CSV (Comma-Separated)', value: 'csv' },
	{ name: 'SSV (Semicolon-Separated)', value: 'ssv' },
	{ name: 'TSV (Tab-Separated)', value: 'tsv' },
];

const FORMAT_NAMES: Record<BulkFormat, string> = { csv: 'CSV (comma)', tsv: 'TSV (tab)', ssv: 'SSV (semicolon)' };

/** Where the leads go: the same for every part of one file. */
interface Target {
	lookupField: string;
	listId?: number;
	partitionName?: string;
}

/** One import job: a file part, the input items whose rows are in it, and (once sent) Marketo's status. */
interface Job {
	upload: Upload;
	/** what the output says about the part: which rows, how big */
	about: IDataObject;
	itemIndexes: number[];
	pairing?: RowPairing;
	status?: ImportStatus;
}

interface RunOptions {
	wait: boolean;
	pollMs: number;
	maxWaitMs: number;
	queueRetries: number;
	outputRows: boolean;
	checkFieldNames: boolean;
}

function readRunOptions(fn: IExecuteFunctions): RunOptions {
	const options = fn.getNodeParameter('options', 0, {}) as IDataObject;
	const pollSeconds = Math.max(MIN_POLL_SECONDS, Number(fn.getNodeParameter('pollInterval', 0, 10)) || 10);
	return {
		wait: fn.getNodeParameter('waitForCompletion', 0, true) as boolean,
		pollMs: pollSeconds * 1000,
		maxWaitMs: Math.max(0, Number(options.maxWaitMinutes ?? 120)) * 60_000,
		queueRetries: Math.max(0, Math.floor(Number(options.queueRetries ?? 10))),
		outputRows: options.outputRows !== false,
		checkFieldNames: options.checkFieldNames !== false,
	};
}

async function readTarget(context: OperationContext, itemIndex: number): Promise<Target> {
	const { fn, client } = context;
	const lookupField = String(fn.getNodeParameter('lookupField', itemIndex, 'email') ?? '').trim() || 'email';
	const listId = fn.getNodeParameter('addToList', itemIndex, false) ? staticListId(fn, itemIndex) : undefined;
	const partitionName = String(fn.getNodeParameter('partitionName', itemIndex, '') ?? '').trim() || undefined;
	if (partitionName && !(await leadPartitions(client)).some((p) => p.name === partitionName)) {
		const known = (await leadPartitions(client)).map((p) => `"${p.name}"`).join(', ');
		throw new NodeOperationError(fn.getNode(), `'Partition Name or ID': no partition named "${partitionName}" on this instance (it has ${known})`, { itemIndex });
	}
	return { lookupField, listId, partitionName };
}

function describeTarget(target: Target): IDataObject {
	const about: IDataObject = { lookupField: target.lookupField };
	if (target.listId !== undefined) about.listId = target.listId;
	if (target.partitionName) about.partitionName = target.partitionName;
	return about;
}

function partAbout(part: FilePart, index: number, parts: FilePart[], format: BulkFormat): IDataObject {
	return {
		part: index + 1,
		parts: parts.length,
		firstRow: part.firstRow,
		lastRow: part.lastRow,
		rowCount: part.rowCount,
		fileSize: part.body.length,
		format,
	};
}

/* ------------------------------------------------------------------ source: input items */

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
async function jobsFromItems(context: OperationContext, run: RunOptions): Promise<{ jobs: Job[]; rejected: INodeExecutionData[] }> {
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
	const parts = writeParts(header, rows, format);
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
			pairing,
		};
	});
	return { jobs, rejected: rejectedItems };
}

/* ------------------------------------------------------------------ source: a file in a binary property */

/** Columns that match no lead field, by REST API name or display name, in any case (Marketo maps both). */
async function unknownColumns(context: OperationContext, header: string[]): Promise<string[]> {
	const known = new Set<string>();
	for (const field of (await leadSchema(context.client)).fields) {
		known.add(field.name.toLowerCase());
		if (field.displayName) known.add(field.displayName.toLowerCase());
	}
	return header.filter((name) => !known.has(name.trim().toLowerCase()));
}

async function jobsFromFile(context: OperationContext, run: RunOptions, itemIndex: number): Promise<Job[]> {
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

	const split = splitFile(file, DELIMITERS[format]);
	if (split.headerLine.trim() === '') throw new InputError(`'${fileName}' does not start with a header row of field names`);
	if (split.rowCount === 0) throw new InputError(`'${fileName}' has a header but no rows to import`);
	const header = parseDelimited(split.headerLine, DELIMITERS[format])[0] ?? [];
	const target = await readTarget(context, itemIndex);
	if (!header.some((name) => name.trim().toLowerCase() === target.lookupField.toLowerCase())) {
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
	}));
}

/* ------------------------------------------------------------------ jobs to output */

/**
 * For an error that stops the node after Marketo accepted other parts of the run: those import regardless, and
 * their batch ids must not be lost with the node's output.
 */
function acceptedNote(job: Job, jobsOfRun: Job[]): string | undefined {
	const ids = jobsOfRun.filter((other) => other !== job && other.status?.batchId !== undefined).map((other) => other.status!.batchId);
	if (ids.length === 0) return undefined;
	return `Marketo already accepted import batch ${ids.join(', ')} of this run; ${ids.length > 1 ? 'they import' : 'it imports'} regardless. Check with Bulk Import > Get Status or the Marketo Trigger before importing the same leads again.`;
}

/**
 * The job's error item with Continue On Fail; without, the node stops (naming the other batches of the run that
 * Marketo already accepted, given `jobsOfRun`).
 */
function jobError(context: OperationContext, job: Job, error: unknown, description?: string, jobsOfRun: Job[] = []): INodeExecutionData {
	const { fn } = context;
	const message = error instanceof Error ? error.message : String(error);
	if (!context.continueOnFail) {
		const note = acceptedNote(job, jobsOfRun);
		if (!description && (error instanceof NodeApiError || error instanceof NodeOperationError)) {
			if (note) error.description = [error.description, note].filter(Boolean).join(' ');
			throw error;
		}
		throw new NodeOperationError(fn.getNode(), message, { itemIndex: job.itemIndexes[0], description: [description, note].filter(Boolean).join(' ') || undefined });
	}
	const json: IDataObject = { kind: ITEM_KINDS.job, ...job.status, ...job.about, error: message };
	const errorDescription = description ?? (error as { description?: string }).description;
	if (errorDescription) json.errorDescription = errorDescription;
	return { json, pairedItem: pairedWith(job.itemIndexes) };
}

async function submitAll(context: OperationContext, jobs: Job[], run: RunOptions): Promise<Map<Job, INodeExecutionData[]>> {
	const { fn, client } = context;
	const failed = new Map<Job, INodeExecutionData[]>();
	const policy: QueuePolicy = {
		maxRetries: run.queueRetries,
		firstWaitMs: run.pollMs,
		clock: systemClock,
		onWait: (code, waitMs, retry) =>
			fn.logger.info(`Marketo bulk import: queue busy (${code}), retry ${retry} of ${run.queueRetries} in ${Math.round(waitMs / 1000)} s`),
	};
	for (const job of jobs) {
		try {
			job.status = await submitImport(client, job.upload, policy);
		} catch (error) {
			if (error instanceof QueueFullError) {
				failed.set(job, [
					jobError(
						context,
						job,
						new Error(`Marketo's bulk import queue stayed busy: ${error.message}`),
						`The node waited ${Math.round(error.waitedMs / 1000)} s over ${error.retries} retries. Marketo runs at most 10 imports per instance at a time (and one per static list). Raise 'Retries When Queue Is Busy' under Options, or run the import later.`,
						jobs,
					),
				]);
			} else {
				failed.set(job, [jobError(context, job, error, undefined, jobs)]);
			}
		}
		// the part is uploaded (or given up): its bytes are no longer needed
		job.upload.file = Buffer.alloc(0);
	}
	return failed;
}

async function finishedJobOutput(context: OperationContext, job: Job, run: RunOptions): Promise<INodeExecutionData[]> {
	const { fn, client } = context;
	const status = job.status as ImportStatus;
	if (isFailed(status.status)) {
		return [jobError(context, job, new Error(`Marketo import job ${status.batchId} failed: ${status.message ?? 'no reason given'}`), "Marketo's message says why. Correct the file and import again.")];
	}
	const item: INodeExecutionData = { json: { kind: ITEM_KINDS.job, ...status, ...job.about }, pairedItem: pairedWith(job.itemIndexes) };
	const rowItems: INodeExecutionData[] = [];
	const counts = { failures: Number(status.numOfRowsFailed ?? 0), warnings: Number(status.numOfRowsWithWarning ?? 0) };
	for (const kind of ['failures', 'warnings'] as const) {
		if (!(counts[kind] > 0)) continue;
		const fetched = await fetchResult(fn, client, status.batchId, kind, job.upload.format);
		item.binary = { ...item.binary, [kind]: fetched.binary };
		if (run.outputRows) {
			const pairing = job.pairing ?? new RowPairing(job.itemIndexes);
			rowItems.push(...resultRowItems(fetched.rows, status.batchId, kind, (row) => pairing.pairsOf(row)));
		}
	}
	return [item, ...rowItems];
}

export const importLeads: OperationDeclaration = {
	value: 'importLeads',
	name: 'Import Leads',
	action: 'Import leads in bulk',
	description: "Create or update many leads at once with Marketo's bulk import, from input items or a CSV/TSV/SSV file",
	properties: [
		{
			displayName: 'Source',
			name: 'source',
			type: 'options',
			options: [
				{ name: 'Input Items', value: 'items', description: 'One lead per input item; the node writes the import file' },
				{ name: 'File in a Binary Property', value: 'binary', description: 'A CSV, TSV or SSV file an earlier node read or downloaded' },
			],
			default: 'items',
			description: 'Where the leads come from',
		},
		{
			displayName: 'Input Binary Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			placeholder: 'e.g. data',
			hint: 'The name of the input binary field containing the file to import',
			description: "Its first row must be a header of Marketo REST API field names (e.g. email,firstName,lastName). Files over Marketo's 10 MB limit are split into several jobs.",
			displayOptions: { show: { source: ['binary'] } },
		},
		{
			displayName: 'File Format',
			name: 'fileFormat',
			type: 'options',
			options: [{ name: 'Auto-Detect', value: 'auto', description: 'Tell from the header line (and the file name)' }, ...FORMAT_OPTIONS],
			default: 'auto',
			description: 'How the values in the file are separated',
			displayOptions: { show: { source: ['binary'] } },
		},
		...itemFieldsProperties({
			autoMap: 'Every field of the items becomes a column',
			fieldsMethod: 'getLeadFields',
			fieldDescription: 'Marketo lead field (a column of the import file).',
			valueDescription: 'Value for this lead, e.g. {{ $json.mail }}; an empty value leaves the field empty',
			ignoreDescription: 'Comma-separated input fields not to put in the import file',
			show: { source: ['items'] },
		}),
		{
			displayName: 'File Format',
			name: 'format',
			type: 'options',
			options: FORMAT_OPTIONS,
			default: 'csv',
			description: 'Format of the file the node writes and uploads. CSV suits almost every case.',
			displayOptions: { show: { source: ['items'] } },
		},
		{
			displayName: 'Lookup Field Name or ID',
			name: 'lookupField',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getSearchableFields' },
			default: 'email',
			description:
				'Field that finds an existing lead to update; a row with a new value creates a lead. Usually email. "ID" only updates existing leads. Must be a column of the file. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Add to Static List',
			name: 'addToList',
			type: 'boolean',
			default: false,
			description: 'Whether to also add every imported lead to a static list',
		},
		{
			...staticListLocator('Static list the imported leads are added to'),
			displayOptions: { show: { addToList: [true] } },
		},
		partitionNameField(false, "Partition the leads are imported into. Leave empty for the API user's default partition."),
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: true,
			description:
				"Whether to wait until Marketo has imported the file and return its result (leads processed, failed and warned rows). Off: return the batch ID at once; check it later with 'Get Status'.",
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			typeOptions: { minValue: MIN_POLL_SECONDS },
			default: 10,
			description:
				"How often to ask Marketo whether the import has finished (at least 5 seconds, as Marketo asks). Also the first wait when Marketo's import queue is busy.",
			displayOptions: { show: { waitForCompletion: [true] } },
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'Check Field Names',
					name: 'checkFieldNames',
					type: 'boolean',
					default: true,
					description: "Whether to check the columns against the instance's lead fields before uploading, and stop with the unknown names",
				},
				{
					displayName: 'Max Wait (Minutes)',
					name: 'maxWaitMinutes',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: 120,
					description: 'Stop waiting after this long (the import goes on in Marketo; its batch ID is in the error). 0 waits without limit.',
				},
				{
					displayName: 'Output Failed and Warned Rows',
					name: 'outputRows',
					type: 'boolean',
					default: true,
					description: "Whether to output one item per row Marketo refused or warned about, with Marketo's reason (the files are on the job item either way)",
				},
				{
					displayName: 'Retries When Queue Is Busy',
					name: 'queueRetries',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: 10,
					description:
						'Marketo queues at most 10 imports per instance, one per static list. When it answers "Too many imports" (1016) or "import in progress" (1019) the node waits (the poll interval, doubling up to 5 minutes) and tries again, this many times.',
				},
			],
		},
	],
	execute: async (context) => {
		const { fn, client } = context;
		const run = readRunOptions(fn);
		const source = fn.getNodeParameter('source', 0, 'items') as string;

		let jobs: Job[] = [];
		let rejected: INodeExecutionData[];
		if (source === 'binary') {
			if (context.items.length === 0) throw new NodeOperationError(fn.getNode(), 'No input items: the file to import comes in an input item');
			// bad input stops the node naming the item, or with Continue On Fail becomes that item's error item
			rejected = await forEachItem(context, async (i) => {
				jobs.push(...(await jobsFromFile(context, run, i)));
				return [];
			});
		} else {
			({ jobs, rejected } = await jobsFromItems(context, run));
		}

		const outputs = new Map<Job, INodeExecutionData[]>(await submitAll(context, jobs, run));
		const submitted = jobs.filter((j) => !outputs.has(j) && j.status);
		if (run.wait && submitted.length > 0) {
			let final = new Map<number, ImportStatus>();
			try {
				final = await waitForJobs(client, submitted.map((j) => j.status as ImportStatus), {
					intervalMs: run.pollMs,
					maxWaitMs: run.maxWaitMs,
					clock: systemClock,
				});
			} catch (error) {
				// the jobs are in Marketo whatever happened to the status calls: their items carry their batch ids
				for (const job of submitted) outputs.set(job, [jobError(context, job, error, undefined, jobs)]);
			}
			for (const job of submitted.filter((j) => !outputs.has(j))) {
				job.status = final.get(job.status!.batchId) ?? job.status;
				if (!isFinished(job.status!.status)) {
					outputs.set(job, [
						jobError(
							context,
							job,
							new Error(`Marketo import job ${job.status!.batchId} was still ${job.status!.status} after ${run.maxWaitMs / 60_000} min`),
							`The import goes on in Marketo. Check it later with Bulk Import > Get Status (batch ID ${job.status!.batchId}), or raise 'Max Wait (Minutes)' under Options.`,
							jobs,
						),
					]);
				} else {
					try {
						outputs.set(job, await finishedJobOutput(context, job, run));
					} catch (error) {
						outputs.set(job, [jobError(context, job, error, undefined, jobs)]);
					}
				}
			}
		} else {
			for (const job of submitted) {
				// Marketo can refuse a file at once (status Failed in the upload's answer): that is a failure, waiting or not
				outputs.set(
					job,
					isFailed(job.status!.status)
						? await finishedJobOutput(context, job, run)
						: [{ json: { kind: ITEM_KINDS.job, ...job.status, ...job.about }, pairedItem: pairedWith(job.itemIndexes) }],
				);
			}
		}

		// in input order: each job's items at its first input item, error items of rejected input at theirs
		const ordered: Array<{ at: number; items: INodeExecutionData[] }> = jobs.map((job) => ({ at: job.itemIndexes[0], items: outputs.get(job) ?? [] }));
		for (const item of rejected) {
			const paired = item.pairedItem as { item: number };
			ordered.push({ at: paired.item, items: [item] });
		}
		return ordered.sort((a, b) => a.at - b.at).flatMap((o) => o.items);
	},
};
