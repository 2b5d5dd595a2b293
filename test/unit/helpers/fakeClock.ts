import type { Clock } from '../../../nodes/Marketo/transport';

/**
 * A virtual clock: `sleep` parks the caller until virtual time reaches its deadline; time only moves when every
 * caller is parked (the run loop advances to the earliest deadline). Pacing can then be checked exactly and fast.
 */
export class FakeClock implements Clock {
	private time = 1_700_000_000_000;
	private timers: Array<{ at: number; resolve: () => void }> = [];
	readonly sleeps: number[] = [];

	now(): number {
		return this.time;
	}

	async sleep(ms: number): Promise<void> {
		this.sleeps.push(ms);
		await new Promise<void>((resolve) => this.timers.push({ at: this.time + Math.max(0, ms), resolve }));
	}

	/** Runs `work` to completion, advancing virtual time whenever everything waits on the clock. */
	async run<T>(work: Promise<T>): Promise<T> {
		let done = false;
		let value: T | undefined;
		let failure: unknown;
		let failed = false;
		work.then(
			(v) => {
				done = true;
				value = v;
			},
			(e) => {
				done = true;
				failed = true;
				failure = e;
			},
		);
		for (let idle = 0; !done; ) {
			await new Promise((r) => setImmediate(r));
			if (done) break;
			if (this.timers.length === 0) {
				if (++idle > 1000) throw new Error('FakeClock: work is stuck without timers');
				continue;
			}
			idle = 0;
			this.timers.sort((a, b) => a.at - b.at);
			const next = this.timers.shift()!;
			this.time = Math.max(this.time, next.at);
			next.resolve();
		}
		if (failed) throw failure;
		return value as T;
	}
}
