import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INodeExecutionData } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { errorItem } from '../shared/items';
import { parseId } from '../shared/values';
import { batchIdField } from './fields';
import type { ResultKind } from './jobs';
import { FILE_KINDS, fetchResult, pairedWith, resultRowItems } from './results';

/**
 * Get Failures and Get Warnings: the job's failures or warnings file, as one item with the raw file in a binary
 * property, followed (unless turned off) by one item per row with Marketo's reason.
 */
export function resultFileOperation(spec: { value: string; name: string; action: string; description: string; kind: ResultKind }): OperationDeclaration {
	const { kind } = spec;
	return {
		value: spec.value,
		name: spec.name,
		action: spec.action,
		description: spec.description,
		properties: [
			batchIdField,
			{
				displayName: 'Output Rows as Items',
				name: 'outputRows',
				type: 'boolean',
				default: true,
				description: `Whether to output one item per row with Marketo's reason after the item that holds the file (in the binary property '${kind}')`,
			},
		],
		execute: async (context) => {
			const { fn, client } = context;
			const output: INodeExecutionData[] = [];
			const itemOutput = async (i: number): Promise<INodeExecutionData[]> => {
				const batchId = parseId(fn.getNodeParameter('batchId', i), 'Batch ID');
				const fetched = await fetchResult(fn, client, batchId, kind, undefined, `'Batch ID': import batch ${batchId}.`);
				const fileItem: INodeExecutionData = {
					json: { kind: FILE_KINDS[kind], batchId, rowCount: fetched.rows.length, format: fetched.format },
					binary: { [kind]: fetched.binary },
					pairedItem: { item: i },
				};
				const rows = fn.getNodeParameter('outputRows', i, true) ? resultRowItems(fetched.rows, batchId, kind, () => pairedWith([i])) : [];
				return [fileItem, ...rows];
			};
			for (let i = 0; i < context.items.length; i++) {
				let failure: unknown;
				try {
					// one by one: a result file can hold more rows than a spread may pass as arguments
					for (const row of await itemOutput(i)) output.push(row);
					continue;
				} catch (error) {
					failure = error;
				}
				if (context.continueOnFail) {
					output.push(errorItem(failure, i));
					continue;
				}
				if (failure instanceof NodeApiError || failure instanceof NodeOperationError) throw failure;
				throw new NodeOperationError(fn.getNode(), (failure as Error).message, { itemIndex: i });
			}
			return output;
		},
	};
}
