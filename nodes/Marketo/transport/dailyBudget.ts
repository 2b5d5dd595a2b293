import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

/** Marketo's own count is read again after this many calls of this process (tap-marketo reads it as often). */
export const USAGE_READ_EVERY = 200;

/** The path of Marketo's daily usage count: every integration's calls on the instance today. */
export const USAGE_PATH = '/rest/v1/stats/usage.json';

/** What this process knows of the instance's calls today: Marketo's count at the last reading, plus its own since. */
interface UsageState {
	used: number;
	sinceReading: number;
	/** of `sinceReading`, the calls Marketo has answered (so has counted) */
	answeredSinceReading: number;
	/** when Marketo's count was last read (0: never) */
	readAt: number;
	/** a reading in progress, shared by every caller that needs it */
	reading?: Promise<void>;
}

const usageByInstance = new Map<string, UsageState>();

/** Forget what every instance's usage was (tests only). */
export function resetUsage(): void {
	usageByInstance.clear();
}

/** The next midnight in US Central time (America/Chicago), when Marketo's daily quota resets, as an instant. */
export function nextCentralMidnight(now: number): number {
	const parts = (at: number) =>
		Object.fromEntries(
			new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
				.formatToParts(new Date(at))
				.filter((p) => p.type !== 'literal')
				.map((p) => [p.type, Number(p.value)]),
		) as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
	// Chicago's offset from UTC at an instant: its wall clock read as if it were UTC, minus the instant
	const offsetAt = (at: number) => {
		const p = parts(at);
		return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(at / 1000) * 1000;
	};
	const today = parts(now);
	const wallMidnight = Date.UTC(today.year, today.month - 1, today.day + 1);
	// the offset of the day after may differ (daylight saving changes at 2 am, never at midnight)
	let at = wallMidnight - offsetAt(now);
	at = wallMidnight - offsetAt(at);
	return at;
}

/** When the quota resets, said in the workflow's time zone and in US Central time. */
export function describeReset(now: number, timeZone?: string): string {
	const at = nextCentralMidnight(now);
	const format = (zone: string) =>
		new Intl.DateTimeFormat('en-US', { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(at));
	let zone = timeZone;
	try {
		if (zone) format(zone);
	} catch {
		zone = undefined;
	}
	const local = zone && zone !== 'America/Chicago' ? `${format(zone)} ${zone} time, ` : '';
	const hours = Math.max(0, (at - now) / 3_600_000);
	return `${local}${format('America/Chicago')} US Central time (midnight), in ${hours < 1 ? `${Math.ceil(hours * 60)} minutes` : `${hours.toFixed(1)} hours`}`;
}

/**
 * Keeps this n8n's calls to an instance within the credential's Daily Call Budget. Marketo's own count (every
 * integration, every n8n worker) is read at the start of each run and after every 200 calls; in between, the calls
 * this process sends are added to it. A call that would cross the budget is not sent: it fails with an error that
 * says how many calls were used today, the budget, and when Marketo's quota resets.
 */
export class DailyBudget {
	private readThisRun = false;

	constructor(
		private readonly instanceKey: string,
		/** calls allowed today on the instance, every integration's calls counted */
		readonly budget: number,
		/** reads Marketo's count of today's calls (one call itself) */
		private readonly readUsage: () => Promise<number>,
		private readonly node: INode,
		private readonly now: () => number,
		private readonly timeZone?: () => string | undefined,
	) {}

	private get state(): UsageState {
		let state = usageByInstance.get(this.instanceKey);
		if (!state) {
			state = { used: 0, sinceReading: 0, answeredSinceReading: 0, readAt: 0 };
			usageByInstance.set(this.instanceKey, state);
		}
		return state;
	}

	/** Counts one call about to be sent, or throws DailyBudgetError when it would cross the budget. */
	async reserve(): Promise<void> {
		const state = this.state;
		if (!this.readThisRun || state.sinceReading >= USAGE_READ_EVERY) {
			this.readThisRun = true;
			await this.read(state);
		}
		if (state.used + state.sinceReading + 1 > this.budget) throw this.reached(state.used + state.sinceReading);
		state.sinceReading++;
	}

	/** One reserved call has been answered by Marketo (or its connection dropped): Marketo has counted it. */
	answered(): void {
		const state = this.state;
		state.answeredSinceReading = Math.min(state.sinceReading, state.answeredSinceReading + 1);
	}

	private async read(state: UsageState): Promise<void> {
		if (!state.reading) {
			// only calls answered before the reading is sent are surely in Marketo's figure; calls still in flight may
			// be counted after it, so they stay counted here (the budget then stops a few calls early, never late)
			const answeredBefore = state.answeredSinceReading;
			// the reading is a call too: when today's count is known to leave no room, it is not sent either
			const sameDay = state.readAt > 0 && nextCentralMidnight(state.readAt) === nextCentralMidnight(this.now());
			if (sameDay && state.used + state.sinceReading + 1 > this.budget) throw this.reached(state.used + state.sinceReading);
			state.reading = (async () => {
				try {
					const total = await this.readUsage();
					// calls sent while the reading was under way may be missing from Marketo's figure: keep counting them
					state.sinceReading = Math.max(0, state.sinceReading - answeredBefore);
					state.answeredSinceReading = Math.max(0, state.answeredSinceReading - answeredBefore);
					state.used = total + 1;
					state.readAt = this.now();
				} finally {
					state.reading = undefined;
				}
			})();
		}
		await state.reading;
	}

	private reached(used: number): NodeOperationError {
		let zone: string | undefined;
		try {
			zone = this.timeZone?.();
		} catch {
			// a context without a workflow time zone: US Central time alone is said
		}
		return new DailyBudgetError(this.node, used, this.budget, describeReset(this.now(), zone));
	}
}

/** The Daily Call Budget would be crossed by the next call: nothing more is sent today. */
export class DailyBudgetError extends NodeOperationError {
	constructor(node: INode, used: number, budget: number, reset: string) {
		super(
			node,
			`Daily Call Budget reached: ${used.toLocaleString('en-US')} of the ${budget.toLocaleString('en-US')} Marketo API calls allowed today have been used on this instance, so the next call was not sent`,
			{
				description: `The count is Marketo's own (every integration on the instance) plus this n8n's calls since it was read. Marketo's daily quota resets ${reset}. Run the workflow again after that, or raise 'Daily Call Budget' in the Marketo API credential.`,
			},
		);
	}
}
