/**
 * The activity log: every activity of the instance ordered by (time, id), as Marketo's date-based paging tokens
 * see it. Leads created or changed and list membership changes record themselves here (see the observers); tests
 * add any other activity in bulk (`add`).
 */
import { ACTIVITY_TYPES, DEFAULT_PRIMARY, FORMS, activityType } from './activityTypes';
import { field, marketoDateTime } from './fields';
import type { LeadRecord } from './leads';

export interface ActivityAttribute {
	name: string;
	value: unknown;
}

export interface FieldChange {
	id: number;
	name: string;
	newValue: unknown;
	oldValue: unknown;
}

export interface Activity {
	id: number;
	/** ms since the epoch; answered to the second, as Marketo does */
	time: number;
	leadId: number;
	activityTypeId: number;
	campaignId?: number;
	primaryAttributeValueId?: number;
	primaryAttributeValue?: string;
	attributes: ActivityAttribute[];
	/** Change Data Value and New Lead: the lead fields involved (answered by Get Lead Changes) */
	fields?: FieldChange[];
}

/** An activity to add: only the lead and the type are required. */
export interface NewActivity {
	leadId: number;
	activityTypeId: number;
	/** ISO text, ms or Date; default now */
	activityDate?: string | number | Date;
	campaignId?: number;
	primaryAttributeValueId?: number;
	primaryAttributeValue?: string;
	/** `{name: value}` or Marketo's `[{name, value}]` */
	attributes?: Record<string, unknown> | ActivityAttribute[];
}

/** A point in the log: after the entry (time, id). A paging token carries one. */
export interface LogPosition {
	time: number;
	id: number;
}

export interface LogPage {
	items: Activity[];
	position: LogPosition;
	moreResult: boolean;
}

/** What the lead store reports. */
export interface LeadObserver {
	created(rec: LeadRecord): void;
	changed(rec: LeadRecord, changes: { name: string; oldValue: unknown; newValue: unknown }[]): void;
}

/** What the asset store reports. */
export interface MembershipObserver {
	membershipChanged(listId: number, listName: string, leadId: number, added: boolean): void;
}

/** Attributes an activity made through the REST API carries. */
const API_SOURCE: ActivityAttribute[] = [
	{ name: 'Source', value: 'Web service API' },
	{ name: 'Api Method Name', value: 'syncLead' },
];

/** Fields whose change is not a Change Data Value (Marketo logs its own activity or none for them). */
const NOT_DATA_VALUES = new Set(['id', 'createdAt', 'updatedAt', 'leadPartitionId']);

function after(e: Activity, p: LogPosition): boolean {
	return e.time > p.time || (e.time === p.time && e.id > p.id);
}

/**
 * The primary attribute of an added activity: as given; a form of the sandbox completed from its name or id (Fill
 * Out Form); the type's usual one when neither is given.
 */
function primaryOf(typeId: number, id: number | undefined, value: string | undefined): { id?: number; value?: string } {
	if (id === undefined && value === undefined) return DEFAULT_PRIMARY[typeId] ?? {};
	if (typeId === 2) {
		const form = FORMS.find((f) => f.id === id || f.name === value);
		if (form) return { id: id ?? form.id, value: value ?? form.name };
	}
	return { id, value };
}

function toTime(v: NewActivity['activityDate'], now: number): number {
	if (v === undefined || v === null || v === '') return now;
	const t = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(v);
	if (!Number.isFinite(t)) throw new Error(`activityDate '${String(v)}' is not a date`);
	return t;
}

export class ActivityLog implements LeadObserver, MembershipObserver {
	private entries: Activity[] = [];
	private nextId = 1;

	/** `now`: Marketo's clock (the host's, shifted by the sandbox's clock offset) */
	constructor(private readonly now: () => number = Date.now) {}

	get count(): number {
		return this.entries.length;
	}

	types(): typeof ACTIVITY_TYPES {
		return ACTIVITY_TYPES;
	}

	/** Adds activities (in the order given); unknown types or bad dates throw before anything is added. */
	add(list: NewActivity[], now = this.now()): Activity[] {
		const made = list.map((a) => {
			if (!activityType(Number(a.activityTypeId))) throw new Error(`unknown activityTypeId ${String(a.activityTypeId)}`);
			if (!Number.isInteger(Number(a.leadId))) throw new Error(`leadId '${String(a.leadId)}' is not an integer`);
			return { a, time: toTime(a.activityDate, now) };
		});
		return made.map(({ a, time }) => {
			const typeId = Number(a.activityTypeId);
			const primary = primaryOf(typeId, a.primaryAttributeValueId, a.primaryAttributeValue);
			const attrs = Array.isArray(a.attributes)
				? a.attributes.map((x) => ({ name: x.name, value: x.value }))
				: Object.entries(a.attributes ?? {}).map(([name, value]) => ({ name, value }));
			return this.record({
				time,
				leadId: Number(a.leadId),
				activityTypeId: typeId,
				campaignId: a.campaignId,
				primaryAttributeValueId: primary.id,
				primaryAttributeValue: primary.value,
				attributes: attrs,
			});
		});
	}

	/** The first position at or after a time (paging token for sinceDatetime). */
	positionAt(time: number): LogPosition {
		return { time, id: 0 };
	}

	/**
	 * One call's worth of the log after `position`: scans at most `scanSize` entries (Marketo reads a slice of the log
	 * per call, so a page can be short while more follows), keeps those passing `test`, stops at `batchSize`.
	 * moreResult: an entry passing `test` lies beyond the new position.
	 */
	page(position: LogPosition, test: (a: Activity) => boolean, batchSize: number, scanSize: number): LogPage {
		let i = this.indexAfter(position);
		const end = Math.min(this.entries.length, i + Math.max(1, scanSize));
		const items: Activity[] = [];
		let last = position;
		for (; i < end && items.length < batchSize; i++) {
			const e = this.entries[i];
			last = { time: e.time, id: e.id };
			if (test(e)) items.push(e);
		}
		let moreResult = false;
		for (let j = i; j < this.entries.length && !moreResult; j++) moreResult = test(this.entries[j]);
		return { items, position: last, moreResult };
	}

	// ---- observers: what the instance records by itself

	created(rec: LeadRecord): void {
		const fields: FieldChange[] = [];
		for (const [name, value] of Object.entries(rec)) {
			const def = field(name);
			if (def && !NOT_DATA_VALUES.has(name) && value !== null && value !== undefined) fields.push({ id: def.id, name, newValue: value, oldValue: null });
		}
		this.record({
			time: this.now(),
			leadId: rec.id,
			activityTypeId: 12,
			attributes: [
				{ name: 'Created Date', value: String(rec.createdAt ?? marketoDateTime(this.now())).slice(0, 10) },
				{ name: 'Source Type', value: 'Web service API' },
				...(rec.leadSource ? [{ name: 'Lead Source', value: rec.leadSource }] : []),
				...API_SOURCE,
			],
			fields,
		});
	}

	changed(rec: LeadRecord, changes: { name: string; oldValue: unknown; newValue: unknown }[]): void {
		const now = this.now();
		for (const c of changes) {
			const def = field(c.name);
			if (!def || NOT_DATA_VALUES.has(c.name)) continue;
			this.record({
				time: now,
				leadId: rec.id,
				activityTypeId: 13,
				primaryAttributeValueId: def.id,
				primaryAttributeValue: def.displayName,
				attributes: [
					{ name: 'New Value', value: c.newValue },
					{ name: 'Old Value', value: c.oldValue },
					{ name: 'Reason', value: 'Web service API' },
					...API_SOURCE,
				],
				fields: [{ id: def.id, name: c.name, newValue: c.newValue, oldValue: c.oldValue }],
			});
		}
	}

	membershipChanged(listId: number, listName: string, leadId: number, added: boolean): void {
		this.record({
			time: this.now(),
			leadId,
			activityTypeId: added ? 24 : 25,
			primaryAttributeValueId: listId,
			primaryAttributeValue: listName,
			attributes: [{ name: 'Source', value: 'Web service API' }],
		});
	}

	// ---- internals

	private record(a: Omit<Activity, 'id'>): Activity {
		const entry: Activity = { id: this.nextId++, ...a };
		if (entry.campaignId === undefined) delete entry.campaignId;
		if (entry.primaryAttributeValueId === undefined) delete entry.primaryAttributeValueId;
		if (entry.primaryAttributeValue === undefined) delete entry.primaryAttributeValue;
		// nearly always an append; a back-dated activity goes to its place in time
		const at = this.indexAfter({ time: entry.time, id: entry.id });
		if (at === this.entries.length) this.entries.push(entry);
		else this.entries.splice(at, 0, entry);
		return entry;
	}

	/** Index of the first entry after `p` (binary search). */
	private indexAfter(p: LogPosition): number {
		let lo = 0;
		let hi = this.entries.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (after(this.entries[mid], p)) hi = mid;
			else lo = mid + 1;
		}
		return lo;
	}
}

/** An activity as Get Lead Activities answers it. */
export function activityJson(a: Activity): Record<string, unknown> {
	const out: Record<string, unknown> = {
		id: a.id,
		marketoGUID: String(a.id),
		leadId: a.leadId,
		activityDate: marketoDateTime(a.time),
		activityTypeId: a.activityTypeId,
	};
	if (a.campaignId !== undefined) out.campaignId = a.campaignId;
	if (a.primaryAttributeValueId !== undefined) out.primaryAttributeValueId = a.primaryAttributeValueId;
	if (a.primaryAttributeValue !== undefined) out.primaryAttributeValue = a.primaryAttributeValue;
	out.attributes = a.attributes.map((x) => ({ ...x }));
	return out;
}

/** An activity as Get Lead Changes answers it: the asked fields instead of the primary attribute. */
export function leadChangeJson(a: Activity, fields: Set<string>): Record<string, unknown> {
	return {
		id: a.id,
		marketoGUID: String(a.id),
		leadId: a.leadId,
		activityDate: marketoDateTime(a.time),
		activityTypeId: a.activityTypeId,
		fields: (a.fields ?? []).filter((f) => fields.has(f.name)).map((f) => ({ ...f })),
		attributes: a.attributes.map((x) => ({ ...x })),
	};
}
