import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { BatchEntry, BatchOutcome } from '../../transport';
import type { OperationContext } from '../types';
import { explainEmptyValue } from './missingFields';

/** An output item paired to the input item it came from. */
export function paired(json: IDataObject, itemIndex: number): INodeExecutionData {
	return { json, pairedItem: { item: itemIndex } };
}

function errorMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** An error reading an item's parameters, with the input field an expression missed when the value was empty. */
function inputError(context: OperationContext, error: unknown, itemIndex: number): unknown {
	return explainEmptyValue(error, context.fn.getNode().parameters, context.items[itemIndex], itemIndex);
}

/** The error to stop the node with, keeping n8n's error classes and naming the item. */
function asNodeError(context: OperationContext, error: unknown, itemIndex: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context && error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	// keep the reason n8n's own errors carry (e.g. a mapped value of the wrong type)
	const description = (error as { description?: unknown } | undefined)?.description;
	return new NodeOperationError(context.fn.getNode(), errorMessage(error), { itemIndex, ...(typeof description === 'string' && description ? { description } : {}) });
}

/** The output item for an item that failed while "Continue On Fail" is on. */
export function errorItem(error: unknown, itemIndex: number, extra: IDataObject = {}): INodeExecutionData {
	const description = (error as NodeApiError)?.description;
	return paired({ ...extra, error: errorMessage(error), ...(description ? { errorDescription: description } : {}) }, itemIndex);
}

/**
 * Runs `handler` for each input item in turn (operations that make one call per item: reads by filter, Get Many).
 * A failing item stops the node, or with "Continue On Fail" becomes an error item.
 */
export async function forEachItem(
	context: OperationContext,
	handler: (itemIndex: number) => Promise<IDataObject | IDataObject[]>,
): Promise<INodeExecutionData[]> {
	return await forEachCheckedItem(context, (i) => i, async (i) => await handler(i));
}

/**
 * Like forEachItem, in two passes: `read` takes every item's parameters and checks them first, so that bad input
 * in item 5 stops the node before items 1 to 4 have created, changed or deleted anything in Marketo; then `call`
 * runs for each item that read well. `read` may make read-only calls (checking field names against the instance).
 * With "Continue On Fail" a bad item becomes an error item and the rest run.
 */
export async function forEachCheckedItem<P>(
	context: OperationContext,
	read: (itemIndex: number) => P | Promise<P>,
	call: (input: P, itemIndex: number) => Promise<IDataObject | IDataObject[]>,
): Promise<INodeExecutionData[]> {
	const inputs: Array<{ input: P } | { rejected: INodeExecutionData }> = [];
	for (let i = 0; i < context.items.length; i++) {
		try {
			inputs.push({ input: await read(i) });
		} catch (caught) {
			const error = inputError(context, caught, i);
			if (!context.continueOnFail) throw asNodeError(context, error, i);
			inputs.push({ rejected: errorItem(error, i) });
		}
	}
	const output: INodeExecutionData[] = [];
	for (let i = 0; i < inputs.length; i++) {
		const slot = inputs[i];
		if ('rejected' in slot) {
			output.push(slot.rejected);
			continue;
		}
		try {
			const result = await call(slot.input, i);
			for (const json of Array.isArray(result) ? result : [result]) output.push(paired(json, i));
		} catch (error) {
			if (!context.continueOnFail) throw asNodeError(context, error, i);
			output.push(errorItem(error, i));
		}
	}
	return output;
}

/**
 * Reads one record per input item, before any call is made, so that bad input is reported naming the field and
 * the item. With "Continue On Fail" the bad items become error items and the rest are still sent.
 */
export function collectEntries<R>(
	context: OperationContext,
	read: (itemIndex: number) => R | R[],
): { entries: Array<BatchEntry<R>>; rejected: Map<number, INodeExecutionData> } {
	const entries: Array<BatchEntry<R>> = [];
	const rejected = new Map<number, INodeExecutionData>();
	for (let i = 0; i < context.items.length; i++) {
		try {
			const records = read(i);
			for (const record of Array.isArray(records) ? records : [records]) entries.push({ itemIndex: i, record });
		} catch (caught) {
			const error = inputError(context, caught, i);
			if (!context.continueOnFail) throw asNodeError(context, error, i);
			rejected.set(i, errorItem(error, i));
		}
	}
	return { entries, rejected };
}

/** Marketo's per-record result (`{id, status, reasons}`) as output fields. */
export interface RecordResult {
	id?: number;
	status?: string;
	reasons?: Array<{ code?: string | number; message?: string }>;
	/** the Swagger files spell it `reason` (one object) */
	reason?: { code?: string | number; message?: string };
	[key: string]: IDataObject[keyof IDataObject];
}

/**
 * Marketo's per-record result as an output row: what identifies the record, then status, reasonCode and
 * reasonMessage (the columns a person reads), then every reason. Every row has the same columns, empty where
 * Marketo gave no reason, so that n8n's table shows no "undefined" cells for the records that went through.
 */
export function recordResultJson(result: RecordResult): IDataObject {
	const { status, reasons: given, reason, ...rest } = result;
	const reasons = (given ?? (reason ? [reason] : [])).map((r) => ({ code: String(r.code ?? ''), message: r.message ?? '' }));
	return {
		...rest,
		...(status !== undefined ? { status } : {}),
		reasonCode: reasons[0]?.code ?? '',
		reasonMessage: reasons[0]?.message ?? '',
		reasons,
	};
}

/**
 * Output items for batched records, in input order: one per record (so at least one per input item, rejected
 * input included), with Marketo's per-record status and reason merged over what identifies the record.
 */
export function outcomeItems<R>(
	context: OperationContext,
	outcomes: Array<BatchOutcome<R, RecordResult>>,
	rejected: Map<number, INodeExecutionData>,
	identify: (record: R) => IDataObject,
	render: (record: R, result: RecordResult) => IDataObject = (record, result) => ({ ...identify(record), ...recordResultJson(result) }),
): INodeExecutionData[] {
	const output: Array<{ itemIndex: number; item: INodeExecutionData }> = [...rejected.entries()].map(
		([itemIndex, item]) => ({ itemIndex, item }),
	);
	for (const outcome of outcomes) {
		const { itemIndex, record } = outcome.entry;
		if (outcome.error) {
			if (!context.continueOnFail) throw asNodeError(context, outcome.error, itemIndex);
			output.push({ itemIndex, item: errorItem(outcome.error, itemIndex, identify(record)) });
		} else {
			output.push({ itemIndex, item: paired(render(record, outcome.result ?? {}), itemIndex) });
		}
	}
	// stable sort: records of one item keep their order
	return output.sort((a, b) => a.itemIndex - b.itemIndex).map((o) => o.item);
}
