import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData, IPairedItemData } from 'n8n-workflow';

import type { MarketoClient } from '../../transport';
import type { BulkFormat } from '../shared/csv';
import { MIME_TYPES } from './importFile';
import { parseResultFile, resultFile } from './jobs';
import type { ResultKind, ResultRow } from './jobs';

/** What each output item is, so that a following IF or Filter node can tell jobs and rows apart. */
export const ITEM_KINDS = {
	job: 'importJob',
	failures: 'failedRow',
	warnings: 'warningRow',
} as const;

export const FILE_KINDS: Record<ResultKind, string> = { failures: 'failuresFile', warnings: 'warningsFile' };

export function pairedWith(itemIndexes: number[]): IPairedItemData[] {
	return itemIndexes.map((item) => ({ item }));
}

export interface FetchedResult {
	binary: IBinaryData;
	rows: ResultRow[];
	format: BulkFormat;
}

/** Downloads a failures or warnings file; returns it as n8n binary data and as parsed rows. */
export async function fetchResult(
	fn: IExecuteFunctions,
	client: MarketoClient,
	batchId: number,
	kind: ResultKind,
	format?: BulkFormat,
	errorHint?: string,
): Promise<FetchedResult> {
	const text = await resultFile(client, batchId, kind, errorHint);
	const parsed = parseResultFile(text, format);
	const binary = await fn.helpers.prepareBinaryData(
		Buffer.from(text, 'utf8'),
		`marketo-import-${batchId}-${kind}.${parsed.format}`,
		MIME_TYPES[parsed.format],
	);
	return { binary, rows: parsed.rows, format: parsed.format };
}

/**
 * One output item per failed or warned row: Marketo's reason, the batch, and the row's values. The three fields
 * of the node come first and win over a column of the same name.
 */
export function resultRowItems(
	rows: ResultRow[],
	batchId: number,
	kind: ResultKind,
	pairing: (row: ResultRow) => IPairedItemData[],
): INodeExecutionData[] {
	return rows.map((row) => {
		const own: IDataObject = { kind: ITEM_KINDS[kind], batchId, reason: row.reason };
		return { json: Object.assign({}, own, row.fields, own), pairedItem: pairing(row) };
	});
}

/**
 * Pairs result rows back to the input items they were written from, by their values: the failures file repeats
 * each row as it was sent. A row that cannot be matched (Marketo reformatted a value) is paired with every item of
 * its job.
 */
export class RowPairing {
	private readonly byRow = new Map<string, number[]>();

	constructor(private readonly fallback: number[]) {}

	static key(cells: string[]): string {
		return cells.join('\u0000');
	}

	add(cells: string[], itemIndex: number): void {
		const key = RowPairing.key(cells);
		const list = this.byRow.get(key);
		if (list) list.push(itemIndex);
		else this.byRow.set(key, [itemIndex]);
	}

	pairsOf(row: ResultRow): IPairedItemData[] {
		return pairedWith(this.byRow.get(RowPairing.key(row.cells)) ?? this.fallback);
	}
}
