/** FIFO job queue shared by bulk import and export: N jobs processed at once, each paced in ticks. */
import type { ResolvedOptions } from '../options';

export interface QueuedJob {
	/** Real time (ms) the job entered the queue. */
	queuedAtMs: number;
}

/** A job's work: `step(budget)` does up to `budget` rows and says whether it is finished. */
export interface Work {
	step(budget: number): boolean | Promise<boolean>;
}

export interface QueueTiming {
	maxActive: number;
	/** Least real ms in the queue and in processing. */
	minPhaseMs: number;
	/** Rows per real second. */
	rowsPerSecond: number;
}

const TICK_MS = 25;

export class JobQueue<J extends QueuedJob> {
	private queue: J[] = [];
	private active = new Map<J, { work: Work; startedAtMs: number; busy: boolean }>();
	private timer?: NodeJS.Timeout;
	private stopped = false;

	constructor(
		private readonly timing: () => QueueTiming,
		private readonly hooks: {
			/** Called when the job leaves the queue; returns its work, or undefined when it failed at once. */
			start(job: J): Work | undefined;
			finish(job: J): void;
		},
	) {}

	/** Jobs queued or processing. */
	get size(): number {
		return this.queue.length + this.active.size;
	}

	get processing(): number {
		return this.active.size;
	}

	enqueue(job: J): void {
		this.queue.push(job);
		this.schedule();
	}

	/** Takes a job out, queued or processing (its work simply stops). */
	remove(job: J): void {
		this.queue = this.queue.filter((j) => j !== job);
		this.active.delete(job);
		this.schedule();
	}

	stop(): void {
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
		this.queue = [];
		this.active.clear();
	}

	private schedule(): void {
		if (this.stopped || this.timer || !this.size) return;
		this.timer = setTimeout(() => {
			this.timer = undefined;
			void this.tick();
		}, TICK_MS);
		this.timer.unref();
	}

	private async tick(): Promise<void> {
		const { maxActive, minPhaseMs, rowsPerSecond } = this.timing();
		const now = Date.now();
		while (this.active.size < maxActive && this.queue.length && this.queue[0].queuedAtMs + minPhaseMs <= now) {
			const job = this.queue.shift()!;
			const work = this.hooks.start(job);
			if (work) this.active.set(job, { work, startedAtMs: now, busy: false });
		}
		const budget = Math.max(1, Math.ceil((rowsPerSecond * TICK_MS) / 1000));
		await Promise.all(
			[...this.active].map(async ([job, run]) => {
				if (run.busy) return;
				run.busy = true;
				const done = await run.work.step(budget);
				run.busy = false;
				if (done && run.startedAtMs + minPhaseMs <= Date.now() && this.active.has(job)) {
					this.active.delete(job);
					this.hooks.finish(job);
				}
			}),
		);
		this.schedule();
	}
}

/** Queue timing from the sandbox options, for imports or exports (durations scaled by timeScale). */
export function bulkTiming(o: ResolvedOptions, kind: 'import' | 'export'): () => QueueTiming {
	return () => ({
		maxActive: kind === 'import' ? o.limits.importProcessing : o.limits.exportProcessing,
		minPhaseMs: o.bulk.minPhaseMs * o.timeScale,
		rowsPerSecond: (kind === 'import' ? o.bulk.importRowsPerSecond : o.bulk.exportRowsPerSecond) / o.timeScale,
	});
}
