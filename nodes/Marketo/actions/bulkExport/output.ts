import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { delimiterOf } from '../shared/csv';
import { paired } from '../shared/items';
import { collect, drain, LeadRowReader, readableFrom, tapped } from './download';
import type { ExportFormat } from './jobs';

export type OutputMode = 'file' | 'items' | 'both';

const MIME_TYPES: Record<ExportFormat, string> = { CSV: 'text/csv', TSV: 'text/tab-separated-values', SSV: 'text/plain' };

/** Output as a file, as items, or both: a field of Export Leads and Download File. */
export const outputFields: INodeProperties[] = [
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{
				name: 'File',
				value: 'file',
				description: "One item with the export file in a binary property, streamed to n8n's binary store: for exports of any size",
			},
			{
				name: 'Items',
				value: 'items',
				description: 'One item per lead, empty values (null) as empty strings. Every lead is held in memory: for exports that fit in memory.',
			},
			{
				name: 'File and Items',
				value: 'both',
				description: 'One item per lead, the first one also carrying the file. For exports that fit in memory.',
			},
		],
		default: 'file',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Name of the binary property the file goes into',
		displayOptions: { show: { output: ['file', 'both'] } },
	},
	{
		// only where it matters (a file of any size), in words for the person building the workflow
		displayName:
			'Exporting hundreds of thousands of leads? Ask whoever runs your n8n to keep files on disk rather than in memory (setting N8N_DEFAULT_BINARY_DATA_MODE=filesystem).',
		name: 'largeFileNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { output: ['file'] } },
	},
];

type PrepareBinaryData = IExecuteFunctions['helpers']['prepareBinaryData'];

/** The file into n8n's binary store: streamed when n8n gave us a stream class to build one with. */
export async function fileBinary(
	prepareBinaryData: PrepareBinaryData,
	streamLike: unknown,
	bytes: AsyncIterable<Buffer>,
	fileName: string,
	format: ExportFormat,
): Promise<IBinaryData> {
	const stream = readableFrom(streamLike, bytes);
	return await prepareBinaryData(stream ?? (await collect(bytes)), fileName, MIME_TYPES[format] ?? 'text/plain');
}

export interface Delivery {
	fn: IExecuteFunctions;
	itemIndex: number;
	output: OutputMode;
	format: ExportFormat;
	fileName: string;
	binaryPropertyName: string;
	/** the bytes of the result (already checked and joined) */
	bytes: AsyncIterable<Buffer>;
	/** a stream n8n handed us (the first HTTP answer), whose class the file stream is made with */
	streamLike: unknown;
	/** what the file item says about the export */
	summary: IDataObject;
}

/**
 * Turns the bytes into the node's output: the file streamed into n8n's binary store (never whole in memory when
 * the store is the filesystem), the rows as items, or both from the same single pass over the bytes.
 */
export async function deliver(d: Delivery): Promise<INodeExecutionData[]> {
	const wantFile = d.output !== 'items';
	const reader = d.output !== 'file' ? new LeadRowReader(delimiterOf(d.format)) : undefined;
	const bytes = reader ? tapped(d.bytes, (chunk) => reader.push(chunk)) : d.bytes;

	let file: INodeExecutionData['binary'];
	if (wantFile) {
		file = { [d.binaryPropertyName]: await fileBinary(d.fn.helpers.prepareBinaryData, d.streamLike, bytes, d.fileName, d.format) };
	} else {
		await drain(bytes);
	}
	const rows = reader?.end() ?? [];

	if (d.output === 'file' || rows.length === 0) {
		const json: IDataObject = { ...d.summary, fileName: d.fileName };
		if (reader) json.columns = reader.columns;
		if (d.output === 'items') return [];
		return [{ ...paired(json, d.itemIndex), binary: file }];
	}
	const items = rows.map((row) => paired(row, d.itemIndex));
	if (file) items[0].binary = file;
	return items;
}
