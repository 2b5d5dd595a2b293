import { type Api, startSandbox } from './helpers';

type Page = { success: boolean; result?: any[]; nextPageToken: string; moreResult: boolean; errors?: { code: string }[] };

/** Follows activities.json from a token until moreResult is false; returns every page. */
async function readAll(api: Api, token: string, query: Record<string, string | number>, path = '/rest/v1/activities.json'): Promise<Page[]> {
	const pages: Page[] = [];
	let next = token;
	for (;;) {
		const page: Page = await api.get(path, { ...query, nextPageToken: next });
		expect(page.success).toBe(true);
		expect(typeof page.nextPageToken).toBe('string');
		pages.push(page);
		next = page.nextPageToken;
		if (!page.moreResult) return pages;
		if (pages.length > 1000) throw new Error('paging does not end');
	}
}

async function tokenSince(api: Api, since: string | Date): Promise<string> {
	const r = await api.get('/rest/v1/activities/pagingtoken.json', { sinceDatetime: typeof since === 'string' ? since : since.toISOString() });
	expect(r).toEqual({ requestId: expect.any(String), success: true, nextPageToken: expect.any(String) });
	return r.nextPageToken;
}

describe('sandbox activities', () => {
	let api: Api;
	beforeEach(async () => {
		api = await startSandbox({ seedLeads: 200 });
	});
	afterEach(async () => api.stop());

	it('lists the standard activity types with their primary attribute and attributes', async () => {
		const r = await api.get('/rest/v1/activities/types.json');
		expect(r.success).toBe(true);
		const byId = new Map(r.result.map((t: { id: number }) => [t.id, t]));
		for (const id of [1, 2, 3, 6, 10, 11, 12, 13, 22, 24, 25]) expect(byId.has(id)).toBe(true);
		expect(byId.get(2)).toMatchObject({ name: 'Fill Out Form', primaryAttribute: { name: 'Webform ID', dataType: 'integer' } });
		expect((byId.get(2) as any).attributes).toContainEqual({ name: 'Form Fields', dataType: 'text' });
		expect(byId.get(13)).toMatchObject({ name: 'Change Data Value', primaryAttribute: { name: 'Attribute Name' } });
		expect(byId.get(24)).toMatchObject({ name: 'Add to List', primaryAttribute: { name: 'List ID' } });
	});

	it('pages through 1,000 activities with short pages while moreResult is true: nothing skipped, nothing twice', async () => {
		api.sb.options.activityScanSize = 120;
		const start = new Date(Date.now() - 1000);
		// form fills and web visits interleaved: only the form fills are asked for
		const added = api.sb.addActivities(
			Array.from({ length: 2000 }, (_, i) => ({ leadId: 1 + (i % 200), activityTypeId: i % 2 ? 1 : 2 })),
		);
		const pages = await readAll(api, await tokenSince(api, start), { activityTypeIds: 2 });
		const ids = pages.flatMap((p) => p.result!.map((a) => a.id));
		const expected = added.filter((a) => a.activityTypeId === 2).map((a) => a.id);
		expect(ids).toEqual(expected);
		expect(new Set(ids).size).toBe(1000);
		// 120 log entries per call hold 60 form fills: every page but the last is short with moreResult true
		expect(pages.length).toBeGreaterThanOrEqual(16);
		expect(pages.slice(0, -1).every((p) => p.result!.length < 300 && p.moreResult)).toBe(true);
		const form = pages[0].result![0];
		expect(form).toEqual({
			id: expect.any(Number),
			marketoGUID: String(form.id),
			leadId: 1,
			activityDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
			activityTypeId: 2,
			primaryAttributeValueId: 1001,
			primaryAttributeValue: 'Contact Us Form',
			attributes: [],
		});
	});

	it('fills pages of batchSize (300 at most) when the scan allows it', async () => {
		api.sb.addActivities(Array.from({ length: 700 }, (_, i) => ({ leadId: 1 + (i % 50), activityTypeId: 2 })));
		const token = await tokenSince(api, new Date(Date.now() - 60000));
		const pages = await readAll(api, token, { activityTypeIds: '2' });
		expect(pages.map((p) => p.result!.length)).toEqual([300, 300, 100]);
		const small = await readAll(api, token, { activityTypeIds: '2', batchSize: 250 });
		expect(small.map((p) => p.result!.length)).toEqual([250, 250, 200]);
		expect((await api.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: 2, batchSize: 301 })).errors[0].code).toBe('1003');
	});

	it('activities added after a token was handed out appear on later pages', async () => {
		const token = await tokenSince(api, new Date(Date.now() - 1000));
		const first = await readAll(api, token, { activityTypeIds: '1,2' });
		expect(first.flatMap((p) => p.result!)).toEqual([]);
		const last = first.at(-1)!.nextPageToken;
		const added = api.sb.addActivities([
			{ leadId: 5, activityTypeId: 1, primaryAttributeValue: 'www.example.com/a.html', attributes: { 'Webpage URL': '/a.html' } },
			{ leadId: 6, activityTypeId: 2, primaryAttributeValueId: 1002, primaryAttributeValue: 'Webinar Registration Form' },
		]);
		const second = await readAll(api, last, { activityTypeIds: '1,2' });
		expect(second.flatMap((p) => p.result!.map((a) => a.id))).toEqual(added.map((a) => a.id));
		expect(second[0].result![0].attributes).toEqual([{ name: 'Webpage URL', value: '/a.html' }]);
		// read again from where the second read ended: nothing new, nothing repeated
		const third = await readAll(api, second.at(-1)!.nextPageToken, { activityTypeIds: '1,2' });
		expect(third.flatMap((p) => p.result!)).toEqual([]);
		// a token for a time after the activities sees none of them
		const later = await readAll(api, await tokenSince(api, new Date(Date.now() + 60000)), { activityTypeIds: '1,2' });
		expect(later.flatMap((p) => p.result!)).toEqual([]);
	});

	it('records New Lead, Change Data Value per changed field, Add to List and Remove from List', async () => {
		const token = await tokenSince(api, new Date(Date.now() - 1000));
		const created = await api.post('/rest/v1/leads.json', { input: [{ email: 'ana@example.com', firstName: 'Ana' }] });
		const id = created.result[0].id;
		await api.post('/rest/v1/leads.json', { input: [{ email: 'ana@example.com', firstName: 'Anna', lastName: 'Diaz' }] });
		await api.post('/rest/v1/leads.json', { input: [{ email: 'ana@example.com', firstName: 'Anna' }] }); // no change: no activity
		await api.post('/rest/v1/lists/1021/leads.json', { input: [{ id }] });
		await api.post('/rest/v1/lists/1021/leads.json', { input: [{ id }] }); // already a member: no activity
		await api.call('DELETE', `/rest/v1/lists/1021/leads.json?id=${id}`);
		const acts = (await readAll(api, token, { activityTypeIds: '12,13,24,25' })).flatMap((p) => p.result!);
		expect(acts.map((a) => [a.activityTypeId, a.leadId, a.primaryAttributeValue ?? null])).toEqual([
			[12, id, null],
			[13, id, 'First Name'],
			[13, id, 'Last Name'],
			[24, id, 'Foundation Seed List'],
			[25, id, 'Foundation Seed List'],
		]);
		expect(acts[1].attributes).toEqual(expect.arrayContaining([{ name: 'New Value', value: 'Anna' }, { name: 'Old Value', value: 'Ana' }]));
		expect(acts[3].primaryAttributeValueId).toBe(1021);
		// a seeded lead's change is recorded with its seeded value as the old one
		await api.post('/rest/v1/leads.json', { input: [{ email: 'lead7@sandbox.example.com', title: 'CEO' }] });
		const seededChange = (await readAll(api, token, { activityTypeIds: 13, leadIds: 7 })).flatMap((p) => p.result!);
		expect(seededChange).toHaveLength(1);
		expect(seededChange[0].attributes).toContainEqual({ name: 'New Value', value: 'CEO' });
	});

	it('narrows by leadIds (30 at most) and by static list members', async () => {
		api.sb.addActivities(Array.from({ length: 100 }, (_, i) => ({ leadId: 1 + i, activityTypeId: 2 })));
		await api.post('/rest/v1/lists/1022/leads.json', { input: [{ id: 10 }, { id: 20 }] });
		const token = await tokenSince(api, new Date(Date.now() - 60000));
		const byLead = (await readAll(api, token, { activityTypeIds: 2, leadIds: '3,4,99' })).flatMap((p) => p.result!);
		expect(byLead.map((a) => a.leadId)).toEqual([3, 4, 99]);
		const byList = (await readAll(api, token, { activityTypeIds: 2, listId: 1022 })).flatMap((p) => p.result!);
		expect(byList.map((a) => a.leadId)).toEqual([10, 20]);
		const thirty = Array.from({ length: 30 }, (_, i) => i + 1).join(',');
		expect((await api.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: 2, leadIds: thirty })).success).toBe(true);
		const tooMany = await api.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: 2, leadIds: `${thirty},31` });
		expect(tooMany.errors[0].code).toBe('1003');
		expect((await api.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: 2, listId: 4242 })).errors[0].code).toBe('1013');
	});

	it('refuses more than 10 types, no types, unknown types and bad tokens with 1003', async () => {
		const token = await tokenSince(api, '2026-01-01T00:00:00Z');
		const ten = [1, 2, 3, 6, 7, 8, 9, 10, 11, 12];
		expect((await api.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: ten.join(',') })).success).toBe(true);
		const codes = await Promise.all([
			api.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: [...ten, 13].join(',') }),
			api.get('/rest/v1/activities.json', { nextPageToken: token }),
			api.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: 99999 }),
			api.get('/rest/v1/activities.json', { nextPageToken: 'NOTATOKEN', activityTypeIds: 1 }),
			api.get('/rest/v1/activities.json', { activityTypeIds: 1 }),
			api.get('/rest/v1/activities/pagingtoken.json'),
			api.get('/rest/v1/activities/pagingtoken.json', { sinceDatetime: 'yesterday' }),
		]);
		expect(codes.map((r) => r.errors?.[0]?.code)).toEqual(['1003', '1003', '1003', '1003', '1003', '1003', '1003']);
		// a token of another paging (lead reads) is not an activity position
		const leadsPage = await api.get('/rest/v1/leads.json', { filterType: 'leadPartitionId', filterValues: '1', batchSize: 1 });
		expect((await api.get('/rest/v1/activities.json', { nextPageToken: leadsPage.nextPageToken, activityTypeIds: 1 })).errors[0].code).toBe('1003');
	});

	it('lead changes: the asked fields only, fields required (1003), unknown field 1006, with New Lead records', async () => {
		const token = await tokenSince(api, new Date(Date.now() - 1000));
		const created = await api.post('/rest/v1/leads.json', { input: [{ email: 'li@example.com', firstName: 'Li', company: 'Acme' }] });
		const id = created.result[0].id;
		await api.post('/rest/v1/leads.json', { input: [{ email: 'li@example.com', firstName: 'Lee', company: 'Globex' }] });
		const pages = await readAll(api, token, { fields: 'company' }, '/rest/v1/activities/leadchanges.json');
		const changes = pages.flatMap((p) => p.result!);
		expect(changes).toEqual([
			expect.objectContaining({ leadId: id, activityTypeId: 12, fields: [{ id: expect.any(Number), name: 'company', newValue: 'Acme', oldValue: null }] }),
			{
				id: expect.any(Number),
				marketoGUID: expect.any(String),
				leadId: id,
				activityDate: expect.any(String),
				activityTypeId: 13,
				fields: [{ id: expect.any(Number), name: 'company', newValue: 'Globex', oldValue: 'Acme' }],
				attributes: expect.arrayContaining([{ name: 'Reason', value: 'Web service API' }]),
			},
		]);
		const missing = await api.get('/rest/v1/activities/leadchanges.json', { nextPageToken: token });
		expect(missing.errors[0].code).toBe('1003');
		const unknown = await api.get('/rest/v1/activities/leadchanges.json', { nextPageToken: token, fields: 'shoeSize' });
		expect(unknown.errors[0].code).toBe('1006');
		const tooMany = await api.get('/rest/v1/activities/leadchanges.json', {
			nextPageToken: token,
			fields: 'company',
			leadIds: Array.from({ length: 31 }, (_, i) => i + 1).join(','),
		});
		expect(tooMany.errors[0].code).toBe('1003');
	});

	it('goes through the request log, faults and the admin API like every route', async () => {
		api.sb.clearLog();
		const token = await tokenSince(api, new Date(Date.now() - 1000));
		api.sb.injectFault({ path: '/rest/v1/activities.json', kind: 'error', code: 606 });
		expect((await api.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: 2 })).errors[0].code).toBe('606');

		const admin = await fetch(`${api.url}/__sandbox/activities`, {
			method: 'POST',
			body: JSON.stringify({ activities: [{ leadId: 3, activityTypeId: 2 }, { leadId: 4, activityTypeId: 2, attributes: [{ name: 'Form Fields', value: 'a=b' }] }] }),
		});
		expect(await admin.json()).toEqual({ ok: true, count: 2, ids: [expect.any(Number), expect.any(Number)] });
		const scan = await fetch(`${api.url}/__sandbox/activity-scan-size`, { method: 'POST', body: JSON.stringify({ size: 1 }) });
		expect(await scan.json()).toEqual({ ok: true, activityScanSize: 1 });
		const bad = await fetch(`${api.url}/__sandbox/activities`, { method: 'POST', body: JSON.stringify([{ leadId: 3, activityTypeId: 424242 }]) });
		expect(bad.status).toBe(400);

		const pages = await readAll(api, token, { activityTypeIds: 2 });
		expect(pages.map((p) => p.result!.length)).toEqual([1, 1]);
		const log = api.sb.requestLog.filter((e) => e.path === '/rest/v1/activities.json');
		expect(log.map((e) => [e.code, e.recordCount])).toEqual([
			['606', null],
			[null, 1],
			[null, 1],
		]);
	});

	it("activities happen on Marketo's clock: a clock offset shifts their times", async () => {
		await api.stop();
		api = await startSandbox({ seedLeads: 10, clockOffsetSeconds: -3600 });
		const [added] = api.sb.addActivities([{ leadId: 1, activityTypeId: 2 }]);
		const lag = Date.now() - Date.parse(String(added.activityDate));
		expect(lag).toBeGreaterThanOrEqual(3599_000);
		expect(lag).toBeLessThan(3700_000);
		// a token for "30 minutes ago" on the host's clock is after the activity on Marketo's
		const later = await readAll(api, await tokenSince(api, new Date(Date.now() - 1800_000)), { activityTypeIds: 2 });
		expect(later.flatMap((p) => p.result!)).toEqual([]);
	});

	it('a Fill Out Form names a form of the sandbox: given by name or by id, the other half is filled in', async () => {
		const [byName, byId, own] = api.sb.addActivities([
			{ leadId: 1, activityTypeId: 2, primaryAttributeValue: 'Webinar Registration Form' },
			{ leadId: 1, activityTypeId: 2, primaryAttributeValueId: 1003 },
			{ leadId: 1, activityTypeId: 2, primaryAttributeValue: 'Partner Portal Form' },
		]);
		expect([byName, byId, own].map((a) => [a.primaryAttributeValueId, a.primaryAttributeValue])).toEqual([
			[1002, 'Webinar Registration Form'],
			[1003, 'Newsletter Signup Form'],
			[undefined, 'Partner Portal Form'],
		]);
	});
});
