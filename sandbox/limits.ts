/** Marketo's per-instance limits: sliding-window rate, calls in flight, daily quota. */
import { MarketoError } from './envelope';
import type { LimitOptions } from './options';

/** The calendar day in US Central time, when Marketo's daily quota resets. */
export function centralDay(now: number): string {
	try {
		return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago' }).format(new Date(now));
	} catch {
		return new Date(now - 6 * 3600 * 1000).toISOString().slice(0, 10);
	}
}

export class Limiter {
	private window: number[] = [];
	private inFlight = 0;
	private quotaDay = '';
	private quotaUsed = 0;
	/** today's counted calls per API user (client id) */
	private quotaByUser = new Map<string, number>();

	constructor(
		private readonly limits: LimitOptions,
		private readonly windowMs: number,
	) {}

	/** Admits a call or throws 615 / 606 / 607. The caller must call release() once the answer is sent. */
	admit(now = Date.now()): void {
		const { rateLimitCalls, rateWindowSeconds, maxConcurrent, dailyQuota } = this.limits;
		if (this.inFlight >= maxConcurrent) throw new MarketoError('615');
		while (this.window.length && this.window[0] <= now - this.windowMs) this.window.shift();
		if (this.window.length >= rateLimitCalls) {
			throw new MarketoError('606', `Max rate limit '${rateLimitCalls}' exceeded with in '${rateWindowSeconds}' secs`);
		}
		this.rollDay(now);
		if (this.quotaUsed >= dailyQuota) throw new MarketoError('607');
		if (Number.isFinite(rateLimitCalls)) this.window.push(now);
		this.inFlight++;
	}

	release(): void {
		if (this.inFlight > 0) this.inFlight--;
	}

	/** Successful calls count against the daily quota (Marketo does not count calls that return errors). */
	countSuccess(now = Date.now(), clientId?: string | null): void {
		this.rollDay(now);
		this.quotaUsed++;
		if (clientId) this.quotaByUser.set(clientId, (this.quotaByUser.get(clientId) ?? 0) + 1);
	}

	/** Today's count, every API user's, as GET /rest/v1/stats/usage.json reports it (users by client id). */
	usage(now = Date.now()): { date: string; total: number; byClientId: Map<string, number> } {
		this.rollDay(now);
		return { date: this.quotaDay, total: this.quotaUsed, byClientId: new Map(this.quotaByUser) };
	}

	private rollDay(now: number): void {
		const day = centralDay(now);
		if (day !== this.quotaDay) {
			this.quotaDay = day;
			this.quotaUsed = 0;
			this.quotaByUser.clear();
		}
	}

	stats(): { inFlight: number; callsInWindow: number; quotaUsed: number } {
		const now = Date.now();
		const callsInWindow = this.window.filter((t) => t > now - this.windowMs).length;
		return { inFlight: this.inFlight, callsInWindow, quotaUsed: this.quotaUsed };
	}

	reset(): void {
		this.window = [];
		this.quotaUsed = 0;
		this.quotaByUser.clear();
		this.quotaDay = '';
	}
}
