import { isOutcomeUnknown, MarketoOutcomeUnknownError } from '../../../nodes/Marketo/transport';
import type { HttpResponse, MarketoRequest } from '../../../nodes/Marketo/transport';
import { marketoError, ok, scriptedMarketo } from '../helpers/fakeMarketo';

const create: MarketoRequest = { method: 'POST', path: '/bulk/v1/leads/export/create.json', body: { fields: ['id'] }, repeatable: false };
const addToList: MarketoRequest = { method: 'POST', path: '/rest/v1/lists/1/leads.json', repeatable: true };
const read: MarketoRequest = { method: 'GET', path: '/rest/v1/leads/partitions.json' };

const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const timeout = () => Object.assign(new Error('timeout of 120000ms exceeded'), { code: 'ECONNABORTED' });
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
const gateway = (status: number): HttpResponse => ({ statusCode: status, headers: {}, body: 'Bad gateway' });

/** Fails the first call with `first`, answers every later one. */
function firstFails(first: () => HttpResponse) {
	return scriptedMarketo((_r, call) => (call === 1 ? first() : ok([{ id: 1 }])));
}

describe('requests that must not run twice', () => {
	it.each([
		['a connection reset after sending', () => { throw reset(); }],
		['a timeout', () => { throw timeout(); }],
		['HTTP 502', () => gateway(502)],
		['HTTP 503', () => gateway(503)],
		['HTTP 504', () => gateway(504)],
	])('after %s: not sent again, MarketoOutcomeUnknownError saying so', async (_name, first) => {
		const m = firstFails(first);
		const error = await m.clock.run(m.client.request(create)).catch((e: unknown) => e);
		expect(m.requests).toHaveLength(1);
		expect(error).toBeInstanceOf(MarketoOutcomeUnknownError);
		expect(isOutcomeUnknown(error)).toBe(true);
		expect((error as Error).message).toMatch(/^No answer from Marketo, so whether it was done is unknown/);
		expect((error as { description?: string }).description).toMatch(/not sent again/);
		expect((error as MarketoOutcomeUnknownError).sentAt).toBe(m.requests[0].at);
	});

	it('a refused connection (nothing was sent) is tried again', async () => {
		const m = firstFails(() => {
			throw refused();
		});
		const answer = await m.clock.run(m.client.request(create));
		expect(answer.result).toEqual([{ id: 1 }]);
		expect(m.requests).toHaveLength(2);
	});

	it.each(['604', '606', '608', '611', '615', '713'])('an in-band %s (Marketo answered, did not act) is tried again', async (code) => {
		const m = firstFails(() => marketoError(code));
		await m.clock.run(m.client.request(create));
		expect(m.requests).toHaveLength(2);
	});

	it("a gateway status carrying Marketo's own envelope is Marketo's answer: tried again", async () => {
		const m = firstFails(() => ({ ...marketoError('615'), statusCode: 503 }));
		await m.clock.run(m.client.request(create));
		expect(m.requests).toHaveLength(2);
	});

	it('602 (token expired) gets a new token and is tried again', async () => {
		const m = firstFails(() => marketoError('602'));
		await m.clock.run(m.client.request(create));
		expect(m.requests).toHaveLength(2);
	});
});

describe('requests that are harmless to repeat', () => {
	it.each([
		['a write declared repeatable', addToList],
		['a read', read],
	])('%s is retried after a reset, a timeout and HTTP 504', async (_name, request) => {
		const failures = [reset, timeout, () => gateway(504)];
		const m = scriptedMarketo((_r, call) => {
			const failure = failures[call - 1];
			if (!failure) return ok([{ id: 1 }]);
			const outcome = failure();
			if (outcome instanceof Error) throw outcome;
			return outcome;
		});
		await m.clock.run(m.client.request(request));
		expect(m.requests).toHaveLength(4);
	});
});

describe("Marketo's clock", () => {
	it("is read from the answers' Date header, to compare with the times Marketo writes", async () => {
		const m = scriptedMarketo(() => ({ ...ok(), headers: { date: new Date(Date.UTC(2026, 11, 2, 10, 0, 0)).toUTCString() } }));
		expect(m.client.marketoTime(m.clock.now())).toBeUndefined();
		await m.clock.run(m.client.request(read));
		const local = m.clock.now();
		expect(m.client.marketoTime(local)).toBe(Date.UTC(2026, 11, 2, 10, 0, 0));
		expect(m.client.marketoTime(local - 5000)).toBe(Date.UTC(2026, 11, 2, 9, 59, 55));
	});
});
