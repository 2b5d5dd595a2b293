import { type Api, startSandbox } from './helpers';

describe('sandbox smart campaigns', () => {
	let api: Api;
	beforeEach(async () => {
		api = await startSandbox({ seedLeads: 300 });
	});
	afterEach(async () => api.stop());

	it('browses campaigns by name, program, workspace and requestability, paged with nextPageToken', async () => {
		const all = await api.get('/rest/v1/campaigns.json');
		expect(all.result.map((c: { id: number }) => c.id)).toEqual([1001, 1002, 1003, 1004, 1005, 1006, 1007]);
		expect(all.result[0]).toEqual(expect.objectContaining({ id: 1001, name: 'Webinar Confirmation', type: 'trigger', programId: 1034, programName: 'Summer Webinar', workspaceName: 'Default', active: true }));
		expect((await api.get('/rest/v1/campaigns.json', { programName: 'Spring Newsletter' })).result.map((c: { id: number }) => c.id)).toEqual([1003, 1004, 1006]);
		expect((await api.get('/rest/v1/campaigns.json', { workspaceName: 'EMEA' })).result.map((c: { id: number }) => c.id)).toEqual([1005]);
		expect((await api.get('/rest/v1/campaigns.json', { isTriggerable: 'true' })).result.map((c: { id: number }) => c.id)).toEqual([1001, 1005]);
		expect((await api.get('/rest/v1/campaigns.json', { name: 'Nightly Dedupe,Booth Follow-up' })).result.map((c: { id: number }) => c.id)).toEqual([1005, 1007]);
		const first = await api.get('/rest/v1/campaigns.json', { batchSize: 4 });
		expect(first.result).toHaveLength(4);
		expect(first.moreResult).toBe(true);
		const second = await api.get('/rest/v1/campaigns.json', { batchSize: 4, nextPageToken: first.nextPageToken });
		expect(second.result.map((c: { id: number }) => c.id)).toEqual([1005, 1006, 1007]);
		expect(second.moreResult).toBe(false);
		expect((await api.get('/rest/v1/campaigns/1002.json')).result[0].name).toBe('Webinar Reminder Send');
		expect((await api.get('/rest/v1/campaigns/9999.json')).errors[0].code).toBe('1013');
	});

	it('requests a campaign for at most 100 leads, records the leads it ran for, and refuses campaigns it cannot request with 1003', async () => {
		const ok = await api.post('/rest/v1/campaigns/1001/trigger.json', {
			input: { leads: [{ id: 1 }, { id: 2 }, { id: 999999 }], tokens: [{ name: '{{my.Topic}}', value: 'APIs' }] },
		});
		expect(ok).toEqual({ requestId: expect.any(String), result: [{ id: 1001 }], success: true });
		expect(api.sb.campaigns.requests).toEqual([expect.objectContaining({ campaignId: 1001, leadIds: [1, 2], tokens: [{ name: '{{my.Topic}}', value: 'APIs' }] })]);
		expect(api.sb.requestLog.at(-1)!.recordCount).toBe(3);

		const tooMany = await api.post('/rest/v1/campaigns/1001/trigger.json', { input: { leads: Array.from({ length: 101 }, (_, i) => ({ id: i + 1 })) } });
		expect(tooMany.errors[0].code).toBe('1003');
		const badToken = await api.post('/rest/v1/campaigns/1001/trigger.json', { input: { leads: [{ id: 1 }], tokens: [{ name: 'Topic', value: 'x' }] } });
		expect(badToken.errors[0]).toEqual({ code: '1003', message: expect.stringContaining('{{my.name}}') });
		for (const [id, why] of [
			[1002, 'batch campaign'],
			[1003, "no 'Campaign is Requested' trigger"],
			[1004, 'not active'],
		] as const) {
			const refused = await api.post(`/rest/v1/campaigns/${id}/trigger.json`, { input: { leads: [{ id: 1 }] } });
			expect(refused.errors[0]).toEqual({ code: '1003', message: expect.stringContaining(why) });
		}
		expect(api.sb.campaigns.requests).toHaveLength(1);
	});

	it('schedules a batch campaign (runAt, tokens, clone to a new program) and refuses a trigger campaign', async () => {
		const runAt = new Date(Date.now() + 3600_000).toISOString();
		const ok = await api.post('/rest/v1/campaigns/1002/schedule.json', { input: { runAt, tokens: [{ name: '{{my.Subject}}', value: 'Hi' }] } });
		expect(ok.result).toEqual([{ id: 1002 }]);
		expect(api.sb.campaigns.schedules[0]).toEqual(expect.objectContaining({ campaignId: 1002, runAt, scheduledCampaignId: 1002 }));
		const cloned = await api.post('/rest/v1/campaigns/1002/schedule.json', { input: { cloneToProgramName: 'Summer Webinar Rerun' } });
		const cloneId = cloned.result[0].id;
		expect(cloneId).not.toBe(1002);
		expect(api.sb.programs.byName('Summer Webinar Rerun')).toBeDefined();
		expect((await api.post('/rest/v1/campaigns/1002/schedule.json', { input: { cloneToProgramName: 'Summer Webinar Rerun' } })).errors[0].code).toBe('709');
		expect((await api.post('/rest/v1/campaigns/1001/schedule.json', {})).errors[0].code).toBe('1003');
	});
});

describe('sandbox programs and program members', () => {
	let api: Api;
	beforeEach(async () => {
		api = await startSandbox({ seedLeads: 1000 });
	});
	afterEach(async () => api.stop());

	it('browses programs with offset/maxReturn, gets one by id and by name, and reads a channel', async () => {
		const page = await api.get('/rest/asset/v1/programs.json', { maxReturn: 2, offset: 1 });
		expect(page.result.map((p: { id: number }) => p.id)).toEqual([1035, 1036]);
		const byId = await api.get('/rest/asset/v1/program/1034.json');
		expect(byId.result[0]).toEqual(expect.objectContaining({ id: 1034, name: 'Summer Webinar', channel: 'Webinar', url: expect.stringContaining('#PG1034A1') }));
		expect((await api.get('/rest/asset/v1/program/byName.json', { name: 'Trade Show 2026' })).result[0].workspace).toBe('EMEA');
		expect((await api.get('/rest/asset/v1/program/4242.json')).warnings).toEqual(['No assets found for the given search criteria.']);
		const channel = await api.get('/rest/asset/v1/channel/byName.json', { name: 'Webinar' });
		expect(channel.result[0].progressionStatuses.map((s: { name: string }) => s.name)).toEqual(['Not in Program', 'Invited', 'Registered', 'No Show', 'Attended', 'Attended On-demand']);
	});

	it('creates a program in a folder with a channel (name taken: 709) and deletes it with its members', async () => {
		const made = await api.call('POST', '/rest/asset/v1/programs.json', { form: { name: 'Autumn Webinar', folder: '{"id":14,"type":"Folder"}', type: 'Event', channel: 'Webinar' } });
		const id = made.body.result[0].id;
		expect(made.body.result[0]).toEqual(expect.objectContaining({ name: 'Autumn Webinar', channel: 'Webinar', type: 'Event' }));
		expect((await api.call('POST', '/rest/asset/v1/programs.json', { form: { name: 'Autumn Webinar', folder: '{"id":14,"type":"Folder"}', type: 'Event', channel: 'Webinar' } })).body.errors[0].code).toBe('709');
		expect((await api.call('POST', '/rest/asset/v1/programs.json', { form: { name: 'X', folder: '{"id":14,"type":"Folder"}', type: 'Event', channel: 'Nope' } })).body.errors[0].code).toBe('1003');
		await api.post(`/rest/v1/programs/${id}/members/status.json`, { statusName: 'Invited', input: [{ leadId: 1 }] });
		expect((await api.call('POST', `/rest/asset/v1/program/${id}/delete.json`)).body.result).toEqual([{ id }]);
		expect(api.sb.programs.get(id)).toBeUndefined();
		expect(api.sb.programs.member(id, 1)).toBeUndefined();
	});

	it('describes program members and filters them by a searchable field, paged', async () => {
		const describe = await api.get('/rest/v1/programs/members/describe.json');
		expect(describe.result[0].searchableFields).toEqual([['leadId'], ['reachedSuccess'], ['statusName'], ['registrationCode']]);
		const registered = await api.get('/rest/v1/programs/1034/members.json', { filterType: 'statusName', filterValues: 'Registered', batchSize: 3 });
		expect(registered.result.map((m: { leadId: number }) => m.leadId)).toEqual([6, 7, 8]);
		expect(registered.result[0]).toEqual({ seq: 0, leadId: 6, acquiredBy: false, membershipDate: expect.any(String), programId: 1034, reachedSuccess: false });
		const rest = await api.get('/rest/v1/programs/1034/members.json', { filterType: 'statusName', filterValues: 'Registered', batchSize: 3, nextPageToken: registered.nextPageToken, fields: 'statusName' });
		expect(rest.result).toEqual([{ seq: 0, leadId: 9, statusName: 'Registered' }, { seq: 1, leadId: 10, statusName: 'Registered' }]);
		expect((await api.get('/rest/v1/programs/1034/members.json', { filterType: 'email', filterValues: 'x' })).errors[0].code).toBe('1003');
		expect((await api.get('/rest/v1/programs/1034/members.json', { filterType: 'leadId', filterValues: '1', fields: 'nope' })).errors[0].code).toBe('1006');
	});

	it('sets member status forward only: a lead at the same or a later step is skipped with 1037; unknown status fails the call', async () => {
		const r = await api.post('/rest/v1/programs/1034/members/status.json', {
			statusName: 'Registered',
			input: [{ leadId: 1 }, { leadId: 6 }, { leadId: 11 }, { leadId: 500 }, { leadId: 999999 }],
		});
		expect(r.result).toEqual([
			{ seq: 0, status: 'updated', leadId: 1 },
			{ seq: 1, status: 'skipped', reasons: [{ code: '1037', message: 'Lead skipped because it is already in or past this status' }] },
			{ seq: 2, status: 'skipped', reasons: [{ code: '1037', message: 'Lead skipped because it is already in or past this status' }] },
			{ seq: 3, status: 'created', leadId: 500 },
			{ seq: 4, status: 'skipped', reasons: [{ code: '1004', message: 'Lead not found' }] },
		]);
		expect(api.sb.programs.member(1034, 500)!.statusName).toBe('Registered');
		expect((await api.post('/rest/v1/programs/1034/members/status.json', { statusName: 'Engaged', input: [{ leadId: 1 }] })).errors[0].code).toBe('1003');
		const tooMany = await api.post('/rest/v1/programs/1034/members/status.json', { statusName: 'Invited', input: Array.from({ length: 301 }, (_, i) => ({ leadId: i + 1 })) });
		expect(tooMany.errors[0].code).toBe('1003');
		// the superseded lead database call changes members only
		const old = await api.post('/rest/v1/leads/programs/1034/status.json', { status: 'Attended', input: [{ id: 1 }, { id: 700 }] });
		expect(old.result).toEqual([
			{ id: 1, status: 'updated' },
			{ id: 700, status: 'skipped', reasons: [{ code: '1013', message: 'Membership not found' }] },
		]);
	});

	it('syncs updateable member data for members, skipping non-members and fields that cannot be written', async () => {
		const r = await api.post('/rest/v1/programs/1034/members.json', {
			input: [{ leadId: 1, registrationCode: 'A-1' }, { leadId: 900, registrationCode: 'B' }, { leadId: 2, statusName: 'x' }, { leadId: 3, nope: 1 }],
		});
		expect(r.result).toEqual([
			{ seq: 0, status: 'updated', leadId: 1 },
			{ seq: 1, status: 'skipped', reasons: [{ code: '1013', message: 'Membership not found' }] },
			{ seq: 2, status: 'skipped', reasons: [{ code: '1003', message: "Field 'statusName' is not updateable" }] },
			{ seq: 3, status: 'skipped', reasons: [{ code: '1006', message: "Field 'nope' not found" }] },
		]);
		const read = await api.get('/rest/v1/programs/1034/members.json', { filterType: 'registrationCode', filterValues: 'A-1', fields: 'registrationCode' });
		expect(read.result).toEqual([{ seq: 0, leadId: 1, registrationCode: 'A-1' }]);
	});
});
