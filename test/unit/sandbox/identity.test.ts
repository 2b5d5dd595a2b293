import { type Api, sleep, startSandbox } from './helpers';

async function tokenCall(api: Api, params: Record<string, string>, how: 'form' | 'query' = 'form') {
	const u = new URL('/identity/oauth/token', api.url);
	let init: RequestInit = { method: 'POST' };
	if (how === 'form') {
		init = { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) };
	} else {
		for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
		init = { method: 'GET' };
	}
	const r = await fetch(u, init);
	return { status: r.status, body: (await r.json()) as any };
}

const good = { grant_type: 'client_credentials', client_id: 'sandbox-client-id', client_secret: 'sandbox-client-secret' };

describe('identity and tokens', () => {
	let api: Api;
	afterEach(async () => api?.stop());

	it('issues a bearer token from a form POST and from a GET query, the same while it is valid', async () => {
		api = await startSandbox({ apiUserEmail: 'robot@acme.test' });
		const a = await tokenCall(api, good, 'form');
		expect(a.status).toBe(200);
		expect(a.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: expect.any(Number), scope: 'robot@acme.test' });
		expect(a.body.expires_in).toBeGreaterThanOrEqual(3599);
		expect(a.body.expires_in).toBeLessThanOrEqual(3600);
		const b = await tokenCall(api, good, 'query');
		expect(b.body.access_token).toBe(a.body.access_token);
	});

	it('answers 401 invalid_client for a bad secret or an unknown client id', async () => {
		api = await startSandbox();
		for (const p of [{ ...good, client_secret: 'nope' }, { ...good, client_id: 'who' }]) {
			const r = await tokenCall(api, p);
			expect(r.status).toBe(401);
			expect(r.body).toEqual({ error: 'invalid_client', error_description: 'Bad client credentials' });
		}
		const noGrant = await tokenCall(api, { client_id: good.client_id, client_secret: good.client_secret });
		expect(noGrant.status).toBe(400);
	});

	it('counts expires_in down and issues a new token only after expiry', async () => {
		api = await startSandbox({ tokenLifetimeSeconds: 40, timeScale: 0.05 }); // 2 s real
		const a = await tokenCall(api, good);
		expect(a.body.expires_in).toBe(2);
		await sleep(1100);
		const b = await tokenCall(api, good);
		expect(b.body.access_token).toBe(a.body.access_token);
		expect(b.body.expires_in).toBe(0);
		await sleep(1000);
		const res = await api.call('GET', '/rest/v1/leads/partitions.json', { token: a.body.access_token });
		expect(res.body.errors).toEqual([{ code: '602', message: 'Access token expired' }]);
		const c = await tokenCall(api, good);
		expect(c.body.access_token).not.toBe(a.body.access_token);
		expect(c.body.expires_in).toBe(2);
	});

	it('answers 600 without a token, 601 for an unknown one, 602 after expireTokens(), all with HTTP 200', async () => {
		api = await startSandbox();
		const none = await api.call('GET', '/rest/v1/leads/partitions.json', { token: false });
		expect(none.status).toBe(200);
		expect(none.body).toMatchObject({ success: false, errors: [{ code: '600', message: 'Access token not specified' }] });
		expect(none.body.requestId).toMatch(/^[0-9a-f]+#[0-9a-f]+$/);
		const bad = await api.call('GET', '/rest/v1/leads/partitions.json', { token: 'made-up' });
		expect(bad.body.errors[0].code).toBe('601');
		const t = await api.token();
		expect((await api.call('GET', '/rest/v1/leads/partitions.json')).body.success).toBe(true);
		api.sb.expireTokens();
		expect((await api.call('GET', '/rest/v1/leads/partitions.json', { token: t })).body.errors[0].code).toBe('602');
		const fresh = await tokenCall(api, good);
		expect(fresh.body.access_token).not.toBe(t);
	});

	it('accepts the deprecated access_token query parameter, logs its source and never stores secrets', async () => {
		const lines: string[] = [];
		api = await startSandbox({ logger: (l) => lines.push(l) });
		await tokenCall(api, good, 'query');
		const t = await api.token();
		const r = await api.call('GET', '/rest/v1/leads/partitions.json', { token: false, query: { access_token: t } });
		expect(r.body.success).toBe(true);
		await api.call('GET', '/rest/v1/leads/partitions.json');
		const log = api.sb.requestLog;
		const idGet = log.find((e) => e.path === '/identity/oauth/token' && e.method === 'GET')!;
		expect(idGet.query).toEqual({ grant_type: 'client_credentials', client_id: 'sandbox-client-id', client_secret: '***' });
		const viaQuery = log.filter((e) => e.path === '/rest/v1/leads/partitions.json');
		expect(viaQuery.map((e) => e.tokenSource)).toEqual(['query', 'header']);
		expect(viaQuery[0].query).toEqual({ access_token: '***' });
		expect(JSON.stringify(log)).not.toContain('sandbox-client-secret');
		expect(JSON.stringify(log)).not.toContain(t);
		expect(lines.some((l) => l.includes('deprecated'))).toBe(true);
	});

	it('keeps a token per API user and answers 603 when the role lacks the permission', async () => {
		api = await startSandbox({
			apiUsers: [{ clientId: 'reader', clientSecret: 'reader-secret', permissions: ['readOnlyLead'] }],
		});
		const main = await api.token();
		const r = await tokenCall(api, { grant_type: 'client_credentials', client_id: 'reader', client_secret: 'reader-secret' });
		expect(r.body.access_token).not.toBe(main);
		const read = await api.call('GET', '/rest/v1/leads/partitions.json', { token: r.body.access_token });
		expect(read.body.success).toBe(true);
		const write = await api.call('POST', '/rest/v1/leads.json', { token: r.body.access_token, json: { input: [{ email: 'x@y.z' }] } });
		expect(write.body).toMatchObject({ success: false, errors: [{ code: '603', message: 'Access denied' }] });
		expect(api.sb.leads.findBy('email', 'x@y.z')).toEqual([]);
	});
});
