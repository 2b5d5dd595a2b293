import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { OperationContext, OperationDeclaration } from '../types';
import { InputError, requireText } from '../shared/values';
import { exportRun, itemsPerInput } from './context';
import { checkedBytes, resumableBytes } from './download';
import { exportIdField, fileNameOption, optionsCollection } from './fields';
import { completedJobFile, exportFileName, resumePolicy } from './files';
import { exportFileFetcher, exportJobStatus, unfinishedJobError } from './jobs';
import type { ExportFormat, ExportRun } from './jobs';
import { deliver, outputFields } from './output';
import type { OutputMode } from './output';

function wholeNumber(value: unknown, field: string): number {
	const n = Number(value);
	if (!Number.isSafeInteger(n) || n < 0) throw new InputError(`'${field}' must be a whole number of bytes, 0 or more; got "${String(value)}"`);
	return n;
}

async function downloadForItem(context: OperationContext, run: ExportRun, i: number): Promise<INodeExecutionData[]> {
	const { fn } = context;
	const exportId = requireText(fn.getNodeParameter('exportId', i), 'Export ID');
	const part = fn.getNodeParameter('part', i, 'whole') as string;
	const options = fn.getNodeParameter('options', i, {}) as IDataObject;
	const firstByte = part === 'range' ? wholeNumber(fn.getNodeParameter('firstByte', i, 0), 'First Byte') : 0;
	const lastValue = part === 'range' ? fn.getNodeParameter('lastByte', i, '') : '';
	const lastByte = lastValue === '' || lastValue === null || lastValue === undefined ? undefined : wholeNumber(lastValue, 'Last Byte');
	if (lastByte !== undefined && lastByte < firstByte) throw new InputError(`'Last Byte' (${lastByte}) is before 'First Byte' (${firstByte})`);

	// the status says whether there is a file, and how big it is and its checksum, to check the download against
	const job = await exportJobStatus(run, exportId);
	if (job.status !== 'Completed') throw unfinishedJobError(run.node, job);
	const format = (String(job.format ?? 'CSV').toUpperCase() as ExportFormat) || 'CSV';
	const fileSize = typeof job.fileSize === 'number' ? job.fileSize : undefined;
	const fileName = exportFileName(options.fileName, job, format);
	const fetch = exportFileFetcher(run, exportId);
	const summary: IDataObject = { ...job };

	if (part !== 'range') {
		const first = await fetch(0);
		return await deliver({
			fn,
			itemIndex: i,
			output: fn.getNodeParameter('output', i, 'file') as OutputMode,
			format,
			fileName,
			binaryPropertyName: String(fn.getNodeParameter('binaryPropertyName', i, 'data')),
			bytes: completedJobFile(run, job, first)(),
			summary,
		});
	}

	if (fileSize !== undefined && firstByte >= fileSize) {
		throw new InputError(`'First Byte' (${firstByte}) is past the end of the file, which has ${fileSize} bytes (0 to ${fileSize - 1})`);
	}
	const end = fileSize !== undefined ? Math.min(lastByte ?? fileSize - 1, fileSize - 1) : lastByte;
	const first = await fetch(firstByte, lastByte);
	const expected = end !== undefined ? end - firstByte + 1 : undefined;
	const bytes = checkedBytes(resumableBytes(fetch, { first: firstByte, last: end, fileSize }, resumePolicy(run, exportId), first), {
		size: expected,
		label: `export job ${exportId} (bytes ${firstByte}-${end ?? ''})`,
	});
	const [item] = await deliver({
		fn,
		itemIndex: i,
		output: 'file',
		format,
		fileName,
		binaryPropertyName: String(fn.getNodeParameter('binaryPropertyName', i, 'data')),
		bytes,
		summary: { ...summary, range: { firstByte, lastByte: end ?? null, bytes: expected ?? null } },
	});
	return [item];
}

export const downloadFile: OperationDeclaration = {
	value: 'downloadFile',
	name: 'Download File',
	action: 'Download the file of a bulk export job',
	description: 'Download the file of a Completed export job, whole (as a file or items) or a byte range',
	properties: [
		exportIdField,
		{
			displayName: 'Part',
			name: 'part',
			type: 'options',
			options: [
				{ name: 'Whole File', value: 'whole', description: "Checked against the job's file size and checksum" },
				{ name: 'Byte Range', value: 'range', description: 'Bytes from First Byte to Last Byte, as a file' },
			],
			default: 'whole',
		},
		{
			displayName: 'First Byte',
			name: 'firstByte',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description: 'Position of the first byte wanted (0 is the start of the file)',
			displayOptions: { show: { part: ['range'] } },
		},
		{
			displayName: 'Last Byte',
			name: 'lastByte',
			type: 'string',
			default: '',
			placeholder: 'e.g. 1048575',
			description: 'Position of the last byte wanted (inclusive). Empty: to the end of the file.',
			displayOptions: { show: { part: ['range'] } },
		},
		{ ...outputFields[0], displayOptions: { show: { part: ['whole'] } } },
		outputFields[1],
		optionsCollection([
				fileNameOption,
			]),
	],
	execute: async (context) => {
		const run = exportRun(context);
		return await itemsPerInput(context, async (i) => await downloadForItem(context, run, i));
	},
};
