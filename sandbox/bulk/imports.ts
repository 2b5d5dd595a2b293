/**
 * Bulk lead import jobs: Queued -> Importing -> Complete (or Failed), two at a time, ten in the queue. Jobs that
 * may run at the same time do not see each other's new leads (option concurrentImports), as in Marketo.
 */
import type { SandboxState } from '../context';
import { DELIMITERS, type FileFormat, formatRow, parseDelimited } from '../csv';
import { MarketoError } from '../envelope';
import { type FieldDef, fieldLoose } from '../store/fields';
import { JobQueue, type Work, bulkTiming } from './queue';

export type ImportStatus = 'Queued' | 'Importing' | 'Complete' | 'Failed';

export interface ImportJob {
	batchId: number;
	clientId: string;
	status: ImportStatus;
	format: FileFormat;
	lookupField: string;
	listId?: number;
	partitionId?: number;
	/** The uploaded file, dropped once imported. */
	text?: string;
	queuedAtMs: number;
	createdAtMs: number;
	numOfLeadsProcessed: number;
	numOfRowsFailed: number;
	numOfRowsWithWarning: number;
	message?: string;
	failures: string[];
	warnings: string[];
	header: string[];
	/** other jobs unfinished while this one was: they may have run at the same time */
	peers: Set<ImportJob>;
	/** leads this job created */
	created: Set<number>;
}

export interface NewImport {
	clientId: string;
	format: FileFormat;
	text: string;
	lookupField: string;
	listId?: number;
	partitionId?: number;
}

/** Whether the lead was created by a job that may run at the same time as `job` (so `job` does not see it). */
function createdByPeer(job: ImportJob, id: number): boolean {
	for (const peer of job.peers) if (peer.created.has(id)) return true;
	return false;
}

export class BulkImports {
	private jobs = new Map<number, ImportJob>();
	private nextBatchId = 1001;
	private queue: JobQueue<ImportJob>;

	constructor(readonly state: SandboxState) {
		this.queue = new JobQueue<ImportJob>(
			bulkTiming(state.options, 'import'),
			{ start: (job) => this.start(job), finish: (job) => this.finish(job) },
		);
	}

	stop(): void {
		this.queue.stop();
	}

	/** What keeps a static list from being deleted: an import into it that has not finished. */
	listUser(listId: number): string | undefined {
		for (const j of this.jobs.values()) {
			if (j.listId === listId && (j.status === 'Queued' || j.status === 'Importing')) return `bulk import ${j.batchId}`;
		}
		return undefined;
	}

	create(req: NewImport): ImportJob {
		if (this.queue.size >= this.state.options.limits.importQueue) throw new MarketoError('1016');
		if (req.listId !== undefined && this.listUser(req.listId)) {
			throw new MarketoError('1019', `Import in progress for list ${req.listId}`);
		}
		const now = Date.now();
		const job: ImportJob = {
			batchId: this.nextBatchId++,
			clientId: req.clientId,
			status: 'Queued',
			format: req.format,
			lookupField: req.lookupField,
			listId: req.listId,
			partitionId: req.partitionId,
			text: req.text,
			queuedAtMs: now,
			createdAtMs: now,
			numOfLeadsProcessed: 0,
			numOfRowsFailed: 0,
			numOfRowsWithWarning: 0,
			failures: [],
			warnings: [],
			header: [],
			peers: new Set(),
			created: new Set(),
		};
		if (this.state.options.concurrentImports) {
			for (const other of this.jobs.values()) {
				if (other.status !== 'Queued' && other.status !== 'Importing') continue;
				job.peers.add(other);
				other.peers.add(job);
			}
		}
		this.jobs.set(job.batchId, job);
		this.queue.enqueue(job);
		this.state.options.logger(`import ${job.batchId} queued`);
		return job;
	}

	/** A job by batch id; batch ids stay valid seven (scaled) days. */
	get(batchId: number): ImportJob | undefined {
		const job = this.jobs.get(batchId);
		const o = this.state.options;
		if (job && job.createdAtMs + 7 * 86400000 * o.timeScale < Date.now()) {
			this.jobs.delete(batchId);
			return undefined;
		}
		return job;
	}

	/** Marketo forgets a batch after 7 days: from now on its status and files answer 1003 "not found". */
	forget(batchId: number): boolean {
		const job = this.jobs.get(batchId);
		if (job) this.queue.remove(job);
		return this.jobs.delete(batchId);
	}

	json(job: ImportJob): Record<string, unknown> {
		const out: Record<string, unknown> = {
			batchId: job.batchId,
			importId: String(job.batchId),
			status: job.status,
			numOfLeadsProcessed: job.numOfLeadsProcessed,
			numOfRowsFailed: job.numOfRowsFailed,
			numOfRowsWithWarning: job.numOfRowsWithWarning,
		};
		if (job.message) out.message = job.message;
		return out;
	}

	/** Failures or warnings file: the header plus a reason column, then the rows concerned. */
	file(job: ImportJob, kind: 'failures' | 'warnings'): string {
		const rows = kind === 'failures' ? job.failures : job.warnings;
		if (!job.header.length) return '';
		const d = DELIMITERS[job.format];
		const head = formatRow([...job.header, kind === 'failures' ? 'Import Failure Reason' : 'Import Warning Reason'], d, '');
		return [head, ...rows].join('\n') + '\n';
	}

	private fail(job: ImportJob, message: string): undefined {
		job.status = 'Failed';
		job.message = message;
		job.text = undefined;
		this.state.options.logger(`import ${job.batchId} failed: ${message}`);
		return undefined;
	}

	private start(job: ImportJob): Work | undefined {
		const d = DELIMITERS[job.format];
		const rows = parseDelimited(job.text ?? '', d);
		job.text = undefined;
		job.status = 'Importing';
		this.state.options.logger(`import ${job.batchId} importing`);
		if (!rows.length) return this.fail(job, 'Import failed: the file is empty');
		job.header = rows[0];
		const fields: FieldDef[] = [];
		for (const h of rows[0]) {
			const f = fieldLoose(h);
			if (!f) return this.fail(job, `Import failed: field '${h}' not found`);
			fields.push(f);
		}
		if (!fields.some((f) => f.name === job.lookupField)) {
			return this.fail(job, `Import failed: lookup field '${job.lookupField}' is not a column of the file`);
		}
		let next = 1;
		return {
			step: (budget) => {
				const end = Math.min(rows.length, next + budget);
				for (; next < end; next++) this.importRow(job, fields, rows[next], d);
				return next >= rows.length;
			},
		};
	}

	private importRow(job: ImportJob, fields: FieldDef[], cells: string[], d: string): void {
		const leads = this.state.leads;
		if (cells.length !== fields.length) {
			job.numOfRowsFailed++;
			job.failures.push(formatRow([...cells, `Invalid row: ${cells.length} values for ${fields.length} columns`], d, ''));
			return;
		}
		const rec: Record<string, unknown> = {};
		const notes: string[] = [];
		fields.forEach((f, i) => {
			let v = cells[i];
			if (v === '' || v.toLowerCase() === 'null') return;
			if (f.length && v.length > f.length && f.dataType !== 'text') {
				notes.push(`Value for field '${f.name}' truncated to ${f.length} characters`);
				v = v.slice(0, f.length);
			}
			rec[f.name] = v;
		});
		const action = job.lookupField === 'id' ? 'updateOnly' : 'createOrUpdate';
		const unseen = job.peers.size > 0 ? (id: number) => createdByPeer(job, id) : undefined;
		const out = leads.sync(rec, { action, lookupField: job.lookupField, partitionId: job.partitionId, unseen });
		if (out.status === 'skipped') {
			job.numOfRowsFailed++;
			const r = (out.reasons as { message: string }[])[0];
			job.failures.push(formatRow([...cells, r.message], d, ''));
			return;
		}
		job.numOfLeadsProcessed++;
		if (out.status === 'created' && this.state.options.concurrentImports) job.created.add(out.id as number);
		if (job.listId !== undefined) this.state.assets.addMember(job.listId, out.id as number);
		if (notes.length) {
			job.numOfRowsWithWarning++;
			job.warnings.push(formatRow([...cells, notes.join('; ')], d, ''));
		}
	}

	private finish(job: ImportJob): void {
		if (job.status !== 'Importing') return;
		job.status = 'Complete';
		const n = job.numOfLeadsProcessed;
		const members = job.listId !== undefined ? ` (${n} members)` : '';
		job.message =
			job.numOfRowsFailed > 0
				? `Import completed with errors, ${n} records imported${members}, ${job.numOfRowsFailed} failed`
				: `Import succeeded, ${n} records imported${members}`;
		this.state.options.logger(`import ${job.batchId} complete: ${job.message}`);
	}
}
