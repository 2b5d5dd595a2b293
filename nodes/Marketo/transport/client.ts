import { NodeOperationError } from 'n8n-workflow';
import type { INode, Logger } from 'n8n-workflow';

import { classifyCode, isDroppedConnection, MarketoApiError, RETRYABLE_HTTP_STATUSES } from './errors';
import type { Clock, HttpRequest, HttpResponse, HttpSender } from './http';
import { systemClock } from './http';
import { limiterFor } from './limiter';
import type { RateLimiter } from './limiter';
import { TokenCache, tokenKey } from './token';

/** The credential's values, normalised (see credentials/MarketoApi.credentials.ts). */
export interface MarketoSettings {
	/** `https://<munchkin-id>.mktorest.com`, without trailing slash or `/rest` */
	baseUrl: string;
	clientId: string;
	clientSecret: string;
	callsPerWindow: number;
	windowMs: number;
	maxConcurrent: number;
}

/** Marketo's answer envelope. */
export interface MarketoEnvelope<T = Record<string, unknown>> {
	requestId?: string;
	success: boolean;
	result?: T[];
	errors?: Array<{ code: string | number; message: string }>;
	warnings?: Array<{ code?: string | number; message?: string } | string>;
	nextPageToken?: string;
	moreResult?: boolean;
	[key: string]: unknown;
}

/** A query parameter given once per value (`id=1&id=2`), as Swagger's `collectionFormat: multi` lists ask. */
export interface RepeatedValue {
	repeat: Array<string | number>;
}

/** Arrays are sent comma-separated (`filterValues=a,b`), Marketo's documented form for filters and fields. */
export type QueryValue = string | number | boolean | Array<string | number> | RepeatedValue | undefined;

export function repeated(values: Array<string | number>): RepeatedValue {
	return { repeat: values };
}

export interface MarketoRequest {
	method: 'GET' | 'POST' | 'DELETE';
	/** path below the base URL, e.g. `/rest/v1/leads.json` */
	path: string;
	qs?: Record<string, QueryValue>;
	/** JSON body */
	body?: unknown;
	/** form-encoded body (asset API writes) */
	form?: Record<string, QueryValue>;
	/** raw body with its content type (multipart uploads) */
	raw?: { body: Buffer; contentType: string };
	/**
	 * 'envelope' (default): JSON envelope checked for success; 'text': raw text body (files);
	 * 'stream': the body as a stream (large files)
	 */
	expect?: 'envelope' | 'text' | 'stream';
	/** extra headers (e.g. Range) */
	headers?: Record<string, string>;
	/** error codes that are an answer, not a failure (e.g. 702 "no assets" at the end of paging) */
	acceptCodes?: string[];
	/** sentence put in front of the error hint, e.g. naming the parameter the failing value came from */
	errorHint?: string;
	/**
	 * Whether sending this request twice is harmless (GETs always are). One that is not (it creates a job, a list, a
	 * lead) is sent again only when Marketo provably did not act on it: an in-band error code, a refused connection.
	 */
	repeatable?: boolean;
}

export interface RawResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

export interface RetryPolicy {
	/** attempts in all for transient failures (first try included) */
	maxAttempts: number;
	/** first backoff delay; doubles each time, with jitter */
	baseDelayMs: number;
	maxDelayMs: number;
	/** give up retrying when this much time has passed since the first attempt */
	maxTotalMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 30_000, maxTotalMs: 300_000 };

export interface ClientOptions {
	node: INode;
	sender: HttpSender;
	clock?: Clock;
	retry?: Partial<RetryPolicy>;
	logger?: Logger;
	random?: () => number;
}

/** Marketo refuses URIs over 8 KB; longer GETs are sent as POST with `_method=GET` and a form body. */
const MAX_URI_BYTES = 7900;
const REQUEST_TIMEOUT_MS = 120_000;

function encodeQuery(qs: Record<string, QueryValue> | undefined): string {
	if (!qs) return '';
	const parts: string[] = [];
	for (const [key, value] of Object.entries(qs)) {
		if (value === undefined || value === '') continue;
		if (typeof value === 'object' && 'repeat' in value) {
			for (const v of value.repeat) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(v))}`);
			continue;
		}
		const text = Array.isArray(value) ? value.join(',') : String(value);
		parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(text)}`);
	}
	return parts.join('&');
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/** A streamed answer that is not a file: an error status, or JSON (Marketo's envelope on a file endpoint). */
function isStreamedMessage(response: HttpResponse): boolean {
	const contentType = String(response.headers['content-type'] ?? '');
	return response.statusCode < 200 || response.statusCode >= 300 || /json/i.test(contentType);
}

/** Such a message is short: read up to 64 KB of it as text, and let go of the rest (the socket is freed). */
async function readStreamedMessage(body: unknown): Promise<string> {
	const stream = body as (AsyncIterable<Buffer | string> & { destroy?: () => void }) | undefined;
	if (!stream || typeof stream !== 'object' || !(Symbol.asyncIterator in stream)) return bodyText(body);
	const chunks: Buffer[] = [];
	let size = 0;
	try {
		for await (const chunk of stream) {
			const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
			chunks.push(buffer);
			size += buffer.length;
			if (size >= 65_536) break;
		}
	} catch {
		// a message cut short is still worth reporting as far as it came
	} finally {
		stream.destroy?.();
	}
	return Buffer.concat(chunks).toString('utf8');
}

function bodyText(body: unknown): string {
	if (typeof body === 'string') return body;
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (body && typeof body === 'object') return JSON.stringify(body);
	return '';
}

/** The role permission a call needs: Assets for the asset API, Lead for the rest; Read-Only for reads. */
function permissionFor(request: MarketoRequest): string {
	const area = request.path.startsWith('/rest/asset/') ? 'Assets' : 'Lead';
	const read = request.method === 'GET' || request.path.endsWith('/export/create.json') || request.path.includes('/export/');
	return `${read ? 'Read-Only' : 'Read-Write'} ${area}`;
}

/**
 * The one way the package talks to Marketo. Every call: a slot from the instance's rate limiter, a valid access
 * token in the Authorization header, Marketo's envelope read, token refresh and one retry on 601/602, retries with
 * backoff on transient failures, and a MarketoApiError (code, message, hint) for everything else.
 */
export class MarketoClient {
	readonly settings: MarketoSettings;
	private readonly node: INode;
	private readonly sender: HttpSender;
	private readonly clock: Clock;
	private readonly retry: RetryPolicy;
	private readonly logger?: Logger;
	private readonly random: () => number;
	private readonly limiter: RateLimiter;
	private readonly tokens: TokenCache;

	constructor(settings: MarketoSettings, options: ClientOptions) {
		this.settings = settings;
		this.node = options.node;
		this.sender = options.sender;
		this.clock = options.clock ?? systemClock;
		this.retry = { ...DEFAULT_RETRY, ...options.retry };
		this.logger = options.logger;
		this.random = options.random ?? Math.random;
		this.limiter = limiterFor(
			settings.baseUrl,
			{ callsPerWindow: settings.callsPerWindow, windowMs: settings.windowMs, maxConcurrent: settings.maxConcurrent },
			this.clock,
		);
		this.tokens = new TokenCache(tokenKey(settings.baseUrl, settings.clientId, settings.clientSecret), {
			fetchToken: async () => await this.fetchToken(),
		}, this.clock);
	}

	/** A call answered with Marketo's JSON envelope; returns it when `success` is true. */
	async request<T = Record<string, unknown>>(request: MarketoRequest): Promise<MarketoEnvelope<T>> {
		const response = await this.send({ ...request, expect: 'envelope' });
		return response.body as MarketoEnvelope<T>;
	}

	/** A call answered with a file (text or stream): returns status, headers and body. */
	async download(request: MarketoRequest): Promise<RawResponse> {
		return await this.send({ ...request, expect: request.expect ?? 'text' });
	}

	/**
	 * A token with useful life left, and when it expires: the one this process holds for the instance, else a new
	 * one. For the credential's preAuthentication (the HTTP Request node with the Marketo API credential).
	 */
	async accessToken(): Promise<{ token: string; expiresAt: number }> {
		const token = await this.tokens.get();
		return { token, expiresAt: this.tokens.expiresAt() };
	}

	/** Fetches a token now (credential test); fails with Marketo's own message. */
	async checkToken(): Promise<void> {
		await this.tokens.get();
	}

	private async send(request: MarketoRequest): Promise<RawResponse> {
		const operation = `${request.method} ${request.path}`;
		const started = this.clock.now();
		let attempt = 0;
		let tokenRetried = false;
		let rejectedToken: string | undefined;

		for (;;) {
			attempt++;
			const token = await this.tokens.get(rejectedToken);
			rejectedToken = undefined;
			const release = await this.limiter.acquire();
			let response: HttpResponse | undefined;
			let failure: { code: string; message: string; httpStatus?: number; requestId?: string } | undefined;
			let dropped: unknown;
			try {
				response = await this.sender(this.buildHttpRequest(request, token));
				if (request.expect === 'stream' && isStreamedMessage(response)) {
					// Marketo answers 601/602/606/611 on file endpoints too, with HTTP 200 and a JSON envelope: read it
					// as text so the envelope rules (token refresh, retries, errors) apply instead of saving it as the file
					response = { ...response, body: await readStreamedMessage(response.body) };
				}
			} catch (error) {
				if (!isDroppedConnection(error)) {
					throw new NodeOperationError(this.node, `Could not reach Marketo at ${this.settings.baseUrl}: ${(error as Error).message}`, {
						description: 'Check the REST API base URL in the credential and that this n8n can reach it.',
					});
				}
				dropped = error;
			} finally {
				release();
			}

			if (response) {
				const outcome = this.readResponse(request, response);
				if (outcome.ok) return outcome.response;
				failure = outcome.failure;
			} else {
				failure = { code: 'ECONNRESET', message: `connection dropped (${(dropped as Error)?.message ?? 'no answer'})` };
			}

			const info = failure.code.startsWith('HTTP ')
				? { retry: RETRYABLE_HTTP_STATUSES.has(failure.httpStatus ?? 0) ? 'backoff' : failure.httpStatus === 401 ? 'token' : 'fail' }
				: failure.code === 'ECONNRESET'
					? { retry: 'backoff' }
					: classifyCode(failure.code, failure.message);

			const elapsed = this.clock.now() - started;
			const canRetry = attempt < this.retry.maxAttempts && elapsed < this.retry.maxTotalMs;
			if (info.retry === 'token' && !tokenRetried) {
				tokenRetried = true;
				rejectedToken = token;
				this.logger?.debug(`Marketo ${operation}: access token refused (${failure.code}), fetching a new one`);
				continue;
			}
			if (info.retry === 'rateWindow' && canRetry) {
				// the instance's shared window is spent (another integration, or limits set too high): wait it out
				this.limiter.pause(this.settings.windowMs);
				this.logger?.debug(`Marketo ${operation}: rate limit (606), waiting ${this.settings.windowMs} ms`);
				continue;
			}
			if (info.retry === 'backoff' && canRetry) {
				const delay = this.backoffDelay(attempt);
				this.logger?.debug(`Marketo ${operation}: ${failure.code}, retry ${attempt} in ${delay} ms`);
				await this.clock.sleep(delay);
				continue;
			}
			const retried = attempt > 1 ? ` (after ${attempt} attempts)` : '';
			throw new MarketoApiError(this.node, {
				...failure,
				message: `${failure.message}${retried}`,
				operation,
				hint: request.errorHint,
				permission: permissionFor(request),
			});
		}
	}

	private backoffDelay(attempt: number): number {
		const exponential = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
		// full jitter on the upper half, so that parallel callers do not retry in lockstep
		return Math.round(exponential / 2 + (this.random() * exponential) / 2);
	}

	private buildHttpRequest(request: MarketoRequest, token: string): HttpRequest {
		const headers: Record<string, string> = { Authorization: `Bearer ${token}`, ...request.headers };
		let method: HttpRequest['method'] = request.method;
		let query = encodeQuery(request.qs);
		let body: string | Buffer | undefined;

		if (request.raw) {
			headers['Content-Type'] = request.raw.contentType;
			body = request.raw.body;
		} else if (request.form) {
			headers['Content-Type'] = 'application/x-www-form-urlencoded';
			body = encodeQuery(request.form);
		} else if (request.body !== undefined) {
			headers['Content-Type'] = 'application/json';
			body = JSON.stringify(request.body);
		}

		let url = `${this.settings.baseUrl}${request.path}${query ? `?${query}` : ''}`;
		if (method === 'GET' && Buffer.byteLength(url) > MAX_URI_BYTES && body === undefined) {
			// Marketo's documented way around its 8 KB URI limit
			method = 'POST';
			headers['Content-Type'] = 'application/x-www-form-urlencoded';
			body = query;
			query = '_method=GET';
			url = `${this.settings.baseUrl}${request.path}?${query}`;
		}
		headers.Accept = headers.Accept ?? (request.expect === 'envelope' ? 'application/json' : '*/*');
		return {
			method,
			url,
			headers,
			body,
			responseType: request.expect === 'stream' ? 'stream' : 'text',
			timeout: REQUEST_TIMEOUT_MS,
		};
	}

	private readResponse(
		request: MarketoRequest,
		response: HttpResponse,
	):
		| { ok: true; response: RawResponse }
		| { ok: false; failure: { code: string; message: string; httpStatus?: number; requestId?: string } } {
		const status = response.statusCode;
		const expect = request.expect ?? 'envelope';

		if (expect !== 'envelope' && status >= 200 && status < 300) {
			// a streamed file stays a stream; a streamed answer read as text (see isStreamedMessage) is JSON
			if (expect === 'stream' && typeof response.body !== 'string') {
				return { ok: true, response: { statusCode: status, headers: response.headers, body: response.body } };
			}
			// files are plain text, but Marketo may still answer an envelope with an error
			const text = bodyText(response.body);
			const envelope = text.trimStart().startsWith('{') ? (parseJson(text) as MarketoEnvelope | undefined) : undefined;
			if (envelope && envelope.success === false && Array.isArray(envelope.errors)) {
				return { ok: false, failure: this.envelopeFailure(envelope) };
			}
			if (expect === 'text') return { ok: true, response: { statusCode: status, headers: response.headers, body: text } };
			return {
				ok: false,
				failure: { code: 'HTTP 200', message: `Marketo answered JSON instead of a file: ${text.slice(0, 120)}`, httpStatus: status },
			};
		}

		const text = bodyText(response.body);
		const json = parseJson(text) as MarketoEnvelope | undefined;
		if (status < 200 || status >= 300) {
			const snippet = json && typeof json === 'object' ? (json.errors?.[0]?.message ?? '') : text.slice(0, 200);
			if (json && json.success === false && Array.isArray(json.errors)) {
				return { ok: false, failure: { ...this.envelopeFailure(json), httpStatus: status } };
			}
			return {
				ok: false,
				failure: { code: `HTTP ${status}`, message: snippet.trim() || `HTTP status ${status}`, httpStatus: status },
			};
		}
		if (!json || typeof json !== 'object') {
			return {
				ok: false,
				failure: {
					code: 'HTTP 200',
					message: `Marketo answered something that is not JSON (${text.slice(0, 80).trim() || 'empty body'}). Check the REST API base URL.`,
					httpStatus: status,
				},
			};
		}
		if (json.success === false) {
			const failure = this.envelopeFailure(json);
			if (request.acceptCodes?.includes(failure.code)) return { ok: true, response: { statusCode: status, headers: response.headers, body: json } };
			return { ok: false, failure };
		}
		return { ok: true, response: { statusCode: status, headers: response.headers, body: json } };
	}

	private envelopeFailure(envelope: MarketoEnvelope): { code: string; message: string; requestId?: string } {
		const first = envelope.errors?.[0];
		return {
			code: first ? String(first.code) : 'unknown',
			message: first?.message ?? 'Marketo answered success:false without an error',
			requestId: envelope.requestId,
		};
	}

	/**
	 * `POST <base>/identity/oauth/token` with a form body: the secret never sits in a URL (URLs end up in proxy and
	 * server logs). Dropped connections and 5xx are retried; a refusal is reported with Marketo's own words.
	 */
	private async fetchToken(): Promise<{ accessToken: string; expiresInSeconds: number }> {
		const url = `${this.settings.baseUrl}/identity/oauth/token`;
		const body = encodeQuery({
			grant_type: 'client_credentials',
			client_id: this.settings.clientId,
			client_secret: this.settings.clientSecret,
		});
		for (let attempt = 1; ; attempt++) {
			let response: HttpResponse;
			try {
				response = await this.sender({
					method: 'POST',
					url,
					headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
					body,
					timeout: REQUEST_TIMEOUT_MS,
				});
			} catch (error) {
				if (isDroppedConnection(error) && attempt < this.retry.maxAttempts) {
					await this.clock.sleep(this.backoffDelay(attempt));
					continue;
				}
				throw new NodeOperationError(this.node, `Could not reach Marketo's identity service at ${url}`, {
					description: `${(error as Error).message}. Check the REST API base URL in the credential (Marketo Admin > Web Services > REST API > Endpoint, without /rest).`,
				});
			}
			if (RETRYABLE_HTTP_STATUSES.has(response.statusCode) && attempt < this.retry.maxAttempts) {
				await this.clock.sleep(this.backoffDelay(attempt));
				continue;
			}
			const text = bodyText(response.body);
			const json = parseJson(text) as Record<string, unknown> | undefined;
			if (response.statusCode === 200 && json && typeof json.access_token === 'string') {
				const expiresIn = Number(json.expires_in);
				return { accessToken: json.access_token, expiresInSeconds: Number.isFinite(expiresIn) ? expiresIn : 0 };
			}
			const marketoSays = json
				? String(json.error_description ?? json.error ?? (json as MarketoEnvelope).errors?.[0]?.message ?? text.slice(0, 120))
				: text.slice(0, 120).trim();
			if (response.statusCode === 401 || response.statusCode === 400) {
				throw new MarketoApiError(this.node, {
					code: `HTTP ${response.statusCode}`,
					message: `Marketo refused the Client ID / Client Secret: ${marketoSays || 'unauthorized'}`,
					httpStatus: response.statusCode,
					hint: 'Copy the Client ID and Client Secret again from Marketo Admin > LaunchPoint > (your custom service) > View Details, and check that the API-only user is active.',
				});
			}
			throw new MarketoApiError(this.node, {
				code: `HTTP ${response.statusCode}`,
				message: `No usable answer from Marketo's identity service at ${url}${marketoSays ? `: ${marketoSays}` : ''}`,
				httpStatus: response.statusCode,
				hint: 'Check the REST API base URL in the credential: it is shown in Marketo Admin > Web Services > REST API (https://<munchkin-id>.mktorest.com).',
			});
		}
	}

	/** For error messages that should name the instance. */
	get baseUrl(): string {
		return this.settings.baseUrl;
	}
}

export { classifyCode };
