import { type Api, startSandbox } from './helpers';

const NOT_FOUND = [{ code: '1004', message: 'Lead not found' }];

describe('static list membership', () => {
	let api: Api;
	beforeEach(async () => {
		api = await startSandbox({ seedLeads: 700 });
	});
	afterEach(async () => api.stop());

	it('adds by ?id= (repeated or comma-separated) and by JSON input; unknown leads are skipped with 1004', async () => {
		const a = await api.call('POST', '/rest/v1/lists/1021/leads.json?id=1&id=2,999999');
		expect(a.body).toEqual({
			requestId: expect.any(String),
			result: [
				{ id: 1, status: 'added' },
				{ id: 2, status: 'added' },
				{ id: 999999, status: 'skipped', reasons: NOT_FOUND },
			],
			success: true,
		});
		const b = await api.post('/rest/v1/lists/1021/leads.json', { input: [{ id: 3 }] });
		expect(b.result).toEqual([{ id: 3, status: 'added' }]);
		expect(api.sb.assets.memberIds(1021)).toEqual([1, 2, 3]);
		expect(api.sb.requestLog.at(-1)!.recordCount).toBe(1);
	});

	it('checks membership and removes members', async () => {
		await api.post('/rest/v1/lists/1022/leads.json', { input: [{ id: 10 }, { id: 11 }] });
		const is = await api.call('GET', '/rest/v1/lists/1022/leads/ismember.json?id=10&id=12&id=999999');
		expect(is.body.result).toEqual([
			{ id: 10, status: 'memberof' },
			{ id: 12, status: 'notmemberof' },
			{ id: 999999, status: 'skipped', reasons: NOT_FOUND },
		]);
		const rm = await api.call('DELETE', '/rest/v1/lists/1022/leads.json?id=10&id=12&id=999999');
		expect(rm.body.result).toEqual([
			{ id: 10, status: 'removed' },
			{ id: 12, status: 'skipped', reasons: [{ code: '1015', message: 'Lead not in list' }] },
			{ id: 999999, status: 'skipped', reasons: NOT_FOUND },
		]);
		const rmJson = await api.call('DELETE', '/rest/v1/lists/1022/leads.json', { json: { input: [{ id: 11 }] } });
		expect(rmJson.body.result).toEqual([{ id: 11, status: 'removed' }]);
		expect(api.sb.assets.memberCount(1022)).toBe(0);
	});

	it('reads members page by page with nextPageToken and the default fields', async () => {
		const ids = Array.from({ length: 650 }, (_, i) => ({ id: i + 1 }));
		for (let i = 0; i < ids.length; i += 300) {
			const r = await api.post('/rest/v1/lists/1021/leads.json', { input: ids.slice(i, i + 300) });
			expect(r.result.every((x: { status: string }) => x.status === 'added')).toBe(true);
		}
		const first = await api.get('/rest/v1/lists/1021/leads.json', { batchSize: 3 });
		expect(first.result).toHaveLength(3);
		expect(Object.keys(first.result[0]).sort()).toEqual(['createdAt', 'email', 'firstName', 'id', 'lastName', 'updatedAt']);
		expect(first.nextPageToken).toMatch(/^[A-Z2-7]+=*$/);
		const seen: number[] = [];
		let token: string | undefined;
		do {
			const q: Record<string, string> = { fields: 'email' };
			if (token) q.nextPageToken = token;
			const r = await api.get('/rest/v1/lists/1021/leads.json', q);
			seen.push(...r.result.map((l: { id: number }) => l.id));
			token = r.nextPageToken;
		} while (token);
		expect(seen).toHaveLength(650);
		expect(seen[649]).toBe(650);
		const deleted = await api.post('/rest/v1/leads/delete.json', { input: [{ id: 5 }] });
		expect(deleted.result[0].status).toBe('deleted');
		expect(api.sb.assets.isMember(1021, 5)).toBe(false);
	});

	it('answers 1013 for an unknown list and 1003 for more than 300 ids', async () => {
		expect((await api.call('POST', '/rest/v1/lists/4242/leads.json?id=1')).body.errors[0].code).toBe('1013');
		expect((await api.get('/rest/v1/lists/4242/leads.json')).errors[0].code).toBe('1013');
		const ids = Array.from({ length: 301 }, (_, i) => i + 1).join(',');
		expect((await api.call('POST', `/rest/v1/lists/1021/leads.json?id=${ids}`)).body.errors[0].code).toBe('1003');
		expect((await api.call('POST', '/rest/v1/lists/1021/leads.json')).body.errors[0].code).toBe('1003');
	});
});
