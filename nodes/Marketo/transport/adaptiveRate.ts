/**
 * How much of its share this process lets itself use right now, learned from Marketo's answers.
 *
 * Marketo's limits (100 calls per 20 s, 10 in flight) belong to the instance; other integrations and other n8n
 * processes (queue-mode workers) spend them too, and nothing tells one process what the others do. So each process
 * adapts as TCP flows do (AIMD): a 606 (rate) or 615 (concurrency) cuts what it allows itself to 60 % of what it was
 * using, and every window of calls answered normally gives back 2 % of its share per window (and one call in flight),
 * never above the credential's share. Processes that see the same answers end up with about equal parts of what the
 * instance has left, without talking to each other (measured in test/unit/transport/adaptivePacing.test.ts).
 */

export interface AdaptiveCeiling {
	/** the credential's share: calls per window */
	callsPerWindow: number;
	/** the credential's share: calls in flight */
	maxConcurrent: number;
	windowMs: number;
}

/**
 * What one refusal leaves of the amount in use when it came (TCP's multiplicative decrease). In the simulation 0.6
 * kept four processes sharing one instance within 14 % of equal shares, where 0.5 and 0.7 let one drift 24 % away.
 */
export const DECREASE_FACTOR = 0.6;
/**
 * The least a process allows itself, as a part of its share (10 of 100 calls per window): a process cut lower would
 * send so few calls that it would rarely find the slots the others leave, and never learn that it may climb.
 */
const FLOOR = 1 / 10;
/** Calls per window given back per window of admitted calls, as a part of the share (2 for Marketo's 100). */
const INCREASE_PER_WINDOW = 1 / 50;

export class AdaptiveRate {
	private calls: number;
	private concurrent: number;
	private lastRateCut = Number.NEGATIVE_INFINITY;
	private lastConcurrencyCut = Number.NEGATIVE_INFINITY;

	constructor(private ceiling: AdaptiveCeiling) {
		this.calls = ceiling.callsPerWindow;
		this.concurrent = ceiling.maxConcurrent;
	}

	/** Calls this process allows itself per window now (at least 1). */
	callsPerWindow(): number {
		return Math.max(1, Math.floor(this.calls));
	}

	/** Whether a refusal has held this process below its share: it then spreads its calls over the window. */
	reduced(): boolean {
		return this.callsPerWindow() < this.ceiling.callsPerWindow;
	}

	/** Calls this process allows itself in flight now (at least 1). */
	maxConcurrent(): number {
		return Math.max(1, Math.floor(this.concurrent));
	}

	/** The credential's settings changed: the new share is the new ceiling. */
	setCeiling(ceiling: AdaptiveCeiling): void {
		this.ceiling = ceiling;
		this.calls = Math.min(this.calls, ceiling.callsPerWindow);
		this.concurrent = Math.min(this.concurrent, ceiling.maxConcurrent);
	}

	/**
	 * Marketo answered 606: the instance's window is full. Cut to 60 % of what this process actually sent in the
	 * window (not of its allowance, which it may not have been using), once per window: the other 606s of the same
	 * burst were caused by the same excess. Returns whether it cut.
	 */
	rateLimited(now: number, ownCallsInWindow: number): boolean {
		if (now - this.lastRateCut < this.ceiling.windowMs) return false;
		this.lastRateCut = now;
		this.calls = Math.max(1, this.ceiling.callsPerWindow * FLOOR, Math.min(this.calls, ownCallsInWindow) * DECREASE_FACTOR);
		return true;
	}

	/** Marketo answered 615: too many calls in flight on the instance. Same rule, for the calls in flight. */
	concurrencyLimited(now: number, ownInFlight: number): boolean {
		if (now - this.lastConcurrencyCut < this.ceiling.windowMs) return false;
		this.lastConcurrencyCut = now;
		this.concurrent = Math.max(1, Math.min(this.concurrent, ownInFlight) * DECREASE_FACTOR);
		return true;
	}

	/**
	 * A call was admitted by Marketo (any answer but 606/615). A window's worth of them gives back 2 % of the share
	 * per window (2 calls of 100, at least 1) and one call in flight: the additive increase.
	 */
	admitted(): void {
		const perCall = 1 / Math.max(1, this.calls);
		const step = Math.max(1, this.ceiling.callsPerWindow * INCREASE_PER_WINDOW) * perCall;
		this.calls = Math.min(this.ceiling.callsPerWindow, this.calls + step);
		this.concurrent = Math.min(this.ceiling.maxConcurrent, this.concurrent + perCall);
	}
}
