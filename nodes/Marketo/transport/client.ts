import { NodeOperationError } from 'n8n-workflow';
import type { INode, Logger } from 'n8n-workflow';

import { classifyCode, isDroppedConnection, MarketoApiError, MarketoOutcomeUnknownError, RETRYABLE_HTTP_STATUSES, wasNeverSent } from './errors';
import type { Clock, HttpRequest, HttpResponse, HttpSender } from './http';
import { REQUEST_TIMEOUT_MS, systemClock } from './http';
import { DailyBudget, USAGE_PATH } from './dailyBudget';
import { fetchToken } from './identity';
import { limiterFor } from './limiter';
import type { RateLimiter } from './limiter';
import { encodeQuery, readResponse } from './response';
import type { Failure } from './response';
import { streamedAnswer } from './streamed';
import { TokenCache, tokenKey } from './token';
import type { ClientOptions, MarketoEnvelope, MarketoRequest, MarketoSettings, RawResponse, RetryPolicy } from './types';
import { DEFAULT_RETRY } from './types';

export * from './types';

/** Marketo refuses URIs over 8 KB; longer GETs are sent as POST with `_method=GET` and a form body. */
const MAX_URI_BYTES = 7900;

/** The role permission a call needs: Assets for the asset API, Lead for the rest; Read-Only for reads. */
function permissionFor(request: MarketoRequest): string {
	const area = request.path.startsWith('/rest/asset/') ? 'Assets' : 'Lead';
	const read = request.method === 'GET' || request.path.endsWith('/export/create.json') || request.path.includes('/export/');
	return `${read ? 'Read-Only' : 'Read-Write'} ${area}`;
}

/**
 * The one way the package talks to Marketo. Every call: a slot from the instance's rate limiter, a valid access
 * token in the Authorization header, Marketo's envelope read, token refresh and one retry on 601/602, retries with
 * backoff on transient failures (for a request that is not `repeatable`, only those Marketo provably did not act on;
 * otherwise MarketoOutcomeUnknownError), and a MarketoApiError (code, message, hint) for everything else.
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
	/** the credential's Daily Call Budget, when it has one */
	private readonly budget?: DailyBudget;
	/** Marketo's clock minus this process's, from the `Date` header of the latest answer */
	private clockOffset?: number;

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
			{ callsPerWindow: settings.callsPerWindow, windowMs: settings.windowMs, maxConcurrent: settings.maxConcurrent, adaptive: settings.adaptivePacing },
			this.clock,
			this.random,
		);
		if (settings.dailyBudget !== undefined) {
			this.budget = new DailyBudget(settings.baseUrl, settings.dailyBudget, async () => await this.dailyUsage(), this.node, () => this.clock.now(), options.timeZone);
		}
		this.tokens = new TokenCache(tokenKey(settings.baseUrl, settings.clientId, settings.clientSecret), {
			fetchToken: async () =>
				await fetchToken(this.settings, this.node, this.sender, this.clock, this.retry.maxAttempts, (attempt) => this.backoffDelay(attempt)),
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
	async accessToken(): Promise<{ token: string; expiresAt: number; refreshAt: number }> {
		const token = await this.tokens.get();
		return { token, expiresAt: this.tokens.expiresAt(), refreshAt: this.tokens.refreshAt() };
	}

	/**
	 * A moment of this process's clock (e.g. MarketoOutcomeUnknownError.sentAt) on Marketo's clock, to compare with
	 * the times Marketo writes (createdAt); undefined until an answer has carried a `Date` header.
	 */
	marketoTime(localMs: number): number | undefined {
		return this.clockOffset === undefined ? undefined : localMs + this.clockOffset;
	}

	/** Fetches a token now (credential test); fails with Marketo's own message. */
	async checkToken(): Promise<void> {
		await this.tokens.get();
	}

	/** Marketo's count of today's calls on the instance, every integration's (the reading itself not included). */
	private async dailyUsage(): Promise<number> {
		const response = await this.send({ method: 'GET', path: USAGE_PATH, expect: 'envelope' }, { outsideBudget: true });
		const result = (response.body as MarketoEnvelope<{ total?: number }>).result?.[0];
		return Number(result?.total ?? 0) || 0;
	}

	private async send(request: MarketoRequest, options: { outsideBudget?: boolean } = {}): Promise<RawResponse> {
		const operation = `${request.method} ${request.path}`;
		const started = this.clock.now();
		let attempt = 0;
		/** failed attempts that use up `retry.maxAttempts`: every failure but Marketo's limit answers (606, 615) */
		let failures = 0;
		let tokenRetried = false;
		let rejectedToken: string | undefined;

		for (;;) {
			attempt++;
			// every attempt is a call Marketo may count; the usage reading counts itself
			if (this.budget && !options.outsideBudget) await this.budget.reserve();
			const token = await this.tokens.get(rejectedToken);
			rejectedToken = undefined;
			const release = await this.limiter.acquire();
			let response: HttpResponse | undefined;
			let failure: Failure | undefined;
			let dropped: unknown;
			let slotHandedOver = false;
			const sentAt = this.clock.now();
			try {
				response = await this.sender(this.buildHttpRequest(request, token));
				if (request.expect === 'stream') {
					// a file keeps the slot until its body has arrived; Marketo's envelope (601/602/606/611 come on file
					// endpoints too) is told by the body and read as text, so the envelope rules apply to it
					slotHandedOver = true;
					response = await streamedAnswer(response, release);
				}
			} catch (error) {
				if (!isDroppedConnection(error)) {
					throw new NodeOperationError(this.node, `Could not reach Marketo at ${this.settings.baseUrl}: ${(error as Error).message}`, {
						description: 'Check the REST API base URL in the credential and that this n8n can reach it.',
					});
				}
				dropped = error;
			} finally {
				if (!slotHandedOver) release();
			}
			if (this.budget && !options.outsideBudget) this.budget.answered();

			if (response) {
				const date = Date.parse(String(response.headers.date ?? response.headers.Date ?? ''));
				if (!Number.isNaN(date)) this.clockOffset = date - this.clock.now();
				const outcome = readResponse(request, response);
				this.reportToLimiter(outcome.ok ? undefined : outcome.failure.code, sentAt);
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

			// a request that must not run twice is sent again only when Marketo provably did not act on it: it answered
			// with its own error code, or the connection was refused before anything was sent
			const outcomeOpen = response ? RETRYABLE_HTTP_STATUSES.has(Number(/^HTTP (\d+)$/.exec(failure.code)?.[1])) : !wasNeverSent(dropped);
			if (request.method !== 'GET' && !request.repeatable && outcomeOpen) {
				throw new MarketoOutcomeUnknownError(this.node, { ...failure, operation, hint: request.errorHint, sentAt });
			}

			const elapsed = this.clock.now() - started;
			// 606 and 615 say the instance's shared limits are spent at this moment (by other integrations, or by other
			// n8n workers that pace themselves on their own): Marketo did nothing with the call, so the call waits its turn
			// for as long as the time budget lasts, without using up the attempts meant for failures. Four queue-mode
			// workers at the default share ask for 20 calls in flight where Marketo allows 10: a call can meet 615 six
			// times running, and failing it then failed 300 items that Marketo would have taken a moment later.
			const limitAnswer = failure.code === '606' || failure.code === '615';
			if (!limitAnswer) failures++;
			const canRetry = (limitAnswer || failures < this.retry.maxAttempts) && elapsed < this.retry.maxTotalMs;
			if (info.retry === 'token' && !tokenRetried) {
				tokenRetried = true;
				rejectedToken = token;
				this.logger?.debug(`Marketo ${operation}: access token refused (${failure.code}), fetching a new one`);
				continue;
			}
			if (info.retry === 'rateWindow' && canRetry) {
				// the instance's shared window is spent (another integration, or limits set too high): the limiter has
				// slowed down (reportToLimiter) and the call waits for a slot at the new pace
				this.logger?.debug(`Marketo ${operation}: rate limit (606), waiting for a slot at a lower pace`);
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

	/** Tells the limiter how Marketo took a call that reached it (undefined: success), so it can adapt its pace. */
	private reportToLimiter(code: string | undefined, sentAt: number): void {
		if (code === '606') this.limiter.rateLimited(sentAt);
		else if (code === '615') this.limiter.concurrencyLimited(sentAt);
		// a gateway's 5xx says nothing about Marketo's limits
		else if (!code?.startsWith('HTTP ')) this.limiter.admitted(sentAt);
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

	/** For error messages that should name the instance. */
	get baseUrl(): string {
		return this.settings.baseUrl;
	}
}

export { classifyCode };
