import type { IExecuteFunctions, INodeParameterResourceLocator, INodeProperties } from 'n8n-workflow';

import { isLocalTestServer } from '../../transport';
import type { MarketoClient } from '../../transport';
import { leadFieldsSelector, staticListLocator } from '../shared/fields';
import { staticListId } from '../shared/lists';
import { unknownLeadFields } from '../shared/marketoData';
import { InputError, parseId, parseTextList, requireText } from '../shared/values';
import type { ExportFilter } from './filter';
import { dateWindow, filterFromJson } from './filter';
import { DEFAULT_POLL_SECONDS, MAX_QUEUE_WAIT_MS, MIN_POLL_SECONDS } from './jobs';
import type { ExportFormat, PollWait, QueueWait } from './jobs';

/** The export ID of a job, as Create Job and Export Leads output it. */
export const exportIdField: INodeProperties = {
	displayName: 'Export ID',
	name: 'exportId',
	type: 'string',
	required: true,
	default: '={{ $json.exportId }}',
	placeholder: 'e.g. ce45a7a1-f19d-4ce2-882c-a3c795940a7d',
	description: "ID of the export job, as 'Create Job' outputs it (exportId). By default the exportId field of the input item.",
};

export const formatField: INodeProperties = {
	displayName: 'Format',
	name: 'format',
	type: 'options',
	options: [
		{ name: 'CSV (Comma-Separated)', value: 'CSV' },
		{ name: 'SSV (Semicolon-Separated)', value: 'SSV' },
		{ name: 'TSV (Tab-Separated)', value: 'TSV' },
	],
	default: 'CSV',
	description: 'File format Marketo writes. Empty values are written as null.',
};

export const exportFieldsField: INodeProperties = {
	...leadFieldsSelector('Lead fields to export, one column each, in this order.'),
	required: true,
};

/**
 * A window's start defaults to 7 days ago: n8n marks an empty required date as missing only when it has no
 * default at all, so an empty one passed the editor unmarked and failed only when run.
 */
const LAST_7_DAYS = '={{ $now.minus({ days: 7 }).toISO() }}';

const dateField = (displayName: string, name: string, filterType: string, description: string, required: boolean): INodeProperties => {
	const initial = required ? LAST_7_DAYS : '';
	return {
		displayName,
		name,
		type: 'dateTime',
		required,
		default: initial,
		description: required ? `${description} Default: 7 days ago.` : description,
		displayOptions: { show: { filterType: [filterType] } },
	};
};

/**
 * The one filter of an export: a created-at or updated-at window, a static list (picked, by ID, URL or name), a
 * smart list (by ID or name), or a filter object as JSON.
 */
export function filterFields(splitsWindows: boolean): INodeProperties[] {
	const long = splitsWindows
		? 'A window longer than 31 days is exported as several consecutive jobs of at most 31 days, joined into one result.'
		: 'At most 31 days: Marketo refuses longer windows (Export Leads splits them).';
	const staticList = staticListLocator('Static list whose members are exported');
	return [
		{
			displayName: 'Filter',
			name: 'filterType',
			type: 'options',
			options: [
				{ name: 'Created At Window', value: 'createdAt', description: 'Leads created in a time window' },
				{ name: 'Custom (JSON)', value: 'json', description: 'A filter object as Marketo takes it, e.g. from an expression' },
				{ name: 'Smart List', value: 'smartList', description: 'Members of a smart list (not every subscription has it)' },
				{ name: 'Static List', value: 'staticList', description: 'Members of a static list' },
				{
					name: 'Updated At Window',
					value: 'updatedAt',
					description: 'Leads last changed in a time window (not every subscription has it)',
				},
			],
			default: 'createdAt',
			description: 'Which leads to export. Marketo takes one filter per export.',
		},
		dateField('Created After', 'createdAfter', 'createdAt', `Start of the window (inclusive). ${long}`, true),
		dateField('Created Before', 'createdBefore', 'createdAt', 'End of the window (Marketo does not say whether a lead at exactly this time is included). Empty: now.', false),
		dateField('Updated After', 'updatedAfter', 'updatedAt', `Start of the window (inclusive). ${long}`, true),
		dateField('Updated Before', 'updatedBefore', 'updatedAt', 'End of the window (Marketo does not say whether a lead at exactly this time is included). Empty: now.', false),
		{
			...staticList,
			modes: [
				...(staticList.modes ?? []),
				{ displayName: 'By Name', name: 'name', type: 'string', placeholder: 'e.g. Webinar Registrants' },
			],
			displayOptions: { show: { filterType: ['staticList'] } },
		},
		{
			displayName: 'Smart List',
			name: 'smartList',
			type: 'resourceLocator',
			default: { mode: 'id', value: '' },
			required: true,
			description: 'Smart list whose members are exported',
			modes: [
				{
					displayName: 'By ID',
					name: 'id',
					type: 'string',
					placeholder: 'e.g. 1044',
					validation: [{ type: 'regex', properties: { regex: '^\\s*[0-9]+\\s*$', errorMessage: 'A smart list ID is a whole number' } }],
				},
				{ displayName: 'By Name', name: 'name', type: 'string', placeholder: 'e.g. Active Customers' },
			],
			displayOptions: { show: { filterType: ['smartList'] } },
		},
		{
			displayName: 'Filter (JSON)',
			name: 'filterJson',
			type: 'json',
			default: '{\n  "staticListId": 1021\n}',
			description:
				'One filter as Marketo takes it: createdAt or updatedAt ({"startAt", "endAt"}), staticListId, staticListName, smartListId or smartListName',
			displayOptions: { show: { filterType: ['json'] } },
		},
	];
}

/** The Options collection of an operation. */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return { displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options };
}

export const fileNameOption: INodeProperties = {
	displayName: 'File Name',
	name: 'fileName',
	type: 'string',
	default: '',
	placeholder: 'e.g. leads-2024.csv',
	description: 'Name of the output file. Empty: marketo-leads-&lt;export ID&gt;.&lt;format&gt;.',
};

/** Column header names: an option of Create Job and Export Leads. */
export const columnHeaderNamesOption: INodeProperties = {
	displayName: 'Column Header Names',
	name: 'columnHeaderNames',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	default: {},
	placeholder: 'Add Column Header Name',
	description: "Header names to use in the file instead of the fields' REST API names",
	options: [
		{
			displayName: 'Column',
			name: 'column',
			values: [
				{
					displayName: 'Field Name or ID',
					name: 'field',
					type: 'options',
					typeOptions: { loadOptionsMethod: 'getLeadFields' },
					default: '',
					description: 'One of the exported fields. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
				},
				{ displayName: 'Header', name: 'header', type: 'string', default: '', placeholder: 'e.g. Email Address' },
			],
		},
	],
};

/** The poll interval when none is set and the base URL is a local test server: its jobs finish in seconds. */
export const LOCAL_POLL_SECONDS = 2;

export const pollIntervalOption: INodeProperties = {
	displayName: 'Poll Interval (Seconds)',
	name: 'pollInterval',
	type: 'number',
	typeOptions: { minValue: MIN_POLL_SECONDS },
	default: DEFAULT_POLL_SECONDS,
	description: `How often to ask Marketo whether the job has finished: at least 60. Marketo updates job status about once a minute and asks for polls no faster. Not set: 60, or ${LOCAL_POLL_SECONDS} against a local test server (such as the Marketo sandbox), whose jobs finish in seconds.`,
};

export const maxWaitOption: INodeProperties = {
	displayName: 'Max Wait (Minutes)',
	name: 'maxWaitMinutes',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 240,
	description: 'Give up (and cancel the job) when a job has not finished after this long. 0 waits as long as it takes.',
};

export const queueRetriesOption: INodeProperties = {
	displayName: 'Queue Retries',
	name: 'queueRetries',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 10,
	description:
		"How many more times to try enqueueing while Marketo's export queue is full (10 jobs queued or processing on the instance). The wait between tries starts at the poll interval and doubles, up to 10 minutes.",
};

/** Reads the fields to export: at least one, each a lead field of the instance (one describe call per run). */
export async function readExportFields(fn: IExecuteFunctions, client: MarketoClient, itemIndex: number): Promise<string[]> {
	const raw = fn.getNodeParameter('fields', itemIndex, []) as unknown;
	const empty = raw === undefined || raw === null || raw === '' || (Array.isArray(raw) && raw.length === 0);
	if (empty) throw new InputError("'Fields' is empty: pick at least one lead field to export");
	const fields = [...new Set(parseTextList(raw, 'Fields'))];
	const unknown = await unknownLeadFields(client, fields);
	if (unknown.length > 0) {
		throw new InputError(
			`'Fields': ${unknown.map((f) => `"${f}"`).join(', ')} ${unknown.length === 1 ? 'is not a lead field' : 'are not lead fields'} of this Marketo instance (REST API names are case-sensitive). Pick the fields from the list.`,
		);
	}
	return fields;
}

/** Column header names from the option, checked: each for an exported field, not empty, on one line. */
export function columnHeaderNames(raw: unknown, fields: string[]): Record<string, string> | undefined {
	const columns = ((raw as { column?: Array<{ field?: unknown; header?: unknown }> } | undefined)?.column ?? []).filter(
		(c) => String(c.field ?? '').trim() !== '',
	);
	if (columns.length === 0) return undefined;
	const names: Record<string, string> = {};
	for (const column of columns) {
		const field = String(column.field).trim();
		if (!fields.includes(field)) {
			throw new InputError(`'Column Header Names': "${field}" is not one of the exported fields (${fields.join(', ')})`);
		}
		const header = requireText(column.header, `Column Header Names > ${field}`);
		if (/[\r\n]/.test(header)) throw new InputError(`'Column Header Names': the header of "${field}" must be on one line`);
		names[field] = header;
	}
	return names;
}

export function readFormat(fn: IExecuteFunctions, itemIndex: number): ExportFormat {
	const format = String(fn.getNodeParameter('format', itemIndex, 'CSV')).toUpperCase();
	if (format !== 'CSV' && format !== 'TSV' && format !== 'SSV') throw new InputError(`'Format' must be CSV, TSV or SSV; got "${format}"`);
	return format;
}

/** The filter as the node's fields give it. */
export function readFilter(fn: IExecuteFunctions, itemIndex: number, now: Date): ExportFilter {
	const type = fn.getNodeParameter('filterType', itemIndex) as string;
	switch (type) {
		case 'createdAt':
		case 'updatedAt': {
			const prefix = type === 'createdAt' ? 'created' : 'updated';
			const window = dateWindow(
				fn.getNodeParameter(`${prefix}After`, itemIndex, ''),
				fn.getNodeParameter(`${prefix}Before`, itemIndex, ''),
				type,
				now,
			);
			return type === 'createdAt' ? { createdAt: window } : { updatedAt: window };
		}
		case 'staticList': {
			const locator = fn.getNodeParameter('list', itemIndex) as INodeParameterResourceLocator;
			if (locator?.mode === 'name') return { staticListName: requireText(locator.value, 'List') };
			return { staticListId: staticListId(fn, itemIndex) };
		}
		case 'smartList': {
			const locator = fn.getNodeParameter('smartList', itemIndex) as INodeParameterResourceLocator;
			if (locator?.mode === 'name') return { smartListName: requireText(locator.value, 'Smart List') };
			return { smartListId: parseId(String(locator?.value ?? '').trim(), 'Smart List') };
		}
		case 'json':
			return filterFromJson(fn.getNodeParameter('filterJson', itemIndex), now);
		default:
			throw new InputError(`Unknown filter "${type}"`);
	}
}

/**
 * The status poll interval in seconds. Marketo refreshes export job status about once a minute and asks for
 * polls no faster, so under 60 s is refused, except against a local test server (`baseUrl` on localhost or
 * 127.x), whose clock may run faster: the same rule as the credential's Rate Window. Not set: 60 s, or
 * LOCAL_POLL_SECONDS there (a 2-lead export in the sandbox took 61 s with the 60 s default).
 */
export function pollSeconds(options: Record<string, unknown>, baseUrl: string): number {
	const raw = options.pollInterval;
	const local = isLocalTestServer(baseUrl);
	if (raw === undefined || raw === null || raw === '') return local ? LOCAL_POLL_SECONDS : DEFAULT_POLL_SECONDS;
	const seconds = Number(raw);
	const floor = local ? MIN_POLL_SECONDS : DEFAULT_POLL_SECONDS;
	if (!Number.isFinite(seconds) || seconds < floor) {
		throw new InputError(
			`'Poll Interval (Seconds)' is ${String(raw)}: it must be at least ${floor}. Marketo refreshes export job status about once a minute, so asking more often only spends API calls (under 60 s only works against a local test server).`,
		);
	}
	return seconds;
}

/**
 * Poll and queue settings from the options collection. With `baseUrl` the poll interval is checked against
 * Marketo's once-a-minute floor (see pollSeconds); without it (Enqueue Job, which only waits for queue places) the
 * option is the first wait between enqueue tries.
 */
export function readWaits(options: Record<string, unknown>, baseUrl?: string): { poll: PollWait; queue: QueueWait } {
	const seconds =
		baseUrl !== undefined
			? pollSeconds(options, baseUrl)
			: Math.max(MIN_POLL_SECONDS, Number(options.pollInterval ?? DEFAULT_POLL_SECONDS) || DEFAULT_POLL_SECONDS);
	const intervalMs = seconds * 1000;
	return {
		poll: { intervalMs, timeoutMs: Math.max(0, Number(options.maxWaitMinutes ?? 240) || 0) * 60_000 },
		queue: {
			maxRetries: Math.max(0, Math.floor(Number(options.queueRetries ?? 10) || 0)),
			firstWaitMs: intervalMs,
			maxWaitMs: Math.max(intervalMs, MAX_QUEUE_WAIT_MS),
		},
	};
}
