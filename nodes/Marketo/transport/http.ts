import { sleep } from 'n8n-workflow';
import type { IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';

/** One HTTP exchange, as the transport sees it. Kept independent of n8n so the transport can be unit tested. */
export interface HttpRequest {
	method: IHttpRequestMethods;
	/** absolute URL; never carries the token or the client secret */
	url: string;
	headers?: Record<string, string>;
	body?: string | Buffer;
	/** 'text' (default) gives the body as a string; 'stream' gives a readable stream (file downloads) */
	responseType?: 'text' | 'stream';
	/** request timeout in milliseconds */
	timeout?: number;
}

export interface HttpResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

export type HttpSender = (request: HttpRequest) => Promise<HttpResponse>;

/** How long one call may take before it counts as a dropped connection. */
export const REQUEST_TIMEOUT_MS = 120_000;

/** Time, injectable so that pacing and backoff can be tested with a fake clock. */
export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
	now: () => Date.now(),
	sleep: async (ms: number) => {
		if (ms > 0) await sleep(ms);
	},
};

type HttpRequestHelper = (options: IHttpRequestOptions) => Promise<unknown>;

/**
 * Sender over n8n's `helpers.httpRequest` (proxy settings, SSL options and request logging of n8n apply).
 * HTTP errors are not thrown, because Marketo's own envelope and status decide what happens next.
 */
export function n8nHttpSender(httpRequest: HttpRequestHelper): HttpSender {
	return async (request) => {
		const response = (await httpRequest({
			method: request.method,
			url: request.url,
			headers: request.headers,
			body: request.body,
			encoding: request.responseType === 'stream' ? 'stream' : 'text',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: request.timeout,
		})) as { statusCode: number; headers: Record<string, string>; body: unknown };
		return { statusCode: response.statusCode, headers: response.headers ?? {}, body: response.body };
	};
}

type LegacyRequestHelper = (uriOrObject: string | object, options?: object) => Promise<unknown>;

/**
 * Sender over the only HTTP helper n8n gives a credential test function (`helpers.request`), used for nothing
 * else: the test button makes two calls, both through the same transport as the node.
 */
export function n8nCredentialTestSender(request: LegacyRequestHelper): HttpSender {
	return async (req) => {
		const response = (await request({
			method: req.method,
			uri: req.url,
			headers: req.headers,
			body: req.body,
			json: false,
			simple: false,
			resolveWithFullResponse: true,
			timeout: req.timeout,
		})) as { statusCode: number; headers: Record<string, string>; body: unknown };
		return { statusCode: response.statusCode, headers: response.headers ?? {}, body: response.body };
	};
}
