import type { Clock } from './http';

export interface LimiterSettings {
	/** calls allowed per window (Marketo: 100 per instance, shared by every integration; Adobe advises 50 each) */
	callsPerWindow: number;
	/** the window, in milliseconds (Marketo: 20,000) */
	windowMs: number;
	/** calls allowed in flight at once (Marketo: 10 per instance; Adobe advises 5 each) */
	maxConcurrent: number;
}

/** Calls started near a window edge reach Marketo a little later than we start them; keep a small margin. */
const WINDOW_MARGIN = 1.01;
/** How often a caller that waits for a free concurrency slot looks again. */
const SLOT_POLL_MS = 5;

/**
 * Paces calls to one Marketo instance: a sliding window of call start times plus a count of calls in flight.
 * Callers wait instead of tripping 606 (rate) or 615 (concurrency). A 606 that still happens (another integration
 * spends the shared quota) pauses every caller until the window has passed.
 */
export class RateLimiter {
	private readonly starts: number[] = [];
	private inFlight = 0;
	private pausedUntil = 0;

	constructor(
		public settings: LimiterSettings,
		private readonly clock: Clock,
	) {}

	/** Waits for a slot; returns the function that frees it (call it when the answer has arrived: for a streamed file, its last byte, see streamed.ts). Calling it again does nothing. */
	async acquire(): Promise<() => void> {
		for (;;) {
			const now = this.clock.now();
			const windowMs = this.settings.windowMs * WINDOW_MARGIN;
			while (this.starts.length > 0 && this.starts[0] <= now - windowMs) this.starts.shift();

			let waitMs = 0;
			if (now < this.pausedUntil) {
				waitMs = this.pausedUntil - now;
			} else if (this.starts.length >= this.settings.callsPerWindow) {
				waitMs = this.starts[0] + windowMs - now;
			} else if (this.inFlight >= this.settings.maxConcurrent) {
				waitMs = SLOT_POLL_MS;
			} else {
				this.starts.push(now);
				this.inFlight++;
				let released = false;
				return () => {
					if (released) return;
					released = true;
					this.inFlight--;
				};
			}
			await this.clock.sleep(Math.max(1, Math.ceil(waitMs)));
		}
	}

	/** Holds every caller back for `ms` (after Marketo said 606: the shared window is spent). */
	pause(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
	}

	/** For tests and figures: calls started within the current window, and calls in flight. */
	stats(): { startedInWindow: number; inFlight: number } {
		return { startedInWindow: this.starts.length, inFlight: this.inFlight };
	}
}

/**
 * One limiter per Marketo instance for the whole n8n process, so that every execution and every node using the
 * same instance shares it. When two credentials point at the same instance with different settings, the most
 * recent settings apply.
 */
const limiters = new Map<string, RateLimiter>();

export function limiterFor(instanceKey: string, settings: LimiterSettings, clock: Clock): RateLimiter {
	let limiter = limiters.get(instanceKey);
	if (!limiter) {
		limiter = new RateLimiter(settings, clock);
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
