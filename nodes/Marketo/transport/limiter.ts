import { AdaptiveRate } from './adaptiveRate';
import type { Clock } from './http';

export interface LimiterSettings {
	/** calls allowed per window (Marketo: 100 per instance, shared by every integration; Adobe advises 50 each) */
	callsPerWindow: number;
	/** the window, in milliseconds (Marketo: 20,000) */
	windowMs: number;
	/** calls allowed in flight at once (Marketo: 10 per instance; Adobe advises 5 each) */
	maxConcurrent: number;
	/**
	 * lower the pace after 606/615 and climb back slowly (see adaptiveRate.ts); false: always use the whole share and
	 * only wait the window out after a 606 (the behaviour before adaptation, kept for comparison)
	 */
	adaptive?: boolean;
}

/** Calls started near a window edge reach Marketo a little later than we start them; keep a small margin. */
const WINDOW_MARGIN = 1.01;

/**
 * Paces calls to one Marketo instance: a sliding window of call start times plus a count of calls in flight.
 * Callers wait instead of tripping 606 (rate) or 615 (concurrency). When they still happen (another integration or
 * another n8n process spends the shared limits), the limiter learns from them: adaptively it lowers this process's
 * pace (AdaptiveRate); without adaptation it pauses every caller until the window has passed.
 */
export class RateLimiter {
	private readonly starts: number[] = [];
	private inFlight = 0;
	private pausedUntil = 0;
	private readonly rate: AdaptiveRate;
	/** callers waiting for a call in flight to end */
	private slotWaiters: Array<() => void> = [];
	/** below its share, the next call may not start before this (calls spread over the window) */
	private nextStartAt = 0;

	constructor(
		private limits: LimiterSettings,
		private readonly clock: Clock,
		/** jitter for the spacing, so that processes do not fall into step with each other */
		private readonly random: () => number = Math.random,
	) {
		this.rate = new AdaptiveRate(limits);
	}

	get settings(): LimiterSettings {
		return this.limits;
	}

	/** New credential settings: a new share (the adaptive pace never goes above it). */
	set settings(limits: LimiterSettings) {
		this.limits = limits;
		this.rate.setCeiling(limits);
	}

	private get adaptive(): boolean {
		return this.limits.adaptive !== false;
	}

	/** Waits for a slot; returns the function that frees it (call it when the answer has arrived: for a streamed file, its last byte, see streamed.ts). Calling it again does nothing. */
	async acquire(): Promise<() => void> {
		for (;;) {
			const now = this.clock.now();
			const windowMs = this.limits.windowMs * WINDOW_MARGIN;
			while (this.starts.length > 0 && this.starts[0] <= now - windowMs) this.starts.shift();
			const callsPerWindow = this.adaptive ? this.rate.callsPerWindow() : this.limits.callsPerWindow;
			const maxConcurrent = this.adaptive ? this.rate.maxConcurrent() : this.limits.maxConcurrent;

			let waitMs = 0;
			if (now < Math.max(this.pausedUntil, this.nextStartAt)) {
				waitMs = Math.max(this.pausedUntil, this.nextStartAt) - now;
			} else if (this.starts.length >= callsPerWindow) {
				// after a cut the window may hold more than the new pace: wait until enough of it has aged out
				waitMs = this.starts[this.starts.length - callsPerWindow] + windowMs - now;
			} else if (this.inFlight >= maxConcurrent) {
				await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
				continue;
			} else {
				this.starts.push(now);
				this.inFlight++;
				if (this.adaptive && this.rate.reduced()) {
					// sharing the instance: spread the calls over the window (a burst would take every slot freed at the
					// window's edge and leave the others only refusals), with jitter so that processes do not fall in step
					this.nextStartAt = now + (this.limits.windowMs / callsPerWindow) * (0.5 + this.random());
				}
				let released = false;
				return () => {
					if (released) return;
					released = true;
					this.inFlight--;
					// every waiter looks again; those that find no slot wait again
					const waiters = this.slotWaiters;
					this.slotWaiters = [];
					for (const wake of waiters) wake();
				};
			}
			await this.clock.sleep(Math.max(1, Math.ceil(waitMs)));
		}
	}

	/** Marketo admitted a call (any answer but 606 or 615): the adaptive pace climbs back a little. */
	admitted(): void {
		if (this.adaptive) this.rate.admitted();
	}

	/**
	 * Marketo answered 606: the instance's window is spent. Adaptive: this process's pace is cut (once per window),
	 * and the callers wait until the window holds less than the new pace, then go at it, spread over the window.
	 * Otherwise every caller waits the window out.
	 */
	rateLimited(startedAt: number): void {
		const now = this.clock.now();
		if (!this.adaptive) {
			this.pause(this.limits.windowMs);
			return;
		}
		this.forget(startedAt);
		const windowMs = this.limits.windowMs * WINDOW_MARGIN;
		this.rate.rateLimited(now, this.starts.filter((start) => start > now - windowMs).length + 1);
		// what was right in waiting the window out: the window is full now, so nobody here sends at once; the next
		// call waits one interval of the new pace
		this.nextStartAt = Math.max(this.nextStartAt, now + (this.limits.windowMs / this.rate.callsPerWindow()) * (0.5 + this.random()));
	}

	/** Marketo answered 615: too many calls in flight on the instance. Adaptive: fewer calls in flight from here. */
	concurrencyLimited(startedAt: number): void {
		if (!this.adaptive) return;
		this.forget(startedAt);
		// the refused call has already freed its slot; it was one of the calls in flight
		this.rate.concurrencyLimited(this.clock.now(), this.inFlight + 1);
	}

	/**
	 * A refused call does not use the instance's window (the sandbox does not count it; Marketo's own accounting is
	 * not documented): it leaves this process's window too, so that its retry is paced like any new call rather than
	 * exactly one window later, in step with whatever filled the window.
	 */
	private forget(startedAt: number): void {
		for (let i = this.starts.length - 1; i >= 0; i--) {
			if (this.starts[i] <= startedAt) {
				this.starts.splice(i, 1);
				return;
			}
		}
	}

	/** Holds every caller back for `ms`. */
	pause(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
	}

	/** For tests and figures: calls started within the current window, calls in flight, and the pace allowed now. */
	stats(): { startedInWindow: number; inFlight: number; callsPerWindow: number; maxConcurrent: number } {
		return {
			startedInWindow: this.starts.length,
			inFlight: this.inFlight,
			callsPerWindow: this.adaptive ? this.rate.callsPerWindow() : this.limits.callsPerWindow,
			maxConcurrent: this.adaptive ? this.rate.maxConcurrent() : this.limits.maxConcurrent,
		};
	}
}

/**
 * One limiter per Marketo instance for the whole n8n process, so that every execution and every node using the
 * same instance shares it. When two credentials point at the same instance with different settings, the most
 * recent settings apply.
 */
const limiters = new Map<string, RateLimiter>();

export function limiterFor(instanceKey: string, settings: LimiterSettings, clock: Clock, random?: () => number): RateLimiter {
	let limiter = limiters.get(instanceKey);
	if (!limiter) {
		limiter = new RateLimiter(settings, clock, random);
		limiters.set(instanceKey, limiter);
	} else {
		limiter.settings = settings;
	}
	return limiter;
}

/** Forget every limiter (tests only). */
export function resetLimiters(): void {
	limiters.clear();
}
