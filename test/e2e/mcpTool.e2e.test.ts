/**
 * The Marketo node as an AI tool: an active workflow in a running n8n exposes two Marketo nodes through n8n's own
 * MCP Server Trigger, and an MCP client (the one AI agents use) lists the tools, reads what a model would read, and
 * calls a static list lookup and an add-to-list. The sandbox's state and request log confirm the calls.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { CREDENTIAL_TYPE, describeSandbox, E2eRig, NEEDS_SANDBOX, newId, type StartedN8n, type Workflow, type WorkflowNode } from './rig';

const MARKETO_TOOL_TYPE = 'n8n-nodes-marketo.marketoTool';
const MCP_PATH = 'marketo-tools';
/** the sandbox's seeded "Foundation Seed List" */
const LIST_ID = 1021;

const LIST_ID_FROM_AI = "={{ $fromAI('listId', 'ID of the static list in Marketo, a whole number', 'number') }}";
const LEAD_ID_FROM_AI = "={{ $fromAI('leadId', 'ID of the lead in Marketo, a whole number', 'number') }}";

function mcpWorkflow(credential: { id: string; name: string }): Workflow {
	const credentials = { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } };
	const tool = (name: string, x: number, parameters: Record<string, unknown>) => ({
		id: newId(8),
		name,
		type: MARKETO_TOOL_TYPE,
		typeVersion: 1,
		position: [x, 200] as [number, number],
		parameters: { descriptionType: 'auto', ...parameters },
		credentials,
	});
	// n8n's MCP Server Trigger (2.x: Streamable HTTP at /mcp/<path>); a webhook node carries a webhookId
	const trigger: WorkflowNode & { webhookId: string } = {
		id: newId(8),
		name: 'MCP Server Trigger',
		type: '@n8n/n8n-nodes-langchain.mcpTrigger',
		typeVersion: 2,
		position: [0, 0],
		webhookId: newId(),
		parameters: { authentication: 'none', path: MCP_PATH },
	};
	const toTrigger = { ai_tool: [[{ node: 'MCP Server Trigger', type: 'ai_tool', index: 0 }]] };
	return {
		id: newId(),
		name: 'Marketo tools over MCP',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			trigger,
			tool('Find static list', -200, { resource: 'staticList', operation: 'get', findBy: 'list', list: { __rl: true, mode: 'id', value: LIST_ID_FROM_AI } }),
			tool('Add lead to list', 200, {
				resource: 'listMembership',
				operation: 'add',
				list: { __rl: true, mode: 'id', value: LIST_ID_FROM_AI },
				leadId: LEAD_ID_FROM_AI,
			}),
		],
		// ai_tool connections (the rig's Workflow type only spells out main ones)
		connections: { 'Find static list': toTrigger, 'Add lead to list': toTrigger } as unknown as Workflow['connections'],
	};
}

/** The text of a tool call's answer (n8n sends the node's output as JSON text). */
function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
	const content = result.content as Array<{ type: string; text?: string }>;
	return content.map((c) => c.text ?? '').join('\n');
}

describeSandbox(NEEDS_SANDBOX.seeds)('the Marketo node as a tool of n8n\'s MCP Server Trigger', () => {
	let rig: E2eRig;
	let n8n: StartedN8n | undefined;
	let client: Client | undefined;
	/** a seeded lead, not in the list yet */
	let leadId = 0;

	beforeAll(async () => {
		rig = await E2eRig.create({ sandbox: { seedLeads: 10, latencyMs: 0 } });
		leadId = rig.sandbox!.leads.scan((lead) => !rig.sandbox!.assets.isMember(LIST_ID, lead.id), 0, 1)[0];
		if (!leadId) throw new Error('the sandbox has no seeded lead outside the list');
		const workflow = mcpWorkflow(rig.credential);
		await rig.importWorkflows([workflow]);
		const activated = await rig.activateWorkflow(workflow.id);
		if (activated.code !== 0) throw new Error(`activating the workflow failed:\n${activated.stdout}\n${activated.stderr}`);
		n8n = await rig.startN8n();

		// the MCP endpoint answers once n8n has registered the active workflow's webhooks, a little after /healthz
		const url = new URL(`${n8n.url}/mcp/${MCP_PATH}`);
		const deadline = Date.now() + 120_000;
		for (;;) {
			const candidate = new Client({ name: 'marketo-e2e', version: '1.0.0' });
			try {
				await candidate.connect(new StreamableHTTPClientTransport(url));
				client = candidate;
				break;
			} catch (error) {
				if (Date.now() > deadline) throw new Error(`MCP endpoint ${url} did not answer: ${String(error)}\n${n8n.output().slice(-3000)}`);
				await new Promise((r) => setTimeout(r, 1_000));
			}
		}
	});

	afterAll(async () => {
		await client?.close().catch(() => undefined);
		await n8n?.stop();
		await rig?.dispose();
	});

	it('lists both Marketo tools, each with its own non-empty description and described arguments', async () => {
		const { tools } = await client!.listTools();
		const byName = new Map(tools.map((t) => [t.name, t]));
		expect([...byName.keys()].sort()).toEqual(['Add_lead_to_list', 'Find_static_list']);

		const descriptions = tools.map((t) => (t.description ?? '').trim());
		for (const description of descriptions) expect(description.length).toBeGreaterThan(10);
		expect(new Set(descriptions).size).toBe(descriptions.length);
		// what n8n generates from the operation's action: what a model reads to pick the tool
		expect(byName.get('Find_static_list')!.description).toMatch(/static list/i);
		expect(byName.get('Add_lead_to_list')!.description).toMatch(/add .*lead.*list/i);

		for (const tool of tools) {
			const properties = (tool.inputSchema.properties ?? {}) as Record<string, { description?: string; type?: string }>;
			expect(Object.keys(properties).length).toBeGreaterThan(0);
			for (const [name, schema] of Object.entries(properties)) {
				expect({ name, description: (schema.description ?? '').trim().length > 0 }).toEqual({ name, description: true });
			}
		}
		expect(Object.keys(byName.get('Add_lead_to_list')!.inputSchema.properties ?? {}).sort()).toEqual(['leadId', 'listId']);
	});

	it('a static list lookup through the tool returns the list, read from Marketo', async () => {
		const before = rig.sandbox!.requestLog.length;
		const result = await client!.callTool({ name: 'Find_static_list', arguments: { listId: LIST_ID } });
		expect(result.isError ?? false).toBe(false);
		const text = textOf(result);
		expect(text).toContain('Foundation Seed List');
		expect(text).toContain(String(LIST_ID));
		const calls = rig.sandbox!.requestLog.slice(before).filter((e) => e.path.startsWith('/rest/'));
		expect(calls.map((e) => `${e.method} ${e.path}`)).toContain(`GET /rest/asset/v1/staticList/${LIST_ID}.json`);
	});

	it('an add-to-list through the tool adds the lead in Marketo and reports its status', async () => {
		expect(rig.sandbox!.assets.isMember(LIST_ID, leadId)).toBe(false);
		const before = rig.sandbox!.requestLog.length;
		const result = await client!.callTool({ name: 'Add_lead_to_list', arguments: { listId: LIST_ID, leadId } });
		expect(result.isError ?? false).toBe(false);
		expect(textOf(result)).toMatch(/"status":\s*"added"/);
		expect(rig.sandbox!.assets.isMember(LIST_ID, leadId)).toBe(true);
		const adds = rig.sandbox!.requestLog.slice(before).filter((e) => e.method === 'POST' && e.path === `/rest/v1/lists/${LIST_ID}/leads.json`);
		expect(adds).toHaveLength(1);
		expect(adds[0].recordCount).toBe(1);
	});
});
