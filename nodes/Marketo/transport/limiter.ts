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
 * How long a process that has no answer yet takes Marketo's answers to be: a 615 with none of its calls in flight
 * holds it back this long (Marketo answers in a few hundred milliseconds; the refused caller's own wait, 0.5 to 1 s
 * at the first 615, is no shorter).
 */
const UNKNOWN_ANSWER_MS = 500;
/** The most a call's leaving this process's window is put off when sharing, as a part of the window. */
const REPLAY_JITTER = 0.05;

/**
 * Paces calls to one Marketo instance: a sliding window of call start times plus a count of calls in flight.
 * Callers wait instead of tripping 606 (rate) or 615 (concurrency). When they still happen (another integration or
 * another n8n process spends the shared limits), the limiter learns from them: adaptively it lowers this process's
 * pace to its part of the instance (AdaptiveRate) and sends as its window's calls age out, a burst where they were a
 * burst (as Marketo's own sliding window frees them), so that processes whose paces add up to the limit never meet
 * a refusal; without adaptation it pauses every caller until the window has passed.
 */
export class RateLimiter {
	/** this process's calls in the window: when each started and when it leaves this process's window */
	private starts: Array<{ at: number; leaves: number }> = [];
	private inFlight = 0;
	private pausedUntil = 0;
	/** adaptive: the next call may not start before this (starts spread over the answer time, see AdaptiveRate) */
	private nextStartAt = 0;
	/** 606s answered since the last admitted call: each one doubles the wait before the next call */
	private refusalsInARow = 0;
	/** the start of the call sent beyond the pace to find a free slot, until its answer (see AdaptiveRate.mayProbe) */
	private probeStartedAt?: number;
	private readonly rate: AdaptiveRate;
	/** callers waiting for a call in flight to end */
	private slotWaiters: Array<() => void> = [];

	constructor(
		private limits: LimiterSettings,
		private readonly clock: Clock,
		/** chance in which process takes a freed slot first (see acquire) */
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
			this.starts = this.starts.filter((start) => start.leaves > now);
			const callsPerWindow = this.adaptive ? this.rate.callsPerWindow() : this.limits.callsPerWindow;
			const maxConcurrent = this.adaptive ? this.rate.maxConcurrent(this.starts.length) : this.limits.maxConcurrent;

			// a probe whose answer never came (a gateway error) no longer holds the next one back after a window
			if (this.probeStartedAt !== undefined && now - this.probeStartedAt > this.limits.windowMs) this.probeStartedAt = undefined;
			const probe =
				this.adaptive && this.starts.length >= callsPerWindow && this.inFlight < maxConcurrent && this.probeStartedAt === undefined && this.rate.mayProbe(now);

			let waitMs = 0;
			if (now < Math.max(this.pausedUntil, this.nextStartAt)) {
				waitMs = Math.max(this.pausedUntil, this.nextStartAt) - now;
			} else if (this.starts.length >= callsPerWindow && !probe) {
				// after a cut the window may hold more than the new pace: wait until enough of it has aged out. No spreading:
				// the calls go out as the window's earlier calls age out, so while the processes' paces add up to no more
				// than the instance's limit, their sliding windows add up to no more either
				if (this.adaptive) this.rate.waited('rate', now);
				const leaving = this.starts.map((start) => start.leaves).sort((a, b) => a - b);
				waitMs = leaving[leaving.length - callsPerWindow] - now;
			} else if (this.inFlight >= maxConcurrent) {
				if (this.adaptive) this.rate.waited('slot', now);
				await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
				continue;
			} else {
				// sharing the instance (a refusal has cut the pace), a call leaves this process's window up to 5 % of a window
				// later than Marketo's: which process takes a slot freed at the window's edge is then left to chance, and
				// every process meets the refusals in its turn (otherwise the one that came first keeps its slots for good,
				// and the others stay at the pace of their first refusal)
				const jitter = this.adaptive && this.rate.reduced() ? REPLAY_JITTER * this.random() : 0;
				if (probe) {
					this.rate.waited('rate', now);
					this.probeStartedAt = now;
				}
				this.starts.push({ at: now, leaves: now + windowMs + this.limits.windowMs * jitter });
				if (this.adaptive) this.nextStartAt = now + this.rate.startGapMs();
				this.inFlight++;
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

	/**
	 * Marketo admitted the call started at `startedAt` (any answer but 606 or 615): its answer time sets how many calls
	 * in flight the adaptive pace needs.
	 */
	admitted(startedAt: number): void {
		this.refusalsInARow = 0;
		if (this.adaptive && startedAt === this.probeStartedAt) {
			this.probeStartedAt = undefined;
			this.rate.probeAdmitted();
		}
		if (this.adaptive) this.rate.answered(this.clock.now() - startedAt);
	}

	/**
	 * Marketo answered 606 to the call started at `startedAt`: the instance's window is spent. Adaptive: this
	 * process's pace is cut to its part of the full window (once per window), and the callers wait until the window
	 * holds less than the new pace. Otherwise every caller waits the window out.
	 */
	rateLimited(startedAt: number): void {
		const now = this.clock.now();
		if (!this.adaptive) {
			this.pause(this.limits.windowMs);
			return;
		}
		this.forget(startedAt);
		if (startedAt === this.probeStartedAt) {
			// only the call beyond the pace was refused: the pace stays, and so do the calls waiting for it
			this.probeStartedAt = undefined;
			this.rate.probeRefused(now);
			return;
		}
		// this process's part of the full window: its calls started before the refused one (those started after it met
		// the same full window and will be refused too)
		this.rate.rateLimited(now, this.starts.filter((start) => start.leaves > now && start.at <= startedAt).length);
		// the instance's window is full and nothing here says when it frees: the next call waits one interval of the new
		// pace, twice as long after each further 606 (up to a window), so that a process whose window is empty (it had no
		// part of the full one) does not retry at the speed of the refusals
		this.refusalsInARow++;
		const interval = this.limits.windowMs / this.rate.callsPerWindow();
		this.pausedUntil = Math.max(this.pausedUntil, now + Math.min(this.limits.windowMs, interval * 2 ** (this.refusalsInARow - 1)));
	}

	/**
	 * Marketo answered 615: too many calls in flight on the instance. Adaptive: no more in flight than now, and none
	 * for about one answer time when none was.
	 */
	concurrencyLimited(startedAt: number): void {
		if (!this.adaptive) return;
		this.forget(startedAt);
		if (startedAt === this.probeStartedAt) this.probeStartedAt = undefined;
		// the refused call has already freed its slot
		this.rate.concurrencyLimited(this.clock.now(), this.inFlight);
		// with none of its own calls in flight it has no part of the instance's 10: the others' calls end within about one
		// answer time, and until then every caller here waiting for a slot would meet the same 615 in turn (a process
		// starting beside 2 others that had their 5 in flight each met 10 in a row)
		if (this.inFlight === 0) this.pause(this.rate.answerTimeMs() ?? UNKNOWN_ANSWER_MS);
	}

	/**
	 * A refused call does not use the instance's window (the sandbox does not count it; Marketo's own accounting is
	 * not documented): it leaves this process's window too, so that its retry is paced like any new call rather than
	 * exactly one window later, in step with whatever filled the window.
	 */
	private forget(startedAt: number): void {
		for (let i = this.starts.length - 1; i >= 0; i--) {
			if (this.starts[i].at <= startedAt) {
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
			maxConcurrent: this.adaptive ? this.rate.maxConcurrent(this.starts.length) : this.limits.maxConcurrent,
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
