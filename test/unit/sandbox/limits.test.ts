import { type Api, startSandbox } from './helpers';

const PATH = '/rest/v1/leads/partitions.json';

describe('limits', () => {
	let api: Api;
	afterEach(async () => {
		jest.restoreAllMocks();
		await api?.stop();
	});

	it('answers 606 past 100 calls in the sliding window, and frees the window as it slides (timeScale)', async () => {
		api = await startSandbox({ timeScale: 0.05 }); // 20 s window -> 1 s
		await api.token();
		// the sandbox's clock stands still while the 101 calls go out (on a loaded machine they can take over 1 s)
		const start = Date.now();
		let elapsed = 0;
		jest.spyOn(Date, 'now').mockImplementation(() => start + elapsed);
		const codes: (string | null)[] = [];
		for (let i = 0; i < 101; i++) {
			const r = await api.call('GET', PATH);
			codes.push(r.body.success ? null : r.body.errors[0].code);
		}
		expect(codes.slice(0, 100).every((c) => c === null)).toBe(true);
		expect(codes[100]).toBe('606');
		const r = await api.call('GET', PATH);
		expect(r.body.errors[0]).toEqual({ code: '606', message: "Max rate limit '100' exceeded with in '20' secs" });
		elapsed = 1050;
		expect((await api.call('GET', PATH)).body.success).toBe(true);
		expect(api.sb.requestLog.filter((e) => e.code === '606')).toHaveLength(2);
	});

	it('answers 615 when more than 10 calls are in flight (latencyMs)', async () => {
		api = await startSandbox({ latencyMs: 150 });
		await api.token();
		const all = await Promise.all(Array.from({ length: 12 }, () => api.call('GET', PATH)));
		const codes = all.map((r) => (r.body.success ? 'ok' : r.body.errors[0].code));
		expect(codes.filter((c) => c === 'ok')).toHaveLength(10);
		expect(codes.filter((c) => c === '615')).toHaveLength(2);
		expect(all.find((r) => !r.body.success)!.body.errors[0].message).toBe('Concurrent access limit reached');
		// the slots are free again afterwards
		expect((await api.call('GET', PATH)).body.success).toBe(true);
	});

	it('answers 607 once the daily quota of successful calls is used', async () => {
		api = await startSandbox({ limits: { dailyQuota: 3 } });
		await api.token();
		const bad = await api.call('GET', '/rest/v1/lead/1.json', { query: { fields: 'nope' } });
		expect(bad.body.success).toBe(false); // errors do not use quota
		for (let i = 0; i < 3; i++) expect((await api.call('GET', PATH)).body.success).toBe(true);
		expect((await api.call('GET', PATH)).body.errors[0]).toEqual({ code: '607', message: 'Daily quota reached' });
		expect(api.sb.stats().quotaUsed).toBe(3);
	});

	it('limits: false turns throttling off', async () => {
		api = await startSandbox({ limits: false, latencyMs: 30 });
		await api.token();
		const all = await Promise.all(Array.from({ length: 120 }, () => api.call('GET', PATH)));
		expect(all.every((r) => r.body.success)).toBe(true);
	});

	it('answers HTTP 413 for a body over 1 MB and 414 for a URI over 8 KB', async () => {
		api = await startSandbox();
		const big = { input: [{ email: 'a@b.c', address: 'x'.repeat(1024 * 1024) }] };
		const r = await api.call('POST', '/rest/v1/leads.json', { json: big });
		expect(r.status).toBe(413);
		const u = await api.call('GET', '/rest/v1/leads.json', { query: { filterType: 'email', filterValues: 'y'.repeat(8200) } });
		expect(u.status).toBe(414);
		expect(api.sb.requestLog.map((e) => e.status)).toEqual(expect.arrayContaining([413, 414]));
	});

	it('can lower the batch limit', async () => {
		api = await startSandbox({ limits: { maxBatch: 2 } });
		const r = await api.post('/rest/v1/leads.json', { input: [{ email: 'a@b.c' }, { email: 'b@b.c' }, { email: 'c@b.c' }] });
		expect(r.errors[0].code).toBe('1003');
		expect(r.errors[0].message).toContain('2');
	});
});
