/**
 * Activity > Get Types and Get Many, and the shared activity-log reader, run through the node's router against the
 * in-process sandbox (short pages forced with a small activity scan size).
 */
import { loadOptions } from '../../../nodes/Marketo/methods/loadOptions';
import { readActivities, readLeadChanges } from '../../../nodes/Marketo/actions/shared/activityLog';
import { marketoClient } from '../../../nodes/Marketo/transport';
import { fileSandbox, fromItem, jsonOf as json, nodeHarness, pairedOf as paired, rl, type Json } from '../helpers/nodeHarness';

const SINCE = () => new Date(Date.now() - 3600_000).toISOString();

describe('Activity operations against the sandbox', () => {
	const { sandbox, credential } = fileSandbox({ seedLeads: 500, latencyMs: 0, limits: false });
	const { run, calls, loadOptionsContext } = nodeHarness(sandbox, () => credential());
	// the sandbox is reset before each test, its options are not
	beforeEach(() => {
		sandbox().options.activityScanSize = 1000;
	});
	const getMany = (params: Record<string, unknown>, items: Json[] = [{}], continueOnFail = false) =>
		run({ resource: 'activity', operation: 'getAll', since: SINCE(), leadFilter: 'all', returnAll: true, ...params }, items, { continueOnFail });

	it('Get Types: one item per type, one call whatever the input; the picker lists them by name', async () => {
		const out = await run({ resource: 'activity', operation: 'getTypes' }, [{}, {}, {}]);
		expect(json(out)).toContainEqual(expect.objectContaining({ id: 2, name: 'Fill Out Form', primaryAttribute: { name: 'Webform ID', dataType: 'integer' } }));
		expect(new Set(paired(out))).toEqual(new Set([0]));
		expect(calls('/rest/v1/activities/types.json')).toHaveLength(1);
		const options = await loadOptions.getActivityTypes.call(loadOptionsContext());
		expect(options).toContainEqual({ name: 'Fill Out Form', value: 2, description: 'User fills out and submits form on web page' });
	});

	it('Get Many reads every page to the end, short pages included, and flattens the attributes', async () => {
		sandbox().options.activityScanSize = 100;
		const added = sandbox().addActivities(
			Array.from({ length: 1000 }, (_, i) => ({
				leadId: 1 + (i % 500),
				activityTypeId: i % 4 === 0 ? 1 : 2,
				attributes: { 'Client IP Address': `10.0.0.${i % 250}`, 'Form Fields': `n=${i}` },
			})),
		);
		sandbox().clearLog();
		const out = json(await getMany({ activityTypeIds: [2] }));
		const expected = added.filter((a) => a.activityTypeId === 2).map((a) => a.id);
		expect(out.map((a) => a.id)).toEqual(expected);
		const pages = calls('/rest/v1/activities.json');
		expect(pages.length).toBeGreaterThanOrEqual(10);
		expect(pages.slice(0, -1).every((p) => (p.recordCount ?? 0) < 300)).toBe(true);
		expect(calls('/rest/v1/activities/pagingtoken.json')).toHaveLength(1);
		expect(out[0]).toEqual({
			marketoGUID: String(expected[0]),
			id: expected[0],
			leadId: 2,
			activityDate: expect.any(String),
			activityTypeId: 2,
			activityType: 'Fill Out Form',
			primaryAttributeName: 'Webform ID',
			primaryAttributeValueId: 1001,
			primaryAttributeValue: 'Contact Us Form',
			'Client IP Address': '10.0.0.1',
			'Form Fields': 'n=1',
			attributes: [
				{ name: 'Client IP Address', value: '10.0.0.1' },
				{ name: 'Form Fields', value: 'n=1' },
			],
		});
	});

	it('Limit asks pages no larger than what is missing, so the reader hands back an exact token', async () => {
		sandbox().addActivities(Array.from({ length: 700 }, (_, i) => ({ leadId: 1 + (i % 50), activityTypeId: 2 })));
		sandbox().clearLog();
		expect(json(await getMany({ activityTypeIds: [2], returnAll: false, limit: 350 }))).toHaveLength(350);
		expect(calls('/rest/v1/activities.json').map((c) => c.query.batchSize)).toEqual(['300', '50']);

		// the reader goes on from its token: nothing repeated, nothing skipped
		const client = await marketoClient(loadOptionsContext() as never);
		const first = await readActivities(client, { sinceDatetime: SINCE(), activityTypeIds: [2], limit: 350 });
		expect(first.moreResult).toBe(true);
		const rest = await readActivities(client, { nextPageToken: first.nextPageToken, activityTypeIds: [2] });
		expect(rest.moreResult).toBe(false);
		const ids = [...first.activities, ...rest.activities].map((a) => a.id);
		expect(ids).toHaveLength(700);
		expect(new Set(ids).size).toBe(700);
		// a later read from the last token sees only what came after
		const late = sandbox().addActivities([{ leadId: 9, activityTypeId: 2 }]);
		const next = await readActivities(client, { nextPageToken: rest.nextPageToken, activityTypeIds: [2] });
		expect(next.activities.map((a) => a.id)).toEqual([late[0].id]);
	});

	it('Lead IDs: 95 items make ceil(95/30) = 4 calls, each activity paired to the item of its lead', async () => {
		sandbox().options.activityScanSize = 100000;
		for (let lead = 1; lead <= 100; lead++) sandbox().addActivities([{ leadId: lead, activityTypeId: 2 }, { leadId: lead, activityTypeId: 1 }]);
		const items = Array.from({ length: 95 }, (_, i) => ({ id: 100 - i }));
		sandbox().clearLog();
		const out = await getMany({ activityTypeIds: [1, 2], leadFilter: 'leadIds', leadId: fromItem('id') }, items);
		expect(out).toHaveLength(190);
		const reads = calls('/rest/v1/activities.json');
		expect(reads).toHaveLength(4);
		// the calls run side by side: the sandbox logs them in the order they end
		expect(reads.map((r) => String(r.query.leadIds).split(',').length).sort((a, b) => b - a)).toEqual([30, 30, 30, 5]);
		for (const item of out) expect(item.json.leadId).toBe(items[(item.pairedItem as { item: number }).item].id);
		expect(json(out).slice(0, 2).map((a) => a.activityType)).toEqual(['Fill Out Form', 'Visit Webpage']);
		// a lead named by two items is asked once and reported to both; Limit applies per item
		sandbox().clearLog();
		const twice = await getMany({ activityTypeIds: [2], leadFilter: 'leadIds', leadId: fromItem('id'), returnAll: false, limit: 1 }, [{ id: '7, 8' }, { id: 7 }]);
		expect(json(twice).map((a) => a.leadId)).toEqual([7, 7]);
		expect(paired(twice)).toEqual([0, 1]);
		expect(calls('/rest/v1/activities.json')).toHaveLength(1);
	});

	it('a failed call of 30 leads: with Continue On Fail its items carry the error, the other items their activities', async () => {
		for (let lead = 1; lead <= 60; lead++) sandbox().addActivities([{ leadId: lead, activityTypeId: 2 }]);
		sandbox().injectFault({ path: '/rest/v1/activities.json', kind: 'error', code: 1003, message: 'Sandbox refuses this page' });
		const items = Array.from({ length: 60 }, (_, i) => ({ id: i + 1 }));
		const params = { activityTypeIds: [2], leadFilter: 'leadIds', leadId: fromItem('id') };
		const out = await getMany(params, items, true);
		expect(out).toHaveLength(60);
		const failed = json(out).filter((o) => o.error);
		expect(failed).toHaveLength(30);
		expect(String(failed[0].error)).toMatch(/1003|Sandbox refuses this page/);
		for (const item of out.filter((o) => !o.json.error)) expect(item.json.leadId).toBe(items[(item.pairedItem as { item: number }).item].id);
		// without it, the node stops
		sandbox().injectFault({ path: '/rest/v1/activities.json', kind: 'error', code: 1003, message: 'Sandbox refuses this page' });
		await expect(getMany(params, items)).rejects.toThrow(/Sandbox refuses this page/);
	});

	it('static list: only its members; the list is checked by Marketo (1013 names the list field)', async () => {
		sandbox().assets.addMember(1021, 3);
		sandbox().addActivities([{ leadId: 3, activityTypeId: 2 }, { leadId: 4, activityTypeId: 2 }]);
		const out = json(await getMany({ activityTypeIds: [2, 24], leadFilter: 'list', list: rl('id', 1021) }));
		expect(out.map((a) => [a.leadId, a.activityTypeId])).toEqual([
			[3, 24],
			[3, 2],
		]);
		await expect(getMany({ activityTypeIds: [2], leadFilter: 'list', list: rl('id', 4040) })).rejects.toThrow(/1013/);
	});

	it('bad input fails before any activity call, naming the field', async () => {
		sandbox().clearLog();
		await expect(getMany({ activityTypeIds: [1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13] })).rejects.toThrow(/'Activity Type Names or IDs': Marketo reads at most 10 types/);
		await expect(getMany({ activityTypeIds: [424242] })).rejects.toThrow(/'Activity Type Names or IDs': 424242 is not an activity type/);
		await expect(getMany({ activityTypeIds: [] })).rejects.toThrow(/'Activity Type Names or IDs' is empty/);
		await expect(getMany({ activityTypeIds: [2], since: 'last tuesday' })).rejects.toThrow(/'Since' is not a date/);
		await expect(getMany({ activityTypeIds: [2], since: '' })).rejects.toThrow(/'Since' is empty/);
		await expect(getMany({ activityTypeIds: [2], leadFilter: 'leadIds', leadId: fromItem('id') }, [{ id: 5 }, { id: 'abc' }])).rejects.toThrow(
			/'Lead ID' must be a Marketo ID/,
		);
		expect(calls(/^\/rest\/v1\/activities(\.json|\/pagingtoken\.json)$/)).toHaveLength(0);
		// with Continue On Fail the bad item is reported and the good one is read
		sandbox().addActivities([{ leadId: 5, activityTypeId: 2 }]);
		const out = await getMany({ activityTypeIds: [2], leadFilter: 'leadIds', leadId: fromItem('id') }, [{ id: 5 }, { id: 'abc' }], true);
		expect(json(out)).toEqual([expect.objectContaining({ leadId: 5 }), { error: expect.stringMatching(/'Lead ID'/) }]);
		expect(paired(out)).toEqual([0, 1]);
	});

	it('readLeadChanges follows the same paging for Get Lead Changes', async () => {
		sandbox().options.activityScanSize = 2;
		const token = (await readActivities(await marketoClient(loadOptionsContext() as never), { sinceDatetime: SINCE(), activityTypeIds: [13] })).nextPageToken;
		for (let n = 1; n <= 5; n++) sandbox().leads.update(3, { title: `T${n}` });
		sandbox().leads.update(4, { title: 'A' });
		sandbox().leads.update(4, { title: 'B', city: 'Paris' });
		const client = await marketoClient(loadOptionsContext() as never);
		const read = await readLeadChanges(client, { nextPageToken: token, fields: ['title'], leadIds: [4] });
		expect(read.activities.map((a) => a.fields)).toEqual([
			[{ id: expect.any(Number), name: 'title', newValue: 'A', oldValue: expect.any(String) }],
			[{ id: expect.any(Number), name: 'title', newValue: 'B', oldValue: 'A' }],
		]);
		expect(read.pages).toBeGreaterThan(1);
		expect(read.moreResult).toBe(false);
	});
});
