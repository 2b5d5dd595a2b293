/**
 * Smart campaigns end to end: the packed package in a real n8n against the sandbox. One workflow, one branch per
 * scenario, so one n8n boot covers them. Against a real Marketo this file is skipped: requesting a campaign needs an
 * active campaign with a "Campaign is Requested" / Web Service API trigger, which the API can neither create nor
 * activate with that trigger, and running one would send its flow (emails, score changes) to real leads.
 */
import {
	buildWorkflow,
	describeFailure,
	describeSandbox,
	E2eRig,
	generatedItemsNode,
	itemsNode,
	itemsOf,
	marketoNode,
	pairedIndexes,
	ran,
	rl,
	taskOf,
	type NodeSpec,
	type RunResult,
} from './rig';
import type { RequestLogEntry } from '../../sandbox';

const LEADS = 1000;
const REQUESTABLE = 1001;
/** A trigger campaign whose smart list has no Campaign is Requested trigger (seeded). */
const NOT_REQUESTABLE = 1003;
const BATCH = 1002;

type Json = Record<string, unknown>;

describe('Marketo smart campaigns in a real n8n', () => {
	let rig: E2eRig;
	const node = (name: string, parameters: Json, options: Parameters<typeof marketoNode>[2] = {}): NodeSpec =>
		marketoNode(rig.credential, { resource: 'campaign', ...parameters }, { ...options, name });

	beforeAll(async () => {
		rig = await E2eRig.create({ sandbox: { seedLeads: LEADS + 100 } });
	});

	afterAll(async () => {
		await rig?.dispose();
	});

	it('Get Many returns the campaigns Marketo lists, and Get each of them by ID (any instance: reads only)', async () => {
		const direct = await rig.marketoGet<{ id: number; name: string }>('/rest/v1/campaigns.json', { batchSize: '300' });
		const first = direct.slice(0, 5);
		const run = await rig.execute(
			buildWorkflow(
				'campaign reads',
				[node('List Campaigns', { operation: 'getAll', name: '', programName: '', workspaceName: '', requestableOnly: false, activeOnly: false, returnAll: false, limit: 300 })],
				[itemsNode('Ids', first.map((c) => ({ id: c.id }))), node('Get Each', { operation: 'get', campaign: rl('id', '={{ $json.id }}') })],
			),
		);
		if (!run.ok) throw new Error(`campaign reads failed:\n${describeFailure(run)}`);
		expect(itemsOf(run, 'List Campaigns').map((i) => i.json.id)).toEqual(direct.map((c) => c.id));
		// an instance without campaigns gives the Get branch no item, so it does not run
		const got = ran(run, 'Get Each') ? itemsOf(run, 'Get Each') : [];
		expect(got.map((i) => [i.json.id, i.json.name])).toEqual(first.map((c) => [c.id, c.name]));
	});

	describeSandbox("needs a requestable campaign (the API cannot add a 'Campaign is Requested' trigger) and would run real flows")('requests and schedules', () => {
		let result: RunResult;
		let log: RequestLogEntry[];
		const badTokens = { token: [{ name: 'my.Webinar Link', value: 'https://example.com/w' }] };

		beforeAll(async () => {
			const workflow = buildWorkflow(
				'smart campaigns',
				[
					generatedItemsNode('Leads', LEADS, '(i) => ({ id: i + 1 })'),
					// the token's value is the same for every item here (an expression of no item field), so all share calls
					node('Request 1000', { operation: 'request', campaign: rl('list', REQUESTABLE), leadId: '={{ $json.id }}', tokens: { token: [{ name: '{{my.Topic}}', value: 'Automation' }] } }),
				],
				[
					itemsNode('Two Leads', [{ id: 1 }, { id: 2 }]),
					node('Request Refused', { operation: 'request', campaign: rl('id', NOT_REQUESTABLE), leadId: '={{ $json.id }}', tokens: {} }, { onError: 'continueRegularOutput' }),
				],
				[
					itemsNode('Bad Token Leads', [{ id: 3 }]),
					node('Request Bad Token', { operation: 'request', campaign: rl('id', REQUESTABLE), leadId: '={{ $json.id }}', tokens: badTokens }, { onError: 'continueRegularOutput' }),
				],
				[node('Schedule', { operation: 'schedule', campaign: rl('url', `https://app-ab12.marketo.com/#SC${BATCH}A1`), runAt: '', tokens: {}, cloneToProgramName: '' })],
				[node('Get Requestable', { operation: 'getAll', name: '', programName: '', workspaceName: '', requestableOnly: true, activeOnly: false, returnAll: true })],
				[node('Get One', { operation: 'get', campaign: rl('id', REQUESTABLE) })],
			);
			rig.sandbox!.clearLog();
			result = await rig.execute(workflow);
			log = [...rig.sandbox!.requestLog];
			if (!result.ok) throw new Error(`campaign workflow failed:\n${describeFailure(result)}`);
			// the figure the README quotes: n8n's own time for the node, not asserted (a loaded machine varies)
			process.stderr.write(`[e2e] Request 1000 items: node time ${taskOf(result, 'Request 1000').executionTime} ms\n`);
		});

		it('Request for 1,000 items makes exactly 10 trigger calls of 100 leads', () => {
			const calls = log.filter((e) => e.path === `/rest/v1/campaigns/${REQUESTABLE}/trigger.json`);
			expect(calls.map((c) => c.recordCount)).toEqual(Array(10).fill(100));
			expect(calls.every((c) => c.method === 'POST' && c.status === 200 && c.code === null)).toBe(true);
			// the campaign ran once for every lead, with the token
			expect([...rig.sandbox!.campaigns.leadsRequested(REQUESTABLE)].sort((a, b) => a - b)).toEqual(Array.from({ length: LEADS }, (_, i) => i + 1));
			expect(rig.sandbox!.campaigns.requests.every((r) => r.tokens[0]?.name === '{{my.Topic}}' && r.tokens[0].value === 'Automation')).toBe(true);
		});

		it('every one of the 1,000 items is paired to its input and reported requested', () => {
			const items = itemsOf(result, 'Request 1000');
			expect(items).toHaveLength(LEADS);
			items.forEach((item, i) => {
				expect(pairedIndexes(item)).toEqual([i]);
				expect(item.json).toEqual({ campaignId: REQUESTABLE, leadId: i + 1, status: 'requested', reasonCode: '', reasonMessage: '', reasons: [] });
			});
		});

		it('a campaign without the Campaign is Requested / Web Service API trigger: each item says so and how to fix it', () => {
			const items = itemsOf(result, 'Request Refused');
			expect(items.map((i) => pairedIndexes(i)[0])).toEqual([0, 1]);
			for (const item of items) {
				expect(String(item.json.error)).toContain(
					`campaign ${NOT_REQUESTABLE} cannot be requested through the API: it must be active and have a 'Campaign is Requested' trigger with source 'Web Service API'`,
				);
				expect(String(item.json.errorDescription)).toContain('add that trigger on its Smart List tab, then activate the campaign on its Schedule tab');
			}
			expect(rig.sandbox!.campaigns.leadsRequested(NOT_REQUESTABLE)).toEqual([]);
		});

		it('a token name without its {{my.…}} braces is refused before any call, naming the field', () => {
			const items = itemsOf(result, 'Request Bad Token');
			expect(items).toHaveLength(1);
			expect(String(items[0].json.error)).toContain(`'My Tokens': the name "my.Webinar Link" must look like {{my.Name}}`);
			// lead 3 is in no call: the 10 calls of the 1,000-item run carried 1,000 leads, and nothing else ran
			expect(log.filter((e) => e.path.endsWith('/trigger.json')).map((c) => c.recordCount).sort((a, b) => Number(b) - Number(a))).toEqual([...Array(10).fill(100), 2]);
		});

		it('Schedule takes the campaign from its URL and makes one schedule call; Get Many and Get read the campaigns', () => {
			expect(itemsOf(result, 'Schedule').map((i) => i.json)).toEqual([{ campaignId: BATCH, scheduled: true, scheduledCampaignId: BATCH, runAt: null }]);
			expect(log.filter((e) => e.path === `/rest/v1/campaigns/${BATCH}/schedule.json`)).toHaveLength(1);
			expect(rig.sandbox!.campaigns.schedules).toEqual([expect.objectContaining({ campaignId: BATCH })]);
			expect(itemsOf(result, 'Get Requestable').map((i) => i.json.id)).toEqual([1001, 1005]);
			expect(itemsOf(result, 'Get One')[0].json).toEqual(expect.objectContaining({ id: REQUESTABLE, name: 'Webinar Confirmation', type: 'trigger' }));
		});
	});
});
