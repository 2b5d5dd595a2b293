import { MarketoApiError } from '../../../nodes/Marketo/transport';
import { marketoError, ok, scriptedMarketo, settings, tokenAnswer } from '../helpers/fakeMarketo';

const leads = { method: 'GET' as const, path: '/rest/v1/leads.json', qs: { filterType: 'email', filterValues: ['a@x.com'] } };

describe('MarketoClient: envelope', () => {
	it('returns the envelope of a successful call, with the token only in the Authorization header', async () => {
		const m = scriptedMarketo(() => ok([{ id: 1 }]));
		const answer = await m.clock.run(m.client.request(leads));
		expect(answer.result).toEqual([{ id: 1 }]);
		expect(m.requests).toHaveLength(1);
		expect(m.requests[0].headers?.Authorization).toBe('Bearer token-1');
		expect(m.requests[0].url).toBe(`${settings.baseUrl}/rest/v1/leads.json?filterType=email&filterValues=a%40x.com`);
		expect(m.requests[0].url).not.toContain('token-1');
	});

	it('fetches the token with a form POST, never with the secret in the URL', async () => {
		const m = scriptedMarketo(() => ok());
		await m.clock.run(m.client.request(leads));
		expect(m.tokenRequests).toHaveLength(1);
		const [tokenRequest] = m.tokenRequests;
		expect(tokenRequest.method).toBe('POST');
		expect(tokenRequest.url).toBe(`${settings.baseUrl}/identity/oauth/token`);
		expect(tokenRequest.url).not.toContain(settings.clientSecret);
		expect(tokenRequest.headers?.['Content-Type']).toBe('application/x-www-form-urlencoded');
		expect(String(tokenRequest.body)).toContain(`client_secret=${settings.clientSecret}`);
	});

	it('turns success:false into a MarketoApiError with code, message and a hint', async () => {
		const m = scriptedMarketo(() => marketoError('603', 'Access denied'));
		const error = await m.clock.run(m.client.request(leads)).catch((e) => e);
		expect(error).toBeInstanceOf(MarketoApiError);
		expect(error.marketoCode).toBe('603');
		expect(error.message).toBe('Marketo error 603: Access denied');
		expect(error.description).toMatch(/"Read-Only Lead" permission/);
		expect(m.requests).toHaveLength(1);
	});

	it('names the permission a write needs on 603: Read-Write Lead, or Read-Write Assets for the asset API', async () => {
		const m = scriptedMarketo(() => marketoError('603', 'Access denied'));
		const lead = await m.clock.run(m.client.request({ method: 'POST', path: '/rest/v1/leads.json', body: { input: [] }, repeatable: true })).catch((e) => e);
		expect(lead.description).toMatch(/"Read-Write Lead" permission/);
		const asset = await m.clock.run(m.client.request({ method: 'POST', path: '/rest/asset/v1/staticLists.json', form: { name: 'x' }, errorHint: "'Name': x.", repeatable: false })).catch((e) => e);
		expect(asset.description).toMatch(/"Read-Write Assets" permission/);
		expect(asset.description).not.toContain("'Name'");
	});

	it('reports a non-JSON answer as a wrong base URL', async () => {
		const m = scriptedMarketo(() => ({ statusCode: 200, headers: {}, body: '<html>login</html>' }));
		const error = await m.clock.run(m.client.request(leads)).catch((e) => e);
		expect(error.message).toMatch(/not JSON/);
		expect(error.description ?? error.message).toMatch(/base URL/);
	});

	it('accepts listed codes as answers (702 at the end of asset paging)', async () => {
		const m = scriptedMarketo(() => marketoError('702', 'No assets found for the given search criteria.'));
		const answer = await m.clock.run(m.client.request({ method: 'GET', path: '/rest/asset/v1/staticLists.json', acceptCodes: ['702'] }));
		expect(answer.success).toBe(false);
	});

	it('sends a GET longer than 8 KB as POST with _method=GET and a form body', async () => {
		const m = scriptedMarketo(() => ok());
		const many = Array.from({ length: 300 }, (_, i) => `someone.with.a.long.address.${i}@example.com`);
		await m.clock.run(m.client.request({ ...leads, qs: { filterType: 'email', filterValues: many } }));
		const [request] = m.requests;
		expect(request.method).toBe('POST');
		expect(request.url).toBe(`${settings.baseUrl}/rest/v1/leads.json?_method=GET`);
		expect(request.headers?.['Content-Type']).toBe('application/x-www-form-urlencoded');
		expect(String(request.body)).toContain('filterType=email');
	});
});

describe('MarketoClient: retries', () => {
	it.each(['604', '608', '611', '615', '713'])('retries %s with backoff and then succeeds', async (code) => {
		const m = scriptedMarketo((_r, call) => (call < 3 ? marketoError(code) : ok([{ id: 7 }])));
		const answer = await m.clock.run(m.client.request(leads));
		expect(answer.result).toEqual([{ id: 7 }]);
		expect(m.requests).toHaveLength(3);
		// exponential: the second wait is about twice the first (jitter fixed at 0.5 in this test)
		const gap1 = m.requests[1].at - m.requests[0].at;
		const gap2 = m.requests[2].at - m.requests[1].at;
		expect(gap1).toBeGreaterThanOrEqual(500);
		expect(gap2).toBeGreaterThanOrEqual(gap1 * 1.9);
	});

	it.each([502, 503, 504])('retries HTTP %s', async (status) => {
		const m = scriptedMarketo((_r, call) => (call === 1 ? { statusCode: status, headers: {}, body: 'Bad gateway' } : ok()));
		await m.clock.run(m.client.request(leads));
		expect(m.requests).toHaveLength(2);
	});

	it('retries a dropped connection', async () => {
		const m = scriptedMarketo((_r, call) => {
			if (call === 1) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
			return ok();
		});
		await m.clock.run(m.client.request(leads));
		expect(m.requests).toHaveLength(2);
	});

	it('without adaptive pacing, waits for the 20-second window after 606', async () => {
		const m = scriptedMarketo((_r, call) => (call === 1 ? marketoError('606', "Max rate limit '100' exceeded with in '20' secs") : ok()), {
			settings: { adaptivePacing: false },
		});
		await m.clock.run(m.client.request(leads));
		expect(m.requests).toHaveLength(2);
		expect(m.requests[1].at - m.requests[0].at).toBeGreaterThanOrEqual(settings.windowMs);
	});

	it('with adaptive pacing, a 606 lowers the pace and the call is sent again one interval of the new pace later', async () => {
		const m = scriptedMarketo((_r, call) => (call === 1 ? marketoError('606', "Max rate limit '100' exceeded with in '20' secs") : ok()));
		await m.clock.run(m.client.request(leads));
		expect(m.requests).toHaveLength(2);
		// 50 per window cut to its floor of 5 (this process had sent nothing else): 4 s between calls, jitter 0.5 → 1×
		expect(m.requests[1].at - m.requests[0].at).toBe(4000);
	});

	it.each(['603', '607', '609', '610', '612', '613', '1003'])('never retries %s', async (code) => {
		const m = scriptedMarketo(() => marketoError(code));
		const error = await m.clock.run(m.client.request(leads)).catch((e) => e);
		expect(error.marketoCode).toBe(code);
		expect(m.requests).toHaveLength(1);
	});

	it('gives up after the bounded number of attempts and says how many', async () => {
		const m = scriptedMarketo(() => marketoError('611', 'System error'), { retry: { maxAttempts: 4 } });
		const error = await m.clock.run(m.client.request(leads)).catch((e) => e);
		expect(m.requests).toHaveLength(4);
		expect(error.message).toBe('Marketo error 611: System error (after 4 attempts)');
	});

	it.each(['606', '615'])('waits its turn on %s beyond the attempts meant for failures (other workers share the limits)', async (code) => {
		const m = scriptedMarketo((_r, call) => (call <= 8 ? marketoError(code) : ok([{ id: 7 }])), { retry: { maxAttempts: 6 } });
		const answer = await m.clock.run(m.client.request(leads));
		expect(answer.result).toEqual([{ id: 7 }]);
		expect(m.requests).toHaveLength(9);
	});

	it('limit answers do not use up the attempts of a later failure', async () => {
		const m = scriptedMarketo((_r, call) => (call <= 5 ? marketoError('615') : call <= 10 ? marketoError('611') : ok()), { retry: { maxAttempts: 6 } });
		await m.clock.run(m.client.request(leads));
		expect(m.requests).toHaveLength(11);
	});

	it.each(['606', '615'])('gives up on %s when the time budget is spent, with Marketo\'s code', async (code) => {
		const m = scriptedMarketo(() => marketoError(code), { retry: { maxAttempts: 6, maxTotalMs: 120_000 } });
		const error = await m.clock.run(m.client.request(leads)).catch((e) => e);
		expect(error.marketoCode).toBe(code);
		expect(m.requests.length).toBeGreaterThan(6);
		const span = m.requests[m.requests.length - 1].at - m.requests[0].at;
		expect(span).toBeGreaterThanOrEqual(120_000);
		expect(span).toBeLessThan(120_000 + 30_000);
	});

	it('gives up when the time budget is spent', async () => {
		const m = scriptedMarketo(() => marketoError('608'), { retry: { maxAttempts: 100, maxTotalMs: 10_000 } });
		await m.clock.run(m.client.request(leads)).catch((e) => e);
		const span = m.requests[m.requests.length - 1].at - m.requests[0].at;
		expect(m.requests.length).toBeLessThan(10);
		expect(span).toBeLessThan(10_000 + 30_000);
	});
});

describe('MarketoClient: access token', () => {
	it('reuses the cached token across calls and clients of the same instance', async () => {
		const m = scriptedMarketo(() => ok());
		await m.clock.run(m.client.request(leads));
		await m.clock.run(m.client.request(leads));
		expect(m.tokenRequests).toHaveLength(1);
	});

	it('refreshes the token before it expires, waiting out its last seconds', async () => {
		const m = scriptedMarketo(() => ok(), { tokens: [tokenAnswer('token-1', 3599), tokenAnswer('token-2', 3599)] });
		await m.clock.run(m.client.request(leads));
		// 3,595 s later the token has 4 s left: less than the safety margin, so it is not used
		await m.clock.run(m.clock.sleep(3_595_000));
		await m.clock.run(m.client.request(leads));
		expect(m.tokenRequests).toHaveLength(2);
		expect(m.requests[1].headers?.Authorization).toBe('Bearer token-2');
		// the new token was asked for only after the old one had expired (Marketo would hand the old one back)
		expect(m.tokenRequests[1].at - m.tokenRequests[0].at).toBeGreaterThanOrEqual(3_599_000);
	});

	it('waits out a token handed back with expires_in 0, then asks again', async () => {
		const m = scriptedMarketo(() => ok(), { tokens: [tokenAnswer('old', 0), tokenAnswer('new', 3599)] });
		await m.clock.run(m.client.request(leads));
		expect(m.tokenRequests).toHaveLength(2);
		expect(m.requests[0].headers?.Authorization).toBe('Bearer new');
	});

	it.each(['601', '602'])('on %s fetches a new token and retries the call once', async (code) => {
		const m = scriptedMarketo((_r, call) => (call === 1 ? marketoError(code, 'Access token invalid') : ok([{ id: 1 }])), {
			tokens: [tokenAnswer('token-1', 3599), tokenAnswer('token-2', 3599)],
		});
		const answer = await m.clock.run(m.client.request(leads));
		expect(answer.result).toEqual([{ id: 1 }]);
		expect(m.tokenRequests).toHaveLength(2);
		expect(m.requests.map((r) => r.headers?.Authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
	});

	it('reads a JSON answer to a file download as the envelope: 602 renews the token, the file comes on the retry', async () => {
		const destroyed: boolean[] = [];
		const stream = (text: string) => {
			const chunks = [Buffer.from(text)];
			return Object.assign((async function* () { yield* chunks; })(), { destroy: () => destroyed.push(true) });
		};
		const file = stream('id,email\n1,a@x.com\n');
		const m = scriptedMarketo(
			(_r, call) =>
				call === 1
					? { statusCode: 200, headers: { 'content-type': 'application/json;charset=UTF-8' }, body: stream(marketoError('602', 'Access token expired').body as string) }
					: { statusCode: 200, headers: { 'content-type': 'text/csv' }, body: file },
			{ tokens: [tokenAnswer('token-1', 3599), tokenAnswer('token-2', 3599)] },
		);
		const answer = await m.clock.run(m.client.download({ method: 'GET', path: '/bulk/v1/leads/export/e1/file.json', expect: 'stream' }));
		const chunks: Buffer[] = [];
		for await (const chunk of answer.body as AsyncIterable<Buffer>) chunks.push(chunk);
		expect(Buffer.concat(chunks).toString('utf8')).toBe('id,email\n1,a@x.com\n');
		expect(m.requests.map((r) => r.headers?.Authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
		// the envelope was read to its end; nothing was left to let go of
		expect(destroyed).toEqual([]);
	});

	it('an error status on a file download is reported with its text, not saved as the file', async () => {
		const body = Object.assign((async function* () { yield Buffer.from('Export job not found'); })(), { destroy: () => undefined });
		const m = scriptedMarketo(() => ({ statusCode: 404, headers: { 'content-type': 'text/plain' }, body }));
		const error = await m.clock.run(m.client.download({ method: 'GET', path: '/bulk/v1/leads/export/e1/file.json', expect: 'stream' })).catch((e) => e);
		expect(error.message).toMatch(/Export job not found/);
	});

	it('fails after one retry when the new token is refused too', async () => {
		const m = scriptedMarketo(() => marketoError('601', 'Access token invalid'), {
			tokens: [tokenAnswer('token-1', 3599), tokenAnswer('token-2', 3599)],
		});
		const error = await m.clock.run(m.client.request(leads)).catch((e) => e);
		expect(error.marketoCode).toBe('601');
		expect(m.requests).toHaveLength(2);
	});

	it('reports a refused client id/secret with Marketo words and never the secret', async () => {
		const m = scriptedMarketo(() => ok(), {
			tokens: [{ statusCode: 401, headers: {}, body: JSON.stringify({ error: 'invalid_client', error_description: 'Bad client credentials' }) }],
		});
		const error = await m.clock.run(m.client.request(leads)).catch((e) => e);
		expect(error.message).toContain('Bad client credentials');
		expect(error.description).toMatch(/LaunchPoint/);
		expect(JSON.stringify({ message: error.message, description: error.description, context: error.context })).not.toContain(settings.clientSecret);
		expect(m.requests).toHaveLength(0);
	});

	it('shares one token fetch between concurrent callers', async () => {
		const m = scriptedMarketo(() => ok(), { latencyMs: 10 });
		await m.clock.run(Promise.all(Array.from({ length: 5 }, () => m.client.request(leads))));
		expect(m.tokenRequests).toHaveLength(1);
		expect(m.requests).toHaveLength(5);
	});
});

describe('MarketoClient: rate limiter', () => {
	it('keeps to the calls-per-window setting, pacing instead of failing', async () => {
		const m = scriptedMarketo(() => ok(), { latencyMs: 50, settings: { callsPerWindow: 50, maxConcurrent: 5 } });
		await m.clock.run(Promise.all(Array.from({ length: 120 }, () => m.client.request(leads))));
		const times = m.requests.map((r) => r.at).sort((a, b) => a - b);
		expect(times).toHaveLength(120);
		// in every 20-second span there are at most 50 call starts
		for (let i = 0; i + 50 < times.length; i++) expect(times[i + 50] - times[i]).toBeGreaterThanOrEqual(20_000);
		// and pacing costs no more than the windows it must: 120 calls at 50 per 20 s need just over 2 windows
		expect(times[119] - times[0]).toBeLessThan(2 * 20_000 * 1.05);
	});

	it('keeps to the concurrency setting', async () => {
		const m = scriptedMarketo(() => ok(), { latencyMs: 200, settings: { callsPerWindow: 100, maxConcurrent: 3, adaptivePacing: false } });
		await m.clock.run(Promise.all(Array.from({ length: 12 }, () => m.client.request(leads))));
		expect(m.maxInFlight()).toBe(3);
	});

	it('adaptive: before any refusal keeps 2 in 5 of the setting in flight, more as its calls fill the window, never above the setting', async () => {
		const m = scriptedMarketo(() => ok(), { latencyMs: 500, settings: { callsPerWindow: 50, maxConcurrent: 5 } });
		await m.clock.run(Promise.all(Array.from({ length: 12 }, () => m.client.request(leads))));
		// 12 calls: 2 in flight (the third only once 30 of the share's 50 calls are admitted in the window)
		expect(m.maxInFlight()).toBe(2);
		const n = scriptedMarketo(() => ok(), { latencyMs: 500, settings: { callsPerWindow: 50, maxConcurrent: 5 } });
		await n.clock.run(Promise.all(Array.from({ length: 200 }, () => n.client.request(leads))));
		// more as the window fills (measured 3), never above the setting
		expect(n.maxInFlight()).toBeGreaterThan(2);
		expect(n.maxInFlight()).toBeLessThanOrEqual(5);
	});
});
