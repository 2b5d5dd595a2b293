/**
 * The workflows the browser run creates next to the examples (through n8n's REST API, as the editor would save
 * them): one node per picker to try, a step to run, and the trigger with the export it waits for.
 */
const CREDENTIAL = { marketoApi: { id: 'mktoSandboxCred1', name: 'Marketo Sandbox' } };

interface NodeSpec {
	name: string;
	type?: string;
	parameters: Record<string, unknown>;
}

/** A manual trigger, then each node on its own branch (each can be run alone from its details view). */
export function workflowOf(name: string, nodes: NodeSpec[], options: { trigger?: NodeSpec } = {}): Record<string, unknown> {
	const trigger = options.trigger ?? { name: 'When clicking ‘Execute workflow’', type: 'n8n-nodes-base.manualTrigger', parameters: {} };
	const isMarketoTrigger = trigger.type === 'n8n-nodes-marketo.marketoTrigger';
	const all = [
		{ id: 'ui-trigger', typeVersion: 1, position: [0, 0], ...trigger, type: trigger.type, ...(isMarketoTrigger ? { credentials: CREDENTIAL } : {}) },
		...nodes.map((node, i) => ({
			id: `ui-node-${i}`,
			type: node.type ?? 'n8n-nodes-marketo.marketo',
			typeVersion: 1,
			position: [300, i * 200],
			credentials: CREDENTIAL,
			...node,
		})),
	];
	return {
		name,
		active: false,
		nodes: all,
		connections: { [trigger.name]: { main: [nodes.map((node) => ({ node: node.name, type: 'main', index: 0 }))] } },
		settings: { executionOrder: 'v1' },
	};
}

/** One node per picker filled from Marketo: a static list, a partition, a folder and lead fields. */
export const pickersWorkflow = (): Record<string, unknown> =>
	workflowOf('UI: pickers', [
		{ name: 'Add to list', parameters: { resource: 'listMembership', operation: 'add', list: { __rl: true, mode: 'list', value: '' }, leadId: '1, 999999, 2' } },
		{ name: 'Create or update leads', parameters: { resource: 'lead', operation: 'upsert', action: 'createOrUpdate', lookupField: 'email', dataMode: 'autoMap' } },
		{ name: 'Create list', parameters: { resource: 'staticList', operation: 'create', folder: { __rl: true, mode: 'list', value: '' }, name: 'Browser test list' } },
		{ name: 'Get leads', parameters: { resource: 'lead', operation: 'getAll', filterType: 'email', filterValues: 'lead1@sandbox.example.com, lead2@sandbox.example.com', fields: [] } },
	]);

/** Export Leads as items, its window left at the default (the last 7 days; the sandbox seeds its leads at start). */
export const exportWorkflow = (): Record<string, unknown> =>
	workflowOf('UI: export leads', [
		{
			name: 'Export leads',
			parameters: {
				resource: 'bulkExport',
				operation: 'exportLeads',
				fields: ['email', 'firstName'],
				filterType: 'createdAt',
				output: 'items',
			},
		},
	]);

/** The Marketo Trigger on finished exports, alone. */
export const triggerWorkflow = (): Record<string, unknown> =>
	workflowOf('UI: export finished', [], {
		trigger: { name: 'Marketo Trigger', type: 'n8n-nodes-marketo.marketoTrigger', parameters: { event: 'exportFinished', statuses: ['Completed'] } },
	});
