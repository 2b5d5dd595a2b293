/**
 * Daily Call Budget in a real n8n: the sandbox's daily quota is 300 calls, the credential's budget 80 % of it (240),
 * and another integration (its own API user) has spent 30 calls today. A workflow adding 75,000 lead IDs to a list
 * (250 calls of 300) stops at the budget: the calls before it are made (Marketo's count read at the start and again
 * after 200 calls), the items of the calls after it carry the budget error (Continue On Fail), the sandbox's count
 * never passes 240, and the other integration's calls still succeed afterwards. The sandbox runs at time scale 0.05
 * (a 1 s rate window) so that 240 calls take seconds.
 */
import type { RequestLogEntry } from '../../sandbox';
import { buildWorkflow, describeSandbox, E2eRig, fetchAccessToken, generatedItemsNode, itemsOf, marketoNode } from './rig';

const QUOTA = 300;
const BUDGET = 240;
/** calls the other integration makes before the workflow runs */
const OTHER_FIRST = 30;
const OTHER = { clientId: 'crm-sync-id', clientSecret: 'crm-sync-secret', email: 'crm-sync@sandbox.example.com' };
const IDS_PER_ITEM = 300;
const ITEMS = 250;
const LIST_ID = 1021;

/** `calls` calls of the other integration; returns how many Marketo answered with success. */
async function otherIntegrationCalls(baseUrl: string, calls: number): Promise<number> {
	const token = await fetchAccessToken(baseUrl, OTHER);
	let succeeded = 0;
	for (let i = 0; i < calls; i++) {
		const answer = await fetch(`${baseUrl}/rest/v1/leads/partitions.json`, { headers: { Authorization: `Bearer ${token}` } });
		const body = (await answer.json()) as { success: boolean };
		if (body.success) succeeded++;
	}
	return succeeded;
}

describeSandbox('sets the sandbox daily quota low and reads its count; a real instance’s quota must not be spent')('Daily Call Budget', () => {
	let rig: E2eRig;

	beforeAll(async () => {
		rig = await E2eRig.create({
			sandbox: { timeScale: 0.05, seedLeads: 1000, limits: { dailyQuota: QUOTA }, apiUsers: [OTHER] },
			credential: { dailyBudget: 'percent', dailyBudgetPercent: 80, dailyQuota: QUOTA },
		});
	}, 15 * 60_000);

	afterAll(async () => {
		await rig?.dispose();
	});

	it('a workflow adding 75,000 IDs stops at the budget with the count, the budget and the reset time; the other integration still gets its calls', async () => {
		const sandbox = rig.sandbox!;
		expect(await otherIntegrationCalls(rig.baseUrl, OTHER_FIRST)).toBe(OTHER_FIRST);

		const workflow = buildWorkflow('Daily budget: add 75,000 ids', [
			generatedItemsNode(
				'Lead IDs',
				ITEMS,
				`(i) => ({ id: Array.from({ length: ${IDS_PER_ITEM} }, (_, k) => i * ${IDS_PER_ITEM} + k + 1).join(',') })`,
			),
			marketoNode(
				rig.credential,
				{ resource: 'listMembership', operation: 'add', list: { __rl: true, mode: 'id', value: String(LIST_ID) }, leadId: '={{ $json.id }}' },
				{ onError: 'continueRegularOutput' },
			),
		]);
		const result = await rig.mustExecute(workflow, 10 * 60_000);
		const items = itemsOf(result, 'Marketo');

		const log = sandbox.requestLog as RequestLogEntry[];
		const ofNode = log.filter((e) => e.path.startsWith('/rest/') && e.clientId !== OTHER.clientId);
		const readings = ofNode.filter((e) => e.path === '/rest/v1/stats/usage.json');
		const memberCalls = ofNode.filter((e) => e.path.includes('/leads.json') && e.path.startsWith('/rest/v1/lists/'));
		const usage = (await rig.marketoGet<{ total: number; users: Array<{ userId: string; count: number }> }>('/rest/v1/stats/usage.json'))[0];

		// Marketo's count (the reading above included itself only after answering) stops at the budget
		expect(usage.total).toBeLessThanOrEqual(BUDGET);
		// calls in flight while Marketo's count is read (at most the credential's 5) stay counted by the node, so it
		// may stop up to that many calls early, never late
		expect(usage.total).toBeGreaterThanOrEqual(BUDGET - 5);
		// Marketo's count was read at the start and again every 200 calls
		expect(readings.length).toBe(1 + Math.floor((memberCalls.length - 1) / 200));
		expect(readings.length).toBeGreaterThanOrEqual(2);
		expect(memberCalls.length + readings.length + OTHER_FIRST).toBeLessThanOrEqual(BUDGET);

		// every input item is accounted for, paired: one output per id, sent ones with Marketo's status, the rest with the error
		const sentIds = memberCalls.length * IDS_PER_ITEM;
		expect(items.length).toBe(ITEMS * IDS_PER_ITEM);
		const failed = items.filter((item) => item.json.error !== undefined);
		expect(items.length - failed.length).toBe(sentIds);
		expect(failed.length).toBeGreaterThan(0);
		const message = String(failed[0].json.error);
		expect(message).toMatch(/^Daily Call Budget reached: \d{3} of the 240 Marketo API calls allowed today have been used on this instance/);
		const description = JSON.stringify(failed[0].json);
		expect(description).toMatch(/resets .*US Central time \(midnight\)/);

		// the other integration's calls still go through: the budget left it the rest of the quota
		// what the budget left of the quota, but for the test's own reading above and a margin
		expect(await otherIntegrationCalls(rig.baseUrl, QUOTA - BUDGET - 5)).toBe(QUOTA - BUDGET - 5);
		process.stdout.write(
			`daily budget: ${memberCalls.length} calls of 300 ids and ${readings.length} readings sent, ${failed.length} ids not sent, Marketo's count ${usage.total} of the budget ${BUDGET}; ${message}\n`,
		);
	}, 15 * 60_000);
});
