/** Bulk lead export jobs: Created -> Queued -> Processing -> Completed, files written to disk and served with Range. */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { SandboxState } from '../context';
import { DELIMITERS, type FileFormat, formatRow } from '../csv';
import { MarketoError } from '../envelope';
import { centralDay } from '../limits';
import { marketoDateTime } from '../store/fields';
import type { LeadRecord } from '../store/leads';
import { JobQueue, type Work, bulkTiming } from './queue';

export type ExportStatus = 'Created' | 'Queued' | 'Processing' | 'Canceled' | 'Completed' | 'Failed';

export type ExportFilter =
	| { kind: 'createdAt' | 'updatedAt'; startMs: number; endMs: number }
	| { kind: 'staticList'; listId: number };

export interface ExportJob {
	exportId: string;
	seq: number;
	clientId: string;
	status: ExportStatus;
	format: FileFormat;
	fields: string[];
	headers: string[];
	filter: ExportFilter;
	createdAtMs: number;
	queuedAtMs: number;
	startedAtMs?: number;
	finishedAtMs?: number;
	numberOfRecords?: number;
	fileSize?: number;
	fileChecksum?: string;
	errorMsg?: string;
	filePath?: string;
	/** Closes the file being written (cancel, stop). */
	closeFile?: () => void;
}

export interface NewExport {
	clientId: string;
	format: FileFormat;
	fields: string[];
	headers: string[];
	filter: ExportFilter;
}

const DAY = 86400000;

export class BulkExports {
	private jobs = new Map<string, ExportJob>();
	private seq = 0;
	private queue: JobQueue<ExportJob>;
	private dir?: string;
	private ownDir = false;
	private bytesDay = '';
	private bytesToday = 0;

	constructor(readonly state: SandboxState) {
		this.queue = new JobQueue<ExportJob>(
			bulkTiming(state.options, 'export'),
			{ start: (job) => this.start(job), finish: (job) => this.finish(job) },
		);
	}

	async stop(): Promise<void> {
		this.queue.stop();
		for (const j of this.jobs.values()) j.closeFile?.();
		if (this.dir && this.ownDir) rmSync(this.dir, { recursive: true, force: true });
		this.dir = undefined;
	}

	listUser(listId: number): string | undefined {
		for (const j of this.jobs.values()) {
			const busy = j.status === 'Queued' || j.status === 'Processing';
			if (busy && j.filter.kind === 'staticList' && j.filter.listId === listId) return `bulk export ${j.exportId}`;
		}
		return undefined;
	}

	create(req: NewExport): ExportJob {
		const now = Date.now();
		const job: ExportJob = { exportId: randomUUID(), seq: ++this.seq, status: 'Created', createdAtMs: now, queuedAtMs: 0, ...req };
		this.jobs.set(job.exportId, job);
		return job;
	}

	/** A job of this API user; status stays readable 30 (scaled) days. */
	get(exportId: string, clientId: string): ExportJob {
		const job = this.jobs.get(exportId);
		const ttl = 30 * DAY * this.state.options.timeScale;
		if (!job || job.clientId !== clientId || job.createdAtMs + ttl < Date.now()) {
			throw new MarketoError('1003', `Export job '${exportId}' not found`);
		}
		return job;
	}

	/** Jobs of this API user created in the last 7 (scaled) days, oldest first. */
	list(clientId: string): ExportJob[] {
		const since = Date.now() - 7 * DAY * this.state.options.timeScale;
		return [...this.jobs.values()].filter((j) => j.clientId === clientId && j.createdAtMs >= since).sort((a, b) => a.seq - b.seq);
	}

	enqueue(job: ExportJob): void {
		if (job.status === 'Queued' || job.status === 'Processing') throw new MarketoError('1029', 'Export Job Already Queued');
		if (job.status !== 'Created') throw new MarketoError('1003', `Export job '${job.exportId}' is ${job.status} and cannot be enqueued`);
		const limits = this.state.options.limits;
		if (this.queue.size >= limits.exportQueue) throw new MarketoError('1029', `Too many jobs (${limits.exportQueue}) in queue`);
		this.rollDay();
		if (this.bytesToday >= limits.exportDailyBytes) {
			throw new MarketoError('1029', `Export daily quota ${Math.round(limits.exportDailyBytes / 1048576)}MB exceeded`);
		}
		job.status = 'Queued';
		job.queuedAtMs = Date.now();
		this.queue.enqueue(job);
	}

	cancel(job: ExportJob): void {
		if (job.status === 'Completed' || job.status === 'Failed' || job.status === 'Canceled') {
			throw new MarketoError('1003', `Export job '${job.exportId}' is ${job.status} and cannot be cancelled`);
		}
		this.queue.remove(job);
		job.closeFile?.();
		job.status = 'Canceled';
		job.finishedAtMs = Date.now();
	}

	/** The status object; `cancelAnswer` spells the status "Cancelled" as Marketo's cancel call does. */
	json(job: ExportJob, cancelAnswer = false): Record<string, unknown> {
		const time = (ms: number): string => marketoDateTime(ms + this.state.options.clockOffsetMs); // Marketo's clock
		const out: Record<string, unknown> = {
			exportId: job.exportId,
			format: job.format,
			status: cancelAnswer && job.status === 'Canceled' ? 'Cancelled' : job.status,
			createdAt: time(job.createdAtMs),
		};
		if (job.queuedAtMs) out.queuedAt = time(job.queuedAtMs);
		if (job.startedAtMs) out.startedAt = time(job.startedAtMs);
		if (job.finishedAtMs) out.finishedAt = time(job.finishedAtMs);
		if (job.status === 'Completed') {
			out.numberOfRecords = job.numberOfRecords;
			out.fileSize = job.fileSize;
			out.fileChecksum = job.fileChecksum;
		}
		if (job.errorMsg) out.errorMsg = job.errorMsg;
		return out;
	}

	/** The finished file of a job, or undefined while it is not Completed (or after 7 scaled days). */
	filePath(job: ExportJob): string | undefined {
		if (job.status !== 'Completed' || !job.filePath) return undefined;
		if ((job.finishedAtMs ?? 0) + 7 * DAY * this.state.options.timeScale < Date.now()) return undefined;
		return job.filePath;
	}

	openFile(path: string, start: number, end: number): Readable {
		return createReadStream(path, { start, end });
	}

	private rollDay(): void {
		const day = centralDay(Date.now());
		if (day !== this.bytesDay) {
			this.bytesDay = day;
			this.bytesToday = 0;
		}
	}

	private dataDir(): string {
		if (!this.dir) {
			const configured = this.state.options.dataDir;
			if (configured) {
				mkdirSync(configured, { recursive: true });
				this.dir = configured;
			} else {
				this.dir = mkdtempSync(join(tmpdir(), 'marketo-sandbox-'));
				this.ownDir = true;
			}
		}
		return this.dir;
	}

	private matcher(job: ExportJob): { ids: (after: number) => Iterable<number>; test: (rec: LeadRecord) => boolean } {
		const { leads, assets } = this.state;
		const f = job.filter;
		if (f.kind === 'staticList') {
			const members = assets.memberIds(f.listId).slice();
			return { ids: (after) => members.filter((id) => id > after), test: () => true };
		}
		const endInclusive = this.state.options.exportEndInclusive;
		return {
			ids: (after) => leads.idsAfter(after),
			test: (rec) => {
				const t = Date.parse(String(rec[f.kind]));
				return t >= f.startMs && (endInclusive ? t <= f.endMs : t < f.endMs);
			},
		};
	}

	private start(job: ExportJob): Work | undefined {
		if (job.status !== 'Queued') return undefined;
		job.status = 'Processing';
		job.startedAtMs = Date.now();
		const d = DELIMITERS[job.format];
		const path = join(this.dataDir(), `${job.exportId}.${job.format.toLowerCase()}`);
		const out: WriteStream = createWriteStream(path);
		// a file that cannot be opened or written (its folder removed, the disk full) fails the job; without a
		// listener the stream's 'error' event would end the process
		let failure: Error | undefined;
		out.on('error', (error) => {
			failure ??= error;
		});
		const hash = createHash('sha256');
		let size = 0;
		let count = 0;
		let done = false;
		/** Until the stream can take more, has finished, or is closed (closed on purpose or failed). */
		const settled = (event: 'drain' | 'finish'): Promise<void> =>
			new Promise((resolve) => {
				const ready = (): void => {
					for (const e of [event, 'close', 'error']) out.off(e, ready);
					resolve();
				};
				for (const e of [event, 'close', 'error']) out.once(e, ready);
			});
		const write = (line: string): Promise<void> => {
			if (out.destroyed) return Promise.resolve();
			const buf = Buffer.from(`${line}\n`, 'utf8');
			hash.update(buf);
			size += buf.length;
			return out.write(buf) ? Promise.resolve() : settled('drain');
		};
		const failed = (): boolean => {
			if (!failure || job.status !== 'Processing') return false;
			job.status = 'Failed';
			job.errorMsg = `Export file could not be written (${(failure as NodeJS.ErrnoException).code ?? failure.message})`;
			job.finishedAtMs = Date.now();
			done = true;
			return true;
		};
		const m = this.matcher(job);
		const leads = this.state.leads;
		const iter = m.ids(0)[Symbol.iterator]();
		let headerWritten = false;
		job.filePath = path;
		job.closeFile = () => {
			if (!done) out.destroy();
		};
		return {
			step: async (budget) => {
				if (done || failed()) return true;
				if (!headerWritten) {
					headerWritten = true;
					await write(formatRow(job.headers, d, ''));
				}
				let scanned = 0;
				let written = 0;
				while (written < budget && scanned < budget * 20) {
					if (failed() || out.destroyed) return true;
					const next = iter.next();
					if (next.done) {
						const finished = settled('finish');
						out.end();
						await finished;
						if (failed()) return true;
						job.numberOfRecords = count;
						job.fileSize = size;
						// spelled as in Adobe's examples of a completed job
						job.fileChecksum = `sha256:${hash.digest('hex')}`;
						done = true;
						return true;
					}
					scanned++;
					const rec = leads.get(next.value);
					if (!rec || !m.test(rec)) continue;
					await write(formatRow(job.fields.map((f) => rec[f]), d));
					count++;
					written++;
				}
				return false;
			},
		};
	}

	private finish(job: ExportJob): void {
		if (job.status !== 'Processing') return;
		job.status = 'Completed';
		job.finishedAtMs = Date.now();
		this.rollDay();
		this.bytesToday += job.fileSize ?? 0;
		this.state.options.logger(`export ${job.exportId} completed: ${job.numberOfRecords} records, ${job.fileSize} bytes`);
	}
}
