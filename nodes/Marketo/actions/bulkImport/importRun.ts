import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { OperationContext } from '../types';
import type { BulkFormat } from '../shared/csv';
import { staticListId } from '../shared/lists';
import { leadPartitions, partitionNamed } from '../shared/marketoData';
import { MAX_FILE_BYTES, MIN_FILE_BYTES } from './importFile';
import type { FilePart } from './importFile';
import { MIN_POLL_SECONDS } from './jobs';
import type { ImportStatus, Upload } from './jobs';
import type { RowPairing } from './results';

/**
 * What one run of Import Leads works with: the run's options, where the leads go, and the import jobs (one per
 * file part) that the sources make, the submission sends and the output reports.
 */

/** Where the leads go: the same for every part of one file. */
export interface Target {
	lookupField: string;
	listId?: number;
	partitionName?: string;
}

/** One import job: a file part, the input items whose rows are in it, and (once sent) Marketo's status. */
export interface Job {
	upload: Upload;
	/** what the output says about the part: which rows, how big */
	about: IDataObject;
	itemIndexes: number[];
	/** the keys of its rows' lookup values (see partOrder.ts), read before the part is uploaded */
	lookupKeys: () => Iterable<number | undefined>;
	pairing?: RowPairing;
	status?: ImportStatus;
	/** its upload got no answer: Marketo may or may not have created the job */
	uploadUnknown?: boolean;
}

export interface RunOptions {
	wait: boolean;
	pollMs: number;
	maxWaitMs: number;
	queueRetries: number;
	outputRows: boolean;
	checkFieldNames: boolean;
	/** largest part, in bytes: the file is cut into parts no bigger */
	maxFileBytes: number;
}

export function readRunOptions(fn: IExecuteFunctions): RunOptions {
	const options = fn.getNodeParameter('options', 0, {}) as IDataObject;
	const pollSeconds = Math.max(MIN_POLL_SECONDS, Number(fn.getNodeParameter('pollInterval', 0, 10)) || 10);
	return {
		wait: fn.getNodeParameter('waitForCompletion', 0, true) as boolean,
		pollMs: pollSeconds * 1000,
		maxWaitMs: Math.max(0, Number(options.maxWaitMinutes ?? 120)) * 60_000,
		queueRetries: Math.max(0, Math.floor(Number(options.queueRetries ?? 10))),
		outputRows: options.outputRows !== false,
		checkFieldNames: options.checkFieldNames !== false,
		maxFileBytes: Math.min(MAX_FILE_BYTES, Math.max(MIN_FILE_BYTES, Math.round(Number(options.maxFileMegabytes ?? 10) * 1_000_000) || MAX_FILE_BYTES)),
	};
}

export async function readTarget(context: OperationContext, itemIndex: number): Promise<Target> {
	const { fn, client } = context;
	const lookupField = String(fn.getNodeParameter('lookupField', itemIndex, 'email') ?? '').trim() || 'email';
	const listId = fn.getNodeParameter('addToList', itemIndex, false) ? staticListId(fn, itemIndex) : undefined;
	const chosen = String(fn.getNodeParameter('partitionName', itemIndex, '') ?? '').trim() || undefined;
	const partition = chosen ? partitionNamed(await leadPartitions(client), chosen) : undefined;
	if (chosen && !partition) {
		const known = (await leadPartitions(client)).map((p) => `"${p.name}" (ID ${p.id})`).join(', ');
		throw new NodeOperationError(fn.getNode(), `'Partition': no partition named "${chosen}" on this instance (it has ${known})`, { itemIndex });
	}
	return { lookupField, listId, partitionName: partition?.name };
}

export function describeTarget(target: Target): IDataObject {
	const about: IDataObject = { lookupField: target.lookupField };
	if (target.listId !== undefined) about.listId = target.listId;
	if (target.partitionName) about.partitionName = target.partitionName;
	return about;
}

export function partAbout(part: FilePart, index: number, parts: FilePart[], format: BulkFormat): IDataObject {
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
