import { type Api, startSandbox } from './helpers';

const PATH = '/rest/v1/leads/partitions.json';

/** A token straight from the identity endpoint (the helper's own is cached). */
async function newToken(api: Api): Promise<string> {
	const { clientId, clientSecret } = api.sb.options.users[0];
	const answer = await api.call('POST', '/identity/oauth/token', { token: false, form: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret } });
	return answer.body.access_token as string;
}

describe('fault injection', () => {
	let api: Api;
	beforeEach(async () => {
		api = await startSandbox({ seedLeads: 3 });
		await api.token();
	});
	afterEach(async () => api.stop());

	it('injects a Marketo error once by default, after skipping calls, then calls pass again', async () => {
		api.sb.injectFault({ path: PATH, skip: 1, kind: 'error', code: '606' });
		const a = await api.call('GET', PATH);
		const b = await api.call('GET', PATH);
		const c = await api.call('GET', PATH);
		expect(a.body.success).toBe(true);
		expect(b.status).toBe(200);
		expect(b.body).toMatchObject({ success: false, errors: [{ code: '606', message: "Max rate limit '100' exceeded with in '20' secs" }] });
		expect(c.body.success).toBe(true);
		const entry = api.sb.requestLog.filter((e) => e.path === PATH)[1];
		expect(entry).toMatchObject({ code: '606', fault: 'error', status: 200 });
	});

	it('matches by method and RegExp, hits `times` calls, and injects HTTP statuses', async () => {
		api.sb.injectFault({ method: 'POST', path: /\/leads\.json$/, times: 2, kind: 'http', status: 502 });
		expect((await api.call('GET', '/rest/v1/leads.json', { query: { filterType: 'id', filterValues: '1' } })).status).toBe(200);
		const statuses = [];
		for (let i = 0; i < 3; i++) statuses.push((await api.call('POST', '/rest/v1/leads.json', { json: { input: [{ email: `f${i}@x.test` }] } })).status);
		expect(statuses).toEqual([502, 502, 200]);
		expect(api.sb.leads.count).toBe(4);
	});

	it('drops the connection', async () => {
		api.sb.injectFault({ path: PATH, kind: 'drop' });
		await expect(fetch(`${api.url}${PATH}`, { headers: { Authorization: `Bearer ${await api.token()}` } })).rejects.toThrow();
		expect(api.sb.requestLog.at(-1)).toMatchObject({ status: 0, fault: 'drop' });
		expect((await api.call('GET', PATH)).body.success).toBe(true);
	});

	it('truncates a response body', async () => {
		api.sb.injectFault({ path: PATH, kind: 'truncate' });
		const r = await fetch(`${api.url}${PATH}`, { headers: { Authorization: `Bearer ${await api.token()}` } });
		await expect(r.text()).rejects.toThrow();
	});

	it.each([
		['601', 'Access token invalid'],
		['602', 'Access token expired'],
	])('clearFaults() removes pending faults; the token an injected %s refused stays refused, a new one works', async (code, message) => {
		const old = await api.token();
		api.sb.injectFault({ kind: 'error', code, times: Infinity });
		expect((await api.call('GET', PATH)).body.errors[0]).toEqual({ code, message });
		api.sb.clearFaults();
		// as with Marketo: the token it reported invalid or expired is not accepted again
		expect((await api.call('GET', PATH, { token: old })).body.errors[0]).toEqual({ code, message });
		const fresh = await newToken(api);
		expect(fresh).not.toBe(old);
		expect((await api.call('GET', PATH, { token: fresh })).body.success).toBe(true);
	});
});

describe('admin API', () => {
	let api: Api;
	beforeEach(async () => {
		api = await startSandbox();
	});
	afterEach(async () => api.stop());

	const admin = async (method: string, path: string, body?: unknown) => {
		const r = await fetch(`${api.url}/__sandbox/${path}`, {
			method,
			headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: r.status, body: (await r.json()) as any };
	};

	it('health, seed, log, faults, expire-tokens and reset work over HTTP and stay out of the log', async () => {
		expect((await admin('GET', 'health')).body).toMatchObject({ ok: true, leads: 0 });
		expect((await admin('POST', 'seed', { leads: 50 })).body).toMatchObject({ ok: true, firstId: 1, lastId: 50, total: 50 });
		const t = await api.token();
		await api.call('GET', PATH);
		const log = (await admin('GET', 'log')).body.entries;
		expect(log.map((e: { path: string }) => e.path)).toEqual(['/identity/oauth/token', PATH]);

		expect((await admin('POST', 'faults', { path: PATH, kind: 'error', code: '611', message: 'boom' })).body.ids).toHaveLength(1);
		expect((await api.call('GET', PATH)).body.errors[0]).toEqual({ code: '611', message: 'boom' });
		await admin('POST', 'faults', { pathRegex: 'partitions', kind: 'http', status: 503, times: 'Infinity' });
		expect((await api.call('GET', PATH)).status).toBe(503);
		await admin('DELETE', 'faults');
		expect((await api.call('GET', PATH)).status).toBe(200);

		await admin('POST', 'expire-tokens');
		expect((await api.call('GET', PATH, { token: t })).body.errors[0].code).toBe('602');

		await admin('DELETE', 'log');
		expect((await admin('GET', 'log')).body.entries).toEqual([]);
		await admin('POST', 'reset');
		expect((await admin('GET', 'health')).body.leads).toBe(0);
		expect((await admin('POST', 'faults', { kind: 'bogus' })).status).toBe(400);
		expect((await admin('GET', 'nothing')).status).toBe(404);
	});
});
