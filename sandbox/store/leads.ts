/**
 * Lead storage. Seeded leads are virtual: their values derive from the id, so a million of them cost a few
 * bytes each (only deletions and edits are stored). Leads created or touched through the API are plain objects.
 */
import { skipped } from '../envelope';
import type { LeadObserver } from './activities';
import { LEAD_FIELDS, coerce, field, marketoDateTime, normalizeKey } from './fields';

export type LeadRecord = Record<string, unknown> & { id: number };

interface SeedRange {
	start: number;
	end: number;
	seededAt: number;
	stepMs: number;
}

type Segment = { kind: 'range'; range: SeedRange } | { kind: 'ids'; ids: number[] };

export interface Partition {
	id: number;
	name: string;
	description: string;
}

export const DEFAULT_PARTITIONS: Partition[] = [
	{ id: 1, name: 'Default', description: 'Initial system partition' },
	{ id: 2, name: 'Mexico', description: 'Leads of the Mexico team' },
	{ id: 3, name: 'Canada', description: 'Leads of the Canada team' },
];

const FIRST = ['Hanna', 'Bertha', 'Faith', 'Robert', 'Tyrone', 'Rex', 'Maria', 'Jose', 'Chloe', 'Liam', 'Ava', 'Noah'];
const LAST = ['Crawford', 'Fulton', 'England', 'Deacon', 'Dyer', 'Bailey', 'Garcia', 'Tremblay', 'Roy', 'Smith'];
const COMPANY = ['Acme Corp', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay Industries', 'Stark Industries'];
const TITLE = ['Marketing Manager', 'CTO', 'Sales Director', 'Analyst', 'Engineer', 'VP Marketing'];
const PLACES: [string, string, number][] = [
	['Chicago', 'United States', 1],
	['Mexico City', 'Mexico', 2],
	['Toronto', 'Canada', 3],
	['Austin', 'United States', 1],
	['Monterrey', 'Mexico', 2],
	['Vancouver', 'Canada', 3],
	['Berlin', 'Germany', 1],
	['Denver', 'United States', 1],
	['Boston', 'United States', 1],
	['Seattle', 'United States', 1],
];

/** Email of a seeded lead; the id can be read back from it. */
export function seedEmail(id: number): string {
	return `lead${id}@sandbox.example.com`;
}
const SEED_EMAIL = /^lead(\d+)@sandbox\.example\.com$/;

/** Checks and converts one input record of a sync; a string is the skip reason's [code, message]. */
export function leadValues(
	rec: Record<string, unknown>,
	lookupField: string,
): { values: Record<string, unknown> } | { reason: [string, string] } {
	const values: Record<string, unknown> = {};
	for (const [name, raw] of Object.entries(rec)) {
		const def = field(name);
		if (!def) return { reason: ['1006', `Field '${name}' not found`] };
		if (def.readOnly) {
			if (name === lookupField) continue;
			return { reason: ['1003', `Field '${name}' is read-only`] };
		}
		const c = coerce(def, raw);
		if (!c.ok) return { reason: ['1001', c.message] };
		values[name] = c.value;
	}
	return { values };
}

/** How one record is synced: by Sync Leads (each record of the call) and by a bulk import (each row). */
export interface SyncOptions {
	action: string;
	lookupField: string;
	partitionId: number | undefined;
	/** leads the lookup does not see yet (created by an import job running at the same time) */
	unseen?: (id: number) => boolean;
}

/** Fields indexed for lookups (searchable fields). */
const INDEXED = LEAD_FIELDS.filter((f) => f.searchable && f.name !== 'id').map((f) => f.name);

export class LeadStore {
	private records = new Map<number, LeadRecord>();
	private ranges: SeedRange[] = [];
	private segments: Segment[] = [];
	private deletedSeeds = new Set<number>();
	private index = new Map<string, Map<string, Set<number>>>();
	private nextId = 1;
	private total = 0;
	partitions: Partition[] = DEFAULT_PARTITIONS.map((p) => ({ ...p }));
	/** Told of each lead created and each value changed (the activity log); seeding tells it nothing. */
	observer?: LeadObserver;

	constructor() {
		for (const name of INDEXED) this.index.set(name, new Map());
	}

	get count(): number {
		return this.total;
	}

	partitionByName(name: string): Partition | undefined {
		return this.partitions.find((p) => p.name === name);
	}

	/** Adds n synthetic leads with the next ids, created over the last 60 days (oldest first). */
	seed(n: number, now = Date.now()): { firstId: number; lastId: number } {
		const count = Math.max(0, Math.floor(n));
		if (!count) return { firstId: this.nextId, lastId: this.nextId - 1 };
		const stepMs = Math.max(1000, Math.min(60000, Math.floor((60 * 86400000) / count)));
		const range: SeedRange = { start: this.nextId, end: this.nextId + count - 1, seededAt: now, stepMs };
		this.ranges.push(range);
		this.segments.push({ kind: 'range', range });
		this.nextId += count;
		this.total += count;
		return { firstId: range.start, lastId: range.end };
	}

	private rangeOf(id: number): SeedRange | undefined {
		let lo = 0;
		let hi = this.ranges.length - 1;
		while (lo <= hi) {
			const mid = (lo + hi) >> 1;
			const r = this.ranges[mid];
			if (id < r.start) hi = mid - 1;
			else if (id > r.end) lo = mid + 1;
			else return r;
		}
		return undefined;
	}

	private synth(id: number, r: SeedRange): LeadRecord {
		const place = PLACES[id % PLACES.length];
		const t = marketoDateTime(r.seededAt - (r.end - id) * r.stepMs);
		return {
			id,
			email: seedEmail(id),
			firstName: FIRST[id % FIRST.length],
			lastName: LAST[(id >> 2) % LAST.length],
			company: COMPANY[id % COMPANY.length],
			title: TITLE[(id >> 1) % TITLE.length],
			city: place[0],
			country: place[1],
			leadScore: (id * 7) % 100,
			unsubscribed: false,
			leadSource: 'Sandbox Seed',
			leadPartitionId: place[2],
			createdAt: t,
			updatedAt: t,
		};
	}

	has(id: number): boolean {
		if (this.records.has(id)) return true;
		return this.rangeOf(id) !== undefined && !this.deletedSeeds.has(id);
	}

	/** The lead's values (a copy for seeded leads), or undefined. */
	get(id: number): LeadRecord | undefined {
		const rec = this.records.get(id);
		if (rec) return rec;
		const r = this.rangeOf(id);
		if (!r || this.deletedSeeds.has(id)) return undefined;
		return this.synth(id, r);
	}

	/** Seeded leads become stored records before their first change. */
	private materialize(id: number): LeadRecord | undefined {
		const existing = this.records.get(id);
		if (existing) return existing;
		const rec = this.get(id);
		if (!rec) return undefined;
		this.records.set(id, rec);
		this.indexAdd(rec);
		return rec;
	}

	create(values: Record<string, unknown>, partitionId: number, now = Date.now()): LeadRecord {
		const id = this.nextId++;
		const t = marketoDateTime(now);
		const rec: LeadRecord = { ...values, id, leadPartitionId: partitionId, createdAt: t, updatedAt: t };
		this.records.set(id, rec);
		this.indexAdd(rec);
		const last = this.segments[this.segments.length - 1];
		if (last && last.kind === 'ids') last.ids.push(id);
		else this.segments.push({ kind: 'ids', ids: [id] });
		this.total++;
		this.observer?.created(rec);
		return rec;
	}

	update(id: number, values: Record<string, unknown>, now = Date.now()): LeadRecord | undefined {
		const rec = this.materialize(id);
		if (!rec) return undefined;
		const changes = Object.entries(values)
			.filter(([name, value]) => name !== 'id' && (rec[name] ?? null) !== (value ?? null))
			.map(([name, newValue]) => ({ name, oldValue: rec[name] ?? null, newValue }));
		this.indexRemove(rec);
		Object.assign(rec, values, { id, updatedAt: marketoDateTime(now) });
		this.indexAdd(rec);
		if (changes.length) this.observer?.changed(rec, changes);
		return rec;
	}

	delete(id: number): boolean {
		const rec = this.records.get(id);
		const r = this.rangeOf(id);
		if (!rec && (!r || this.deletedSeeds.has(id))) return false;
		if (rec) {
			this.indexRemove(rec);
			this.records.delete(id);
		}
		if (r) this.deletedSeeds.add(id);
		this.total--;
		return true;
	}

	/** Ids of the leads whose `fieldName` equals `value` (strings compared case-insensitively), ascending. */
	findBy(fieldName: string, value: unknown): number[] {
		const key = normalizeKey(value);
		if (fieldName === 'id') {
			const id = Number(key);
			return Number.isInteger(id) && this.has(id) ? [id] : [];
		}
		const ids = new Set(this.index.get(fieldName)?.get(key) ?? []);
		if (fieldName === 'email') {
			const m = SEED_EMAIL.exec(key);
			if (m) {
				const id = Number(m[1]);
				if (!this.records.has(id) && this.has(id)) ids.add(id);
			}
		} else if (fieldName === 'leadPartitionId' || !this.index.has(fieldName)) {
			return this.scan((rec) => normalizeKey(rec[fieldName] ?? '') === key, 0, Infinity);
		}
		return [...ids].sort((a, b) => a - b);
	}

	/** Creates or updates one lead the way Sync Leads does; returns the per-record outcome. */
	sync(rec: Record<string, unknown>, o: SyncOptions): Record<string, unknown> {
		const checked = leadValues(rec, o.lookupField);
		if ('reason' in checked) return skipped(...checked.reason);
		const { values } = checked;
		if (o.action === 'createDuplicate') return { id: this.create(values, o.partitionId ?? 1).id, status: 'created' };
		const key = rec[o.lookupField];
		if (key === undefined || key === null || key === '') {
			return skipped('1003', `Value for lookup field '${o.lookupField}' not specified`);
		}
		let matches = this.findBy(o.lookupField, key);
		if (o.unseen) matches = matches.filter((id) => !o.unseen!(id));
		if (o.partitionId !== undefined) matches = matches.filter((id) => this.get(id)!.leadPartitionId === o.partitionId);
		if (matches.length > 1) return skipped('1007');
		if (matches.length === 1) {
			if (o.action === 'createOnly') return skipped('1005', undefined, matches[0]);
			this.update(matches[0], values);
			return { id: matches[0], status: 'updated' };
		}
		if (o.action === 'updateOnly' || o.lookupField === 'id') return skipped('1004');
		return { id: this.create(values, o.partitionId ?? 1).id, status: 'created' };
	}

	/** Ascending ids after `afterId` whose record passes `test`, at most `limit` of them. */
	scan(test: (rec: LeadRecord) => boolean, afterId: number, limit: number): number[] {
		const out: number[] = [];
		for (const id of this.idsAfter(afterId)) {
			const rec = this.get(id);
			if (rec && test(rec)) {
				out.push(id);
				if (out.length >= limit) break;
			}
		}
		return out;
	}

	/** Every live lead id greater than afterId, ascending, without building a list. */
	*idsAfter(afterId = 0): Generator<number> {
		for (const seg of this.segments) {
			if (seg.kind === 'range') {
				const { start, end } = seg.range;
				if (end <= afterId) continue;
				for (let id = Math.max(start, afterId + 1); id <= end; id++) if (!this.deletedSeeds.has(id)) yield id;
			} else {
				if (seg.ids[seg.ids.length - 1] <= afterId) continue;
				for (const id of seg.ids) if (id > afterId && this.records.has(id)) yield id;
			}
		}
	}

	private indexAdd(rec: LeadRecord): void {
		this.reindex(rec, true);
	}

	private indexRemove(rec: LeadRecord): void {
		this.reindex(rec, false);
	}

	private reindex(rec: LeadRecord, add: boolean): void {
		for (const name of INDEXED) {
			const v = rec[name];
			if (v === null || v === undefined || v === '') continue;
			const idx = this.index.get(name)!;
			const key = normalizeKey(v);
			let set = idx.get(key);
			if (add) {
				if (!set) idx.set(key, (set = new Set()));
				set.add(rec.id);
			} else if (set) {
				set.delete(rec.id);
				if (!set.size) idx.delete(key);
			}
		}
	}
}
