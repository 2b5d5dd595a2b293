/**
 * The Marketo API credential's token handling for n8n's HTTP Request node: n8n writes the credential whenever
 * preAuthentication hands back the expirable field (`sessionToken`), so it must do so only when the token changes.
 */
import type { ICredentialDataDecryptedObject, IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';

import { MarketoApi } from '../../../credentials/MarketoApi.credentials';
import { resetTokens } from '../../../nodes/Marketo/transport';

const base = { baseUrl: 'https://123-ABC-456.mktorest.com', clientId: 'id', clientSecret: 'secret', rateLimitCalls: 50, maxConcurrent: 5, rateWindowSeconds: 20 };

/** An identity service handing out token-1, token-2, ... each valid an hour; counts its calls. */
function identity() {
	let issued = 0;
	const httpRequest = jest.fn(async (_options: IHttpRequestOptions) => {
		await Promise.resolve();
		issued++;
		return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: `token-${issued}`, expires_in: 3600 }) };
	});
	const helper = { helpers: { httpRequest } } as unknown as IHttpRequestHelper;
	return { helper, calls: () => httpRequest.mock.calls.length };
}

describe('Marketo API credential in the HTTP Request node', () => {
	const credential = new MarketoApi();
	beforeEach(() => resetTokens());

	it('hands the token back (one write) for the first of many concurrent requests only; the others use the held token', async () => {
		const { helper, calls } = identity();
		const stored: ICredentialDataDecryptedObject = { ...base, sessionToken: '' };
		const outputs = await Promise.all(Array.from({ length: 20 }, async () => await credential.preAuthentication.call(helper, { ...stored })));
		expect(calls()).toBe(1);
		expect(outputs.filter((o) => o.sessionToken !== undefined)).toEqual([{ sessionToken: 'token-1', tokenRefreshAt: expect.any(Number) }]);
		const sent = await credential.authenticate({ ...stored }, { url: 'https://x', headers: {} });
		expect(sent.headers).toEqual({ Authorization: 'Bearer token-1' });
	});

	it('a good stored token: nothing handed back (no write), even when n8n asks again after a failed request', async () => {
		const { helper, calls } = identity();
		const stored = { ...base, sessionToken: 'stored', tokenRefreshAt: Date.now() + 600_000 };
		expect(await credential.preAuthentication.call(helper, stored)).toEqual({});
		expect(calls()).toBe(0);
		expect((await credential.authenticate(stored, { url: 'https://x' })).headers).toEqual({ Authorization: 'Bearer stored' });
	});

	it('a stale stored token is never sent: the request fails before it goes out, and a new token is handed back', async () => {
		const { helper, calls } = identity();
		const stored = { ...base, sessionToken: 'stale', tokenRefreshAt: Date.now() - 1 };
		await expect(credential.authenticate(stored, { url: 'https://x' })).rejects.toMatchObject({ response: { status: 401 } });
		const output = await credential.preAuthentication.call(helper, stored);
		expect(output).toEqual({ sessionToken: 'token-1', tokenRefreshAt: expect.any(Number) });
		expect(calls()).toBe(1);
		expect((await credential.authenticate({ ...stored, ...output }, { url: 'https://x' })).headers).toEqual({ Authorization: 'Bearer token-1' });
	});
});
