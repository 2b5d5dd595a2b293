/**
 * How much of its share this process lets itself use right now, learned from Marketo's answers.
 *
 * Marketo's limits (100 calls per 20 s, 10 in flight) belong to the instance; other integrations and other n8n
 * processes (queue-mode workers) spend them too, and nothing tells one process what the others do. What a refusal
 * does tell: at a 606 the instance's window is full, so the calls this process has in its own window at that moment
 * are its part of the instance now; at a 615 the calls it has in flight are its part of the calls in flight. Each
 * process cuts its pace to that part (exactly at the first full window it meets, a little under it later), so
 * processes sharing the instance land on the limit in one step and a process beside a steady client lands on what
 * that client leaves. It then climbs, never above the credential's share: after its first cut by half of what is left
 * up to the share once it has had 3 clean windows (the others' paces add up to the limit with it), after later cuts
 * one call per clean window and half of what is left after 3 (after 1 when far below the share); a climb that finds
 * the instance full costs about the one call it had in flight. Calls in flight follow the same part: before any
 * refusal a process keeps 2 in 5 of its share's calls in flight (more as its own calls fill the window; all of them
 * at Marketo's whole limit, which says it is alone), after a 606 the part of its share's calls in flight that its
 * pace is of its share's calls, so that processes starting together meet Marketo's 10 in flight rarely and fill the
 * window in equal parts. A process that met the full window with next to nothing of it (it started when others had
 * filled it) probes instead: one call beyond its pace at a time, each one admitted raising the pace at once, so it
 * takes the others' slots as soon as they finish. Calls in flight are kept as low as the pace needs (the calls that
 * reach Marketo between the window filling and the first refusal coming back are all refused), and their starts are
 * spread over the answer time.
 * Measured in test/unit/transport/adaptivePacing.test.ts and adaptivePacingRuns.test.ts.
 */

import { MARKETO_MAX_CALLS_PER_WINDOW, MARKETO_MAX_CONCURRENT } from './settings';

export interface AdaptiveCeiling {
	/** the credential's share: calls per window */
	callsPerWindow: number;
	/** the credential's share: calls in flight */
	maxConcurrent: number;
	windowMs: number;
}

/**
 * What a 606 leaves of the calls this process had in the window: just under its part, so that processes which all
 * met the full window land under the limit together (90 of 100) instead of exactly on it, where every small
 * difference in timing is a refusal.
 */
export const PART_FACTOR = 0.9;
/**
 * The first full window this process meets is cut to exactly its part: every process that met it had sent into it
 * from its start, so their parts add up to the limit, and paces that add up to the limit let processes that started
 * together finish together (with 90 of 100 their last calls spill into one more window: 1.37 × the ideal instead of
 * 1.05 × for 4 processes at 50 ms answers). Later cuts land under the limit (PART_FACTOR).
 */
const FIRST_PART_FACTOR = 1;
/**
 * After that first, exact cut the paces add up to the limit: a process waits this many clean windows before it climbs
 * (every process climbing in the first clean window would put them all over the limit at once; after 2 clean windows,
 * 4 processes of 100 calls each that started together all climbed in their fourth window, met the full window there,
 * and spilled 6 calls into a fifth: 1.41 × the ideal instead of 1.15 ×, simulated).
 */
const CLEAN_WINDOWS_BEFORE_FIRST_CLIMB = 3;
/**
 * The least a process allows itself, as a part of its share (5 of the default 50 calls per window): a process cut
 * lower would send so few calls that it would rarely find the slots the others leave.
 */
const FLOOR = 1 / 10;
/**
 * Calls in flight are enough to send the window's calls within this part of the window (a quarter of a second) at
 * the answers' observed speed: a process alone sends its share in a burst at the window's start (what the sliding
 * window allows). With a sliding window every later window repeats the first one's rhythm, so the run's last window
 * ends as long after it could as the first window's calls took (alone at Marketo's whole limit, 300 calls in a real
 * n8n: sent within a tenth of the window, 1.11 × the ideal; a twentieth, 1.06 ×; a quarter second, 1.055 ×, of which
 * 1.1 s is n8n building the output after the last answer). At a share below the whole limit,
 * FIRST_IN_FLIGHT_PART and the part after a 606 hold the calls in flight lower.
 */
const BURST_PART_OF_WINDOW = 1 / 80;
/**
 * Before its first refusal a process keeps at most this part of its share's calls in flight (2 of the default 5), and
 * one more for each tenth of its share's calls admitted in its window so far (a process with many calls admitted in
 * the window has few others beside it). Processes that start together then meet Marketo's 10 in flight rarely: every
 * 615 cut the process it met to its calls in flight of that moment, and processes cut at different moments held 30,
 * 30, 20 and 20 of the first full window, paces that made the last two finish a window after the others (1.47 × the
 * ideal, simulated and measured; 1.15 × with equal parts). Not at Marketo's whole limit (100 calls, 10 in flight): a
 * credential set there says that nothing else uses the instance, and holding back would cost a process alone its
 * first window's speed (every window repeats it: 1.17 × the ideal instead of 1.05 × at 500 ms answers, simulated).
 */
const FIRST_IN_FLIGHT_PART = 2 / 5;
/** Clean windows in a row after which a process climbs by half of what is left up to its share, not by one call. */
const CLEAN_WINDOWS_BEFORE_LEAP = 3;
/** Below this part of its share a process leaps after one clean window. */
const FAR_BELOW = 1 / 8;
/** Starts are spaced by this part of the answer time divided by the calls in flight (a little under it, so as not to slow a process alone). */
const START_GAP_PART = 0.8;
/** Weight of the newest answer in the average answer time. */
const LATENCY_WEIGHT = 0.2;
/**
 * A process refused while it had at most this part of its share in the window (half the floor) had next to nothing
 * of the full window: it started when others had filled it, and they may finish soon. It probes for free slots (see
 * mayProbe) until a refusal finds it with more than the floor in the window, a part of its own.
 */
const PROBE_BELOW = FLOOR / 2;
/** After a probe found the instance full, the next waits this many windows at most (doubling from one). */
const MAX_PROBE_BACKOFF_WINDOWS = 8;

export class AdaptiveRate {
	private calls: number;
	private concurrent: number;
	private lastRateCut = Number.NEGATIVE_INFINITY;
	private lastConcurrencyCut = Number.NEGATIVE_INFINITY;
	/** a 615 has set the calls in flight: from then on they grow by one per clean window only */
	private concurrencyCut = false;
	/** average time from sending a call to its answer, once known */
	private latencyMs?: number;
	/** windows in a row without refusal in which the process used all its calls */
	private cleanWindows = 0;
	private windowStart?: number;
	private refusedInWindow = false;
	private rateBoundInWindow = false;
	private slotBoundInWindow = false;
	/** no probe before this (see mayProbe) */
	private nextProbeAt = Number.NEGATIVE_INFINITY;
	/** windows the next probe waits after one that found the instance full */
	private probeBackoffWindows = 1;
	/** the last cut found the process with next to nothing of the full window (see PROBE_BELOW) */
	private probing = false;
	/** windows in which a 606 cut the pace */
	private rateCuts = 0;

	constructor(private ceiling: AdaptiveCeiling) {
		this.calls = ceiling.callsPerWindow;
		// one call in flight until answers come back: each admitted answer allows one more (up to what the pace needs),
		// so processes starting together meet Marketo's 10 in flight a few calls at a time, not all at once
		this.concurrent = 1;
	}

	/** Calls this process allows itself per window now (at least 1). */
	callsPerWindow(): number {
		return Math.max(1, Math.floor(this.calls));
	}

	/** Whether a refusal has held this process below its share: it shares the instance with others. */
	reduced(): boolean {
		return this.callsPerWindow() < this.ceiling.callsPerWindow;
	}

	/**
	 * The least time between two starts: the calls in flight spread over one answer time, not sent together as
	 * answers come back together (calls sent in the same moment meet a full window together: one refusal each). Before
	 * the first refusal, spread as for the calls in flight allowed with none of the window's calls admitted yet: a
	 * process that took more in flight as its calls filled the window still meets a full window with about one call
	 * out (beside a client using 60 of the 100 calls, 1 refusal instead of 2, simulated at 50 ms answers).
	 */
	startGapMs(): number {
		return ((this.latencyMs ?? 0) * START_GAP_PART) / this.maxConcurrent();
	}

	/** The average time from sending a call to its answer, once an answer came. */
	answerTimeMs(): number | undefined {
		return this.latencyMs;
	}

	/**
	 * Calls this process allows itself in flight now (at least 1), with `ownInWindow` of its calls admitted in its
	 * window (see FIRST_IN_FLIGHT_PART; without it, what is allowed before any of them).
	 */
	maxConcurrent(ownInWindow = 0): number {
		let allowed = Math.min(Math.floor(this.concurrent), this.neededInFlight());
		if (this.rateCuts === 0 && !this.concurrencyCut && !this.wholeLimit()) {
			const untried = Math.max(Math.floor(this.ceiling.maxConcurrent * FIRST_IN_FLIGHT_PART), this.inFlightFor(ownInWindow));
			allowed = Math.min(allowed, untried);
		}
		return Math.max(1, allowed);
	}

	/** The share's calls in flight in the proportion that `calls` is of the share's calls per window (rounded down). */
	private inFlightFor(calls: number): number {
		return Math.floor((this.ceiling.maxConcurrent * calls) / this.ceiling.callsPerWindow);
	}

	/** The credential's share is Marketo's whole limit: it says that nothing else uses the instance. */
	private wholeLimit(): boolean {
		return this.ceiling.callsPerWindow >= MARKETO_MAX_CALLS_PER_WINDOW && this.ceiling.maxConcurrent >= MARKETO_MAX_CONCURRENT;
	}

	/**
	 * Calls in flight that send the window's calls within BURST_PART_OF_WINDOW at the answers' speed, within the share;
	 * after a 606, no more than the part of the share's calls in flight that the pace is of the share's calls (a
	 * process cut to 25 of its 50 calls keeps 2 of its 5 in flight: processes whose paces add up to Marketo's 100 calls
	 * then keep about its 10 in flight between them).
	 */
	private neededInFlight(): number {
		const needed = Math.ceil((this.callsPerWindow() * (this.latencyMs ?? 0)) / (this.ceiling.windowMs * BURST_PART_OF_WINDOW));
		const ofPart = this.rateCuts > 0 ? this.inFlightFor(this.callsPerWindow()) : Number.POSITIVE_INFINITY;
		return Math.max(1, Math.min(this.ceiling.maxConcurrent, needed, ofPart));
	}

	/** The credential's settings changed: the new share is the new ceiling. */
	setCeiling(ceiling: AdaptiveCeiling): void {
		this.ceiling = ceiling;
		this.calls = Math.min(this.calls, ceiling.callsPerWindow);
		this.concurrent = Math.min(this.concurrent, ceiling.maxConcurrent);
	}

	/**
	 * A call was admitted and answered after `ms` (a refusal is answered before any work, so its time says nothing).
	 * Until a 615 has set the calls in flight, each such answer allows one more, up to what the pace needs.
	 */
	answered(ms: number): void {
		this.latencyMs = this.latencyMs === undefined ? ms : this.latencyMs + (ms - this.latencyMs) * LATENCY_WEIGHT;
		if (!this.concurrencyCut) this.concurrent = Math.min(this.neededInFlight(), this.concurrent + 1);
	}

	/**
	 * A call waited: for the window (`rate`: the process used all its calls of the window) or for a call in flight to
	 * end while the window had room (`slot`). Climbing needs such evidence: a process that does not use its pace
	 * learns nothing by raising it.
	 */
	waited(reason: 'rate' | 'slot', now: number): void {
		this.tick(now);
		if (reason === 'rate') this.rateBoundInWindow = true;
		else this.slotBoundInWindow = true;
	}

	/**
	 * Whether a process held at the floor by others (see PROBE_BELOW) may send one call beyond its pace now, to learn
	 * whether the instance has a free slot: the others may have finished, and under a sliding window nothing else tells
	 * (climbing one call per clean window, it took them a minute and more to notice). One probe at a time:
	 * a probe that finds the instance full costs that one refusal, and one that is admitted raises the pace by that
	 * call at once (the next probe follows its answer), so a process left alone takes the freed slots within a few
	 * answer times instead of climbing one call per window.
	 */
	mayProbe(now: number): boolean {
		return this.probing && this.reduced() && now >= this.nextProbeAt;
	}

	/** A probe was admitted: the instance had a slot to spare, and the pace keeps it. */
	probeAdmitted(): void {
		this.calls = Math.min(this.ceiling.callsPerWindow, this.calls + 1);
		this.probeBackoffWindows = 1;
	}

	/**
	 * A probe was answered 606: the instance is full at this process's pace, which stays (its paced calls were not
	 * refused). The next probe waits a window, twice as long after each probe refused in a row, so that processes
	 * that share the instance for long spend few calls on probes.
	 */
	probeRefused(now: number): void {
		this.nextProbeAt = now + this.ceiling.windowMs * this.probeBackoffWindows;
		this.probeBackoffWindows = Math.min(MAX_PROBE_BACKOFF_WINDOWS, this.probeBackoffWindows * 2);
	}

	/**
	 * Marketo answered 606: the instance's window is full. `ownCallsInWindow` calls of this process were admitted in
	 * it: that is its part of the instance now, and its pace from here (a little under it). Once per window: the other
	 * 606s of the same moment were caused by the same full window. Returns whether it cut.
	 */
	rateLimited(now: number, ownCallsInWindow: number): boolean {
		this.tick(now);
		this.refusedInWindow = true;
		// the 606s of the first full window all count as that window's (see FIRST_PART_FACTOR)
		const firstWindow = this.rateCuts === 0 || (this.rateCuts === 1 && now - this.lastRateCut < this.ceiling.windowMs);
		const factor = firstWindow ? FIRST_PART_FACTOR : PART_FACTOR;
		const part = Math.max(1, this.ceiling.callsPerWindow * FLOOR, Math.min(this.ceiling.callsPerWindow, ownCallsInWindow * factor));
		if (now - this.lastRateCut < this.ceiling.windowMs) {
			// refused again in the same window: others took slots this process counted on; its part is smaller still
			// (no lower than the part it was cut to, so that the 606s of one moment count once)
			this.calls = Math.min(this.calls, Math.max(part, this.calls * PART_FACTOR));
			return false;
		}
		this.lastRateCut = now;
		this.rateCuts++;
		this.calls = part;
		// probing starts when the process had next to nothing of the full window, and goes on while later cuts find it at
		// the floor (the others still fill the window); once it has a part of its own, it climbs as the others do
		this.probing = ownCallsInWindow * PART_FACTOR <= this.ceiling.callsPerWindow * (this.probing ? FLOOR : PROBE_BELOW);
		// the window was full a moment ago: no probe for a window
		this.nextProbeAt = Math.max(this.nextProbeAt, now + this.ceiling.windowMs);
		return true;
	}

	/**
	 * Marketo answered 615: the instance has its 10 calls in flight. The calls this process has in flight are its part
	 * of them: no more from here. Once per answer time (calls in flight turn over that fast, not once per window).
	 */
	concurrencyLimited(now: number, ownInFlight: number): boolean {
		this.tick(now);
		this.refusedInWindow = true;
		if (now - this.lastConcurrencyCut < (this.latencyMs ?? 0)) return false;
		this.lastConcurrencyCut = now;
		this.concurrencyCut = true;
		this.concurrent = Math.max(1, Math.min(this.maxConcurrent(), ownInFlight));
		return true;
	}

	/**
	 * Once per window: a window without refusal in which the process used all its calls raises its pace by the step
	 * (1 call, then 2, 4...: near the level where it was refused a probe is small, and one that finds the instance full
	 * costs one call; after several clean windows the others have most likely finished, and it takes what they left
	 * quickly). Likewise one more call in flight when calls waited for one while the window had room.
	 */
	private tick(now: number): void {
		if (this.windowStart === undefined) this.windowStart = now;
		if (now - this.windowStart < this.ceiling.windowMs) return;
		if (this.refusedInWindow) {
			this.cleanWindows = 0;
		} else {
			if (this.rateBoundInWindow && this.calls < this.ceiling.callsPerWindow) {
				this.cleanWindows++;
				// near the level of the last refusal: one call more per window; after CLEAN_WINDOWS_BEFORE_LEAP clean
				// windows the others most likely finished or slowed: half of what is left up to the share
				// windows before the leap: fewer far below the share (the process had little of the instance when refused,
				// most likely because it started when others filled the window: they may be done by now)
				const farBelow = this.calls < this.ceiling.callsPerWindow * FAR_BELOW;
				const leap = this.cleanWindows >= (farBelow ? 1 : CLEAN_WINDOWS_BEFORE_LEAP) ? (this.ceiling.callsPerWindow - this.calls) / 2 : 0;
				if (this.cleanWindows >= (this.rateCuts === 1 ? CLEAN_WINDOWS_BEFORE_FIRST_CLIMB : 1)) {
					this.calls = Math.min(this.ceiling.callsPerWindow, this.calls + Math.max(1, leap));
				}
			}
			if (this.slotBoundInWindow) this.concurrent = Math.min(this.ceiling.maxConcurrent, this.concurrent + 1);
		}
		this.windowStart = now;
		this.refusedInWindow = false;
		this.rateBoundInWindow = false;
		this.slotBoundInWindow = false;
	}
}
