import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { MarketoClient } from '../transport';

/** What an operation gets to run: n8n's execute context, the Marketo client and every input item. */
export interface OperationContext {
	fn: IExecuteFunctions;
	client: MarketoClient;
	items: INodeExecutionData[];
	continueOnFail: boolean;
}

/**
 * One operation, declared as data: its entry in the Operation list, its fields, and the Marketo call behind it.
 * Fields are declared without the resource/operation display options; the router adds them.
 */
export interface OperationDeclaration {
	value: string;
	name: string;
	/** the sentence n8n shows in the node picker and to AI agents, e.g. "Update lead partitions" */
	action: string;
	description: string;
	properties: INodeProperties[];
	/** runs over all input items at once (so records can be batched across items); every output item is paired */
	execute: (context: OperationContext) => Promise<INodeExecutionData[]>;
}

export interface ResourceDeclaration {
	value: string;
	name: string;
	description: string;
	operations: OperationDeclaration[];
	/** the operation selected when the resource is picked */
	defaultOperation: string;
}
