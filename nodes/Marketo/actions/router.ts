import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { marketoClient } from '../transport';
import { activity } from './activity';
import { bulkExport } from './bulkExport';
import { bulkImport } from './bulkImport';
import { campaign } from './campaign';
import { lead } from './lead';
import { leadPartition } from './leadPartition';
import { listMembership } from './listMembership';
import { program } from './program';
import { programMember } from './programMember';
import { staticList } from './staticList';
import type { ResourceDeclaration } from './types';

/** Every resource the node offers, in menu order. Adding a resource is adding its folder and a line here. */
export const resources: ResourceDeclaration[] = [
	lead,
	leadPartition,
	staticList,
	listMembership,
	campaign,
	program,
	programMember,
	activity,
	bulkImport,
	bulkExport,
];

/** The node's fields, built from the declarations: Resource, then per resource its Operation, then each operation's fields. */
export function buildProperties(): INodeProperties[] {
	// plain identifiers as defaults: n8n's linter reads a member expression as a missing default
	const defaultResource = resources[0].value;
	const properties: INodeProperties[] = [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: resources.map((r) => ({ name: r.name, value: r.value, description: r.description })),
			default: defaultResource,
		},
	];
	for (const resource of resources) {
		const { defaultOperation } = resource;
		properties.push({
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource.value] } },
			options: resource.operations.map((o) => ({
				name: o.name,
				value: o.value,
				action: o.action,
				description: o.description,
			})),
			default: defaultOperation,
		});
		for (const operation of resource.operations) {
			for (const field of operation.properties) {
				const show = { ...field.displayOptions?.show, resource: [resource.value], operation: [operation.value] };
				properties.push({ ...field, displayOptions: { ...field.displayOptions, show } });
			}
		}
	}
	return properties;
}

/**
 * The node's execute(): finds the chosen operation's declaration and runs it over all input items with one client.
 * n8n's declarative routing would send one request per item and cannot retry on Marketo's in-band errors; this
 * router is what lets operations batch records across items through the shared transport.
 */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resourceName = this.getNodeParameter('resource', 0) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = resources
		.find((r) => r.value === resourceName)
		?.operations.find((o) => o.value === operationName);
	if (!operation) {
		throw new NodeOperationError(this.getNode(), `The operation "${operationName}" of "${resourceName}" is not supported`);
	}
	const client = await marketoClient(this);
	const output = await operation.execute({ fn: this, client, items, continueOnFail: this.continueOnFail() });
	return [output];
}
