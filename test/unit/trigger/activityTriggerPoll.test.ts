/**
 * The activity events poll by poll, through the real transport against a scripted Marketo activity log: paging
 * tokens are positions in the log, each page covers a stretch of it in a fixed pattern (300, 117, 60, 300, 42, ...
 * positions, only the requested types returned, so pages are short and may be empty) with `moreResult` true until the
 * end, and n8n's static data is saved only where n8n saves it (activation poll, a poll that emits).
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { pollActivities } from '../../../nodes/MarketoTrigger/activities';
import type { ActivityEvent } from '../../../nodes/MarketoTrigger/activityEvents';
import type { MarketoActivity } from '../../../nodes/MarketoTrigger/activityPoll';
import type { HttpRequest, HttpResponse } from '../../../nodes/Marketo/transport';
import { scriptedMarketo, testNode } from '../helpers/fakeMarketo';

const PAGE_PATTERN = [300, 117, 60, 300, 42];

/** A Marketo activity log, with its clock `offsetMs` from the test's clock, answering the calls the trigger makes. */
function activityLog(offsetMs = 0) {
	const log: MarketoActivity[] = [];
	const deletedLeads = new Set<number>();
	let page = 0;
	let marketoNow = () => 0;
	const answer = (body: Record<string, unknown>): HttpResponse => ({
		statusCode: 200,
		headers: { date: new Date(marketoNow()).toUTCString() },
		body: JSON.stringify({ requestId: 'r#1', success: true, ...body }),
	});
	const respond = (request: HttpRequest): HttpResponse => {
		const url = new URL(request.url);
		const q = url.searchParams;
		if (url.pathname === '/rest/v1/activities/pagingtoken.json') {
			const since = Date.parse(String(q.get('sinceDatetime')));
			const position = log.findIndex((a) => Date.parse(a.activityDate) >= since);
			return answer({ nextPageToken: `P${position < 0 ? log.length : position}` });
		}
		if (url.pathname === '/rest/v1/activities.json' || url.pathname === '/rest/v1/activities/leadchanges.json') {
			const from = Number(String(q.get('nextPageToken')).slice(1));
			const types = new Set((q.get('activityTypeIds') ?? '12,13').split(',').map(Number));
			const size = PAGE_PATTERN[page++ % PAGE_PATTERN.length];
			const to = Math.min(log.length, from + size);
			const result = log.slice(from, to).filter((a) => types.has(a.activityTypeId));
			return answer({ result: result.length > 0 ? result : undefined, nextPageToken: `P${to}`, moreResult: to < log.length });
		}
		if (url.pathname === '/rest/v1/leads.json') {
			const ids = String(q.get('filterValues')).split(',').map(Number);
			if (ids.length > 300) throw new Error('more than 300 ids');
			return answer({ result: ids.filter((id) => !deletedLeads.has(id)).map((id) => ({ id, email: `lead${id}@example.com`, company: 'Acme' })) });
		}
		if (url.pathname === '/rest/v1/activities/types.json') {
			return answer({
				result: [
					{ id: 2, name: 'Fill Out Form', primaryAttribute: { name: 'Webform ID', dataType: 'integer' }, attributes: [{ name: 'Client IP Address', dataType: 'string' }] },
					{ id: 12, name: 'New Lead', attributes: [] },
					{ id: 46, name: 'Interesting Moment', primaryAttribute: { name: 'Milestone ID', dataType: 'integer' }, attributes: [] },
				],
			});
		}
		throw new Error(`unexpected call ${url.pathname}`);
	};
	const marketo = scriptedMarketo(respond);
	marketoNow = () => marketo.clock.now() + offsetMs;
	let guid = 0;
	return {
		...marketo,
		log,
		deletedLeads,
		/** `count` activities happening now on Marketo's clock (distinct leads unless `leadOf` says otherwise) */
		add(count: number, typeId = 12, leadOf: (n: number) => number = (n) => 5000 + n, extra: Partial<MarketoActivity> = {}) {
			for (let i = 0; i < count; i++) {
				guid++;
				log.push({ marketoGUID: `g${guid}`, id: guid, leadId: leadOf(guid), activityDate: new Date(marketoNow()).toISOString().replace(/\.\d{3}Z$/, 'Z'), activityTypeId: typeId, ...extra });
			}
		},
		paths: () => marketo.requests.map((r) => new URL(r.url).pathname),
	};
}

/** n8n's poll context as the trigger uses it; `saved` is the static data as n8n last wrote it to the database. */
function trigger(parameters: Record<string, unknown>) {
	let live: IDataObject = {};
	let saved: IDataObject = {};
	const context = (mode: 'trigger' | 'manual') =>
		({
			getNodeParameter: (name: string, fallback?: unknown) => (parameters[name] === undefined ? fallback : parameters[name]),
			getWorkflowStaticData: () => live,
			getMode: () => mode,
			getNode: () => testNode,
			logger: { warn: () => undefined, debug: () => undefined },
		}) as unknown as IPollFunctions;
	return {
		async poll(marketo: ReturnType<typeof activityLog>, mode: 'trigger' | 'manual' = 'trigger', first = false): Promise<INodeExecutionData[]> {
			const before = marketo.requests.length;
			const result = await marketo.clock.run(pollActivities(context(mode), marketo.client, parameters.event as ActivityEvent, marketo.clock));
			if (mode === 'trigger' && (first || result !== null)) saved = structuredClone(live);
			lastCalls = marketo.requests.length - before;
			return result?.[0] ?? [];
		},
		/** n8n restarts: the static data is what was saved, not what the last polls held in memory */
		restart() {
			live = structuredClone(saved);
		},
		calls: () => lastCalls,
	};
}
let lastCalls = 0;

const guids = (items: INodeExecutionData[]) => items.map((i) => String(i.json.marketoGUID));

describe('activity events, poll by poll (scripted Marketo)', () => {
	it('New Lead: activation fires no history (2 calls), an empty poll costs 1 call, 1,000 new leads fire once each, across a restart', async () => {
		const marketo = activityLog();
		const newLead = trigger({ event: 'newLead' });
		marketo.add(20); // history
		await marketo.clock.run(marketo.clock.sleep(5000));

		expect(await newLead.poll(marketo, 'trigger', true)).toEqual([]);
		// the paging token for now, and the type's name for the items
		expect([newLead.calls(), marketo.paths()]).toEqual([2, ['/rest/v1/activities/pagingtoken.json', '/rest/v1/activities/types.json']]);

		expect(await newLead.poll(marketo)).toEqual([]);
		expect(newLead.calls()).toBe(1);

		marketo.add(1000);
		const fired = await newLead.poll(marketo);
		expect(fired).toHaveLength(1000);
		expect(new Set(guids(fired)).size).toBe(1000);
		expect(guids(fired)[0]).toBe('g21');
		const pageCalls = marketo.paths().filter((p) => p === '/rest/v1/activities.json').length - 1;
		const leadCalls = marketo.paths().filter((p) => p === '/rest/v1/leads.json').length;
		// 8 pages (117, 60, 300, 42, 300, 117, 60 and the last 4 activities: the pattern goes on from the empty poll's
		// page) + 1,000 leads / 300 = 4 lookups
		expect([pageCalls, leadCalls, newLead.calls()]).toEqual([8, 4, 12]);
		expect(fired[0].json).toMatchObject({ activityTypeId: 12, activityType: 'New Lead', leadId: 5021, lead: { id: 5021, email: 'lead5021@example.com', company: 'Acme' } });

		// a poll that found nothing, then a restart: nothing fires twice, what came meanwhile fires
		expect(await newLead.poll(marketo)).toEqual([]);
		newLead.restart();
		marketo.add(3);
		expect(guids(await newLead.poll(marketo))).toEqual(['g1021', 'g1022', 'g1023']);
		expect(await newLead.poll(marketo)).toEqual([]);
		expect(newLead.calls()).toBe(1);
	});

	it("with Marketo's clock 5 minutes behind, activation asks again for Marketo's now: a lead made right after fires, history does not", async () => {
		const marketo = activityLog(-300_000);
		const newLead = trigger({ event: 'newLead' });
		marketo.add(5);
		await marketo.clock.run(marketo.clock.sleep(2000));
		await newLead.poll(marketo, 'trigger', true);
		expect(marketo.paths().filter((p) => p === '/rest/v1/activities/pagingtoken.json')).toHaveLength(2);
		await marketo.clock.run(marketo.clock.sleep(2000));
		marketo.add(1);
		expect(guids(await newLead.poll(marketo))).toEqual(['g6']);
	});

	it('leads are read once per 300 distinct leads, not per activity; a deleted lead leaves lead: null', async () => {
		const marketo = activityLog();
		const formFilled = trigger({ event: 'formFilledOut', leadFields: ['email'] });
		await formFilled.poll(marketo, 'trigger', true);
		marketo.add(600, 2, (n) => 7000 + (n % 3), { primaryAttributeValueId: 1043, primaryAttributeValue: 'Contact Us', attributes: [{ name: 'Client IP Address', value: '10.0.0.1' }] });
		marketo.deletedLeads.add(7002);
		const before = marketo.requests.length;
		const fired = await formFilled.poll(marketo);
		expect(fired).toHaveLength(600);
		expect(marketo.paths().slice(before).filter((p) => p === '/rest/v1/leads.json')).toHaveLength(1);
		expect(fired.find((i) => i.json.leadId === 7002)?.json.lead).toBeNull();
		expect(fired.find((i) => i.json.leadId === 7001)?.json).toMatchObject({
			activityType: 'Fill Out Form',
			primaryAttributeName: 'Webform ID',
			primaryAttributeValue: 'Contact Us',
			'Client IP Address': '10.0.0.1',
			lead: { id: 7001, email: 'lead7001@example.com', company: 'Acme' },
		});
	});

	it('New Activity names the types, filters by type, and an input problem stops before any call', async () => {
		const marketo = activityLog();
		const newActivity = trigger({ event: 'newActivity', activityTypeIds: [46] });
		await newActivity.poll(marketo, 'trigger', true);
		expect(newActivity.calls()).toBe(2); // paging token + type names
		marketo.add(2, 46);
		marketo.add(2, 12);
		const fired = await newActivity.poll(marketo);
		expect(fired.map((i) => [i.json.activityTypeId, i.json.activityType])).toEqual([
			[46, 'Interesting Moment'],
			[46, 'Interesting Moment'],
		]);

		const before = marketo.requests.length;
		await expect(trigger({ event: 'leadChanged', fieldsToWatch: [] }).poll(marketo)).rejects.toThrow("'Watched Field Names or IDs' is empty");
		expect(marketo.requests.length).toBe(before);
	});

	it('Fetch Test Event returns the most recent activity of the kind, or says what to do when there is none', async () => {
		const marketo = activityLog();
		const addedToList = trigger({ event: 'addedToList', list: '1021' });
		await expect(addedToList.poll(marketo, 'manual')).rejects.toThrow('No addition to a list in Marketo in the last 7 days');
		marketo.add(1, 24, undefined, { primaryAttributeValueId: 1021 });
		marketo.add(1, 24, undefined, { primaryAttributeValueId: 1021 });
		marketo.add(1, 24, undefined, { primaryAttributeValueId: 1022 });
		const sample = await addedToList.poll(marketo, 'manual');
		expect(guids(sample)).toEqual(['g2']);
	});
});
