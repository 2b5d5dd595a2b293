import type { OperationDeclaration } from '../types';
import { partitionNameField, staticListLocator } from '../shared/fields';
import { itemFieldsProperties } from '../shared/itemFields';
import { jobsFromFiles } from './fileSource';
import { readRunOptions } from './importRun';
import { inInputOrder, reportSubmitted } from './jobOutput';
import { MIN_POLL_SECONDS } from './jobs';
import { jobsFromItems } from './itemsSource';
import { submitAll } from './submitJobs';

const FORMAT_OPTIONS = [
	{ name: 'CSV (Comma-Separated)', value: 'csv' },
	{ name: 'SSV (Semicolon-Separated)', value: 'ssv' },
	{ name: 'TSV (Tab-Separated)', value: 'tsv' },
];

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
				'Field that finds an existing lead to update; a row with a new value creates a lead. Usually email. "ID" only updates existing leads. Must be a column of the file. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
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
					displayName: 'Max File Size (MB)',
					name: 'maxFileMegabytes',
					type: 'number',
					typeOptions: { minValue: 0.01, maxValue: 10, numberPrecision: 2 },
					default: 10,
					description:
						"Largest file sent as one import job (Marketo takes up to 10 MB); more is split into several jobs. A job that holds a lookup value an earlier job also holds is sent once that job has finished, so that the two never import the same lead at once.",
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
		const run = readRunOptions(context.fn);
		// the leads as import jobs: one per part of at most 'Max File Size'
		const source = context.fn.getNodeParameter('source', 0, 'items') as string;
		const { jobs, rejected } = source === 'binary' ? await jobsFromFiles(context, run) : await jobsFromItems(context, run);
		// each job uploaded, once the earlier ones that hold some of its leads have finished; the ones not taken get error items
		const outputs = await submitAll(context, jobs, run);
		// the accepted ones waited for (when asked) and reported with their failed and warned rows
		await reportSubmitted(context, jobs, outputs, run);
		return inInputOrder(jobs, outputs, rejected);
	},
};
