import type { INode } from 'n8n-workflow';

import { MarketoClient, resetLimiters, resetTokens } from '../../../nodes/Marketo/transport';
import type { HttpRequest, HttpResponse, MarketoSettings, RetryPolicy } from '../../../nodes/Marketo/transport';
import { FakeClock } from './fakeClock';

export const testNode: INode = {
	id: 'test',
	name: 'Marketo',
	type: 'n8n-nodes-marketo.marketo',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

export const settings: MarketoSettings = {
	baseUrl: 'https://123-abc-456.mktorest.com',
	clientId: 'client-id',
	clientSecret: 'very-secret-value',
	callsPerWindow: 50,
	windowMs: 20_000,
	maxConcurrent: 5,
};

export type Responder = (request: HttpRequest, call: number) => HttpResponse | Promise<HttpResponse>;

export function ok(result: unknown[] = [], extra: Record<string, unknown> = {}): HttpResponse {
	return { statusCode: 200, headers: {}, body: JSON.stringify({ requestId: 'a#1', success: true, result, ...extra }) };
}

export function marketoError(code: string, message = `error ${code}`): HttpResponse {
	return { statusCode: 200, headers: {}, body: JSON.stringify({ requestId: 'a#1', success: false, errors: [{ code, message }] }) };
}

export function tokenAnswer(token: string, expiresIn = 3599): HttpResponse {
	return {
		statusCode: 200,
		headers: {},
		body: JSON.stringify({ access_token: token, token_type: 'bearer', expires_in: expiresIn, scope: 'api@example.com' }),
	};
}

/**
 * A scripted Marketo: the identity endpoint answers `tokens` in turn (then repeats the last), every other call
 * goes to `respond`. Records every request, with the virtual time it was sent.
 */
export function scriptedMarketo(respond: Responder, options: { tokens?: HttpResponse[]; latencyMs?: number; retry?: Partial<RetryPolicy>; settings?: Partial<MarketoSettings> } = {}) {
	resetTokens();
	resetLimiters();
	const clock = new FakeClock();
	const requests: Array<HttpRequest & { at: number }> = [];
	const tokenRequests: Array<HttpRequest & { at: number }> = [];
	const tokens = options.tokens ?? [tokenAnswer('token-1')];
	let inFlight = 0;
	let maxInFlight = 0;
	const client = new MarketoClient(
		{ ...settings, ...options.settings },
		{
			node: testNode,
			clock,
			random: () => 0.5,
			retry: options.retry,
			sender: async (request) => {
				if (request.url.endsWith('/identity/oauth/token')) {
					tokenRequests.push({ ...request, at: clock.now() });
					return tokens[Math.min(tokenRequests.length - 1, tokens.length - 1)];
				}
				requests.push({ ...request, at: clock.now() });
				inFlight++;
				maxInFlight = Math.max(maxInFlight, inFlight);
				try {
					if (options.latencyMs) await clock.sleep(options.latencyMs);
					return await respond(request, requests.length);
				} finally {
					inFlight--;
				}
			},
		},
	);
	return { client, clock, requests, tokenRequests, maxInFlight: () => maxInFlight };
}
