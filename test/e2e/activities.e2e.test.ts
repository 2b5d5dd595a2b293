/**
 * Activity resource end to end: the packed package in a real n8n. Get Types against the sandbox or a real Marketo;
 * Get Many over a log the sandbox is given (1,000 form fills among 400 page visits, read in at least 4 pages, some
 * short while moreResult is true), and lead IDs from 95 items read 30 per call and paired to their items.
 */
import {
	buildWorkflow,
	E2eRig,
	generatedItemsNode,
	itemsNode,
	itemsOf,
	itSandbox,
	marketoNode,
	NEEDS_SANDBOX,
	outputOf,
	pairedIndexes,
	uniqueEmail,
	type RunResult,
} from './rig';
import type { RequestLogEntry } from '../../sandbox';

const FORM_FILLS = 1000;
const VISITS = 400;
/** Log entries one activities call scans: the 600 form fills in a row fill pages of 300, the mixed part does not. */
const SCAN = 400;
const LEAD_ITEMS = 95;

describe('Marketo activities in a real n8n', () => {
	let rig: E2eRig;
	const since = new Date(Date.now() - 3600_000).toISOString();
	const activityCalls = (): RequestLogEntry[] => (rig.requestLog() ?? []).filter((e) => e.path === '/rest/v1/activities.json');

	beforeAll(async () => {
		rig = await E2eRig.create();
	});
	afterAll(async () => {
		await rig?.dispose();
	});

	it('Get Types lists the instance\u2019s activity types, one item each, in one call', async () => {
		const result = await rig.mustExecute(
			buildWorkflow('Activity types', [itemsNode('Items', [{}, {}]), marketoNode(rig.credential, { resource: 'activity', operation: 'getTypes' })]),
		);
		const types = outputOf(result, 'Marketo');
		expect(types).toContainEqual(expect.objectContaining({ id: 2, name: 'Fill Out Form', primaryAttribute: expect.objectContaining({ name: 'Webform ID' }) }));
		expect(types).toContainEqual(expect.objectContaining({ id: 12, name: 'New Lead' }));
		expect(new Set(types.map((t) => t.id)).size).toBe(types.length);
		rig.sandboxOnly(() => expect((rig.requestLog() ?? []).filter((e) => e.path === '/rest/v1/activities/types.json')).toHaveLength(1));
	});

	it('leads the node creates have their New Lead activity, read by lead ID and paired to the item of its lead', async () => {
		const emails = [uniqueEmail('activity'), uniqueEmail('activity'), uniqueEmail('activity')];
		rig.removeLeadsAfterwards(emails);
		// five minutes back: room for a real instance's clock
		const from = new Date(Date.now() - 300_000).toISOString();
		const readNode = marketoNode(
			rig.credential,
			{ resource: 'activity', operation: 'getAll', activityTypeIds: [12], since: from, leadFilter: 'leadIds', leadId: '={{ $json.id }}', returnAll: true },
			{ name: 'New Lead Activities' },
		);
		const created = await rig.mustExecute(
			buildWorkflow('Activity of new leads', [
				itemsNode('People', emails.map((email, i) => ({ email, firstName: `Act${i}` }))),
				marketoNode(rig.credential, { resource: 'lead', operation: 'upsert', action: 'createOnly', lookupField: 'email', dataMode: 'autoMap' }, { name: 'Create Leads' }),
				readNode,
			]),
		);
		const leads = outputOf(created, 'Create Leads');
		expect(leads.map((l) => l.status)).toEqual(['created', 'created', 'created']);
		let result: RunResult = created;
		// a real instance may log the activity a moment after the lead: read again (each run boots n8n, seconds apart)
		for (let attempt = 0; itemsOf(result, 'New Lead Activities').length < emails.length && attempt < 6; attempt++) {
			result = await rig.mustExecute(buildWorkflow('Activity of new leads, again', [itemsNode('Leads', leads.map((l) => ({ id: l.id }))), readNode]));
		}
		const activities = itemsOf(result, 'New Lead Activities');
		expect(activities).toHaveLength(emails.length);
		for (const item of activities) {
			expect(item.json).toMatchObject({ activityTypeId: 12, activityType: 'New Lead' });
			expect(item.json.leadId).toBe(leads[pairedIndexes(item)[0]].id);
		}
	});

	itSandbox.because(NEEDS_SANDBOX.data)(
		`Get Many reads ${FORM_FILLS} form fills among ${VISITS} visits in 4+ pages, some short, each once`,
		async () => {
			const sb = rig.sandbox!;
			sb.options.activityScanSize = SCAN;
			const formFill = (i: number) => ({
				leadId: 1 + (i % 100),
				activityTypeId: 2,
				primaryAttributeValueId: 1002,
				primaryAttributeValue: 'Webinar Registration Form',
				attributes: { 'Client IP Address': `10.1.0.${i % 200}`, 'Form Fields': `seq=${i}` },
			});
			const visit = (i: number) => ({ leadId: 1 + (i % 100), activityTypeId: 1, attributes: { 'Webpage URL': `/page-${i}.html` } });
			const added = sb.addActivities([
				...Array.from({ length: 600 }, (_, i) => formFill(i)),
				...Array.from({ length: VISITS }, (_, i) => [formFill(600 + i), visit(i)]).flat(),
			]);
			const expected = added.filter((a) => a.activityTypeId === 2).map((a) => a.id);
			expect(expected).toHaveLength(FORM_FILLS);
			sb.clearLog();

			const result = await rig.mustExecute(
				buildWorkflow('Activity get many', [
					itemsNode('Items', [{}]),
					marketoNode(rig.credential, { resource: 'activity', operation: 'getAll', activityTypeIds: [2], since, leadFilter: 'all', returnAll: true }),
				]),
			);
			const out = outputOf(result, 'Marketo');
			expect(out.map((a) => a.id)).toEqual(expected);
			expect(new Set(out.map((a) => a.marketoGUID)).size).toBe(FORM_FILLS);
			expect(out[0]).toMatchObject({
				leadId: 1,
				activityType: 'Fill Out Form',
				primaryAttributeName: 'Webform ID',
				primaryAttributeValue: 'Webinar Registration Form',
				'Client IP Address': '10.1.0.0',
				'Form Fields': 'seq=0',
				attributes: [
					{ name: 'Client IP Address', value: '10.1.0.0' },
					{ name: 'Form Fields', value: 'seq=0' },
				],
			});
			const pages = activityCalls();
			const sizes = pages.map((p) => p.recordCount);
			expect(sizes.reduce((n, s) => n! + s!, 0)).toBe(FORM_FILLS);
			expect(pages.length).toBeGreaterThanOrEqual(4);
			expect(sizes.slice(0, 2)).toEqual([300, 300]);
			// pages shorter than 300 before the last one: the read went on because moreResult was true
			expect(sizes.slice(2, -1).some((s) => s! < 300)).toBe(true);
			// deterministic in the sandbox: 600 form fills in a row, then 400 among 400 visits, 400 entries scanned a call
			expect(sizes).toEqual([300, 300, 200, 200]);
			// in all: the types (to check the chosen ones), one paging token, four pages
			expect((rig.requestLog() ?? []).filter((e) => e.path.startsWith('/rest/')).map((e) => e.path)).toEqual([
				'/rest/v1/activities/types.json',
				'/rest/v1/activities/pagingtoken.json',
				...pages.map((p) => p.path),
			]);
		},
	);

	itSandbox.because(NEEDS_SANDBOX.log)(
		`Lead IDs: ${LEAD_ITEMS} items make ceil(${LEAD_ITEMS}/30) = 4 activity calls, each activity paired to its lead\u2019s item`,
		async () => {
			const sb = rig.sandbox!;
			// the whole log in one scan, and page visits only (4 a lead, 120 for 30 leads): each call of 30 leads is one page
			sb.options.activityScanSize = 100000;
			sb.clearLog();
			const result = await rig.mustExecute(
				buildWorkflow('Activity by lead', [
					generatedItemsNode('Items', LEAD_ITEMS, '(i) => ({ id: 100 - i })'),
					marketoNode(rig.credential, {
						resource: 'activity',
						operation: 'getAll',
						activityTypeIds: [1],
						since,
						leadFilter: 'leadIds',
						leadId: '={{ $json.id }}',
						returnAll: true,
					}),
				]),
			);
			const calls = activityCalls();
			expect(calls).toHaveLength(Math.ceil(LEAD_ITEMS / 30));
			// calls go out in parallel: the log holds them in the order they were answered
			expect(calls.map((c) => String(c.query.leadIds).split(',').length).sort((a, b) => b - a)).toEqual([30, 30, 30, 5]);
			const items = itemsOf(result, 'Marketo');
			const inputs = itemsOf(result, 'Items');
			// leads 6..100: every visit of theirs (4 a lead)
			const perLead = new Map<number, number>();
			expect(items).toHaveLength(LEAD_ITEMS * 4);
			for (const item of items) {
				const [input] = pairedIndexes(item);
				expect(item.json.leadId).toBe(inputs[input].json.id);
				perLead.set(Number(item.json.leadId), (perLead.get(Number(item.json.leadId)) ?? 0) + 1);
			}
			expect([...perLead.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: LEAD_ITEMS }, (_, i) => 6 + i));
			expect(new Set(perLead.values())).toEqual(new Set([4]));
			expect(items.every((i) => i.json.activityType === 'Visit Webpage')).toBe(true);
		},
	);
});
