import type { IDataObject } from 'n8n-workflow';

/**
 * The activity events' memory, kept in the workflow's static data. Marketo's paging token is the position in the
 * instance's activity log: every poll reads from the stored token to the end (until `moreResult` is false) and keeps
 * the last `nextPageToken` Marketo returned, so the next poll starts exactly where this one stopped. n8n saves static
 * data when the workflow is activated and whenever a poll emits; a poll that emits nothing only moves the token in
 * memory, and re-reading that stretch after a restart fires nothing, because nothing in it matched.
 */
export interface ActivityWatchState {
	/** where the next poll starts reading */
	token: string;
	/** marketoGUIDs of the latest activities fired, oldest first, at most RECENT_GUIDS: never fired twice */
	recent: string[];
	/** New Activity: activity type id -> name, read once at activation (for the items' `activityType`) */
	typeNames?: Record<string, string>;
}

/** An activity as `activities.json` or `leadchanges.json` returns it. */
export interface MarketoActivity {
	marketoGUID?: string;
	id?: number;
	leadId: number;
	activityDate: string;
	activityTypeId: number;
	campaignId?: number;
	primaryAttributeValueId?: number | string;
	primaryAttributeValue?: string;
	attributes?: Array<{ name: string; apiName?: string; value: unknown }>;
	/** lead changes only: the field changes of a Data Value Change */
	fields?: Array<{ id?: number; name: string; newValue?: unknown; oldValue?: unknown }>;
}

/** How many fired GUIDs are remembered: far more than can straddle a token boundary, small enough for static data. */
export const RECENT_GUIDS = 1000;

/**
 * Activities read in one poll at most: a backlog (n8n was down for a day on a busy instance) is emitted in runs of
 * about this size, one per poll, each continuing from the token the previous one stored, instead of one huge run.
 */
export const MAX_ACTIVITIES_PER_POLL = 10_000;

/** An activity's identity: Marketo's `marketoGUID`, which replaces the integer `id` (not unique after migration). */
export function activityKey(activity: MarketoActivity): string {
	if (activity.marketoGUID !== undefined && activity.marketoGUID !== '') return String(activity.marketoGUID);
	return `${activity.id ?? ''}|${activity.leadId}|${activity.activityTypeId}|${activity.activityDate}`;
}

/**
 * The activities to fire out of what a poll read, in Marketo's order (oldest first): matching the event, not fired
 * before (the remembered GUIDs) and not twice within the read. Returns the state to store once they are emitted.
 */
export function activitiesToFire(
	state: ActivityWatchState,
	read: MarketoActivity[],
	matches: (activity: MarketoActivity) => boolean,
	nextToken: string,
): { fire: MarketoActivity[]; next: ActivityWatchState } {
	const seen = new Set(state.recent);
	const fire: MarketoActivity[] = [];
	for (const activity of read) {
		const key = activityKey(activity);
		if (seen.has(key) || !matches(activity)) continue;
		seen.add(key);
		fire.push(activity);
	}
	const recent = [...state.recent, ...fire.map(activityKey)].slice(-RECENT_GUIDS);
	return { fire, next: { ...state, token: nextToken, recent } };
}

/** The lead ids of the activities, each once, in first-seen order: one lookup per 300 of them. */
export function distinctLeadIds(activities: MarketoActivity[]): number[] {
	return [...new Set(activities.map((a) => Number(a.leadId)).filter((id) => Number.isSafeInteger(id) && id > 0))];
}

/** "Client IP Address" -> "clientIpAddress", "Webform ID" -> "webformId": a name usable in expressions and columns. */
export function attributeKey(name: string): string {
	const words = name
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.split(/[^A-Za-z0-9]+/)
		.filter((w) => w !== '')
		.map((w) => w.toLowerCase());
	if (words.length === 0) return 'attribute';
	return words[0] + words.slice(1).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

/** A spreadsheet cell: text, number and boolean stay as they are; anything else becomes JSON text. */
function plainValue(value: unknown): string | number | boolean | null {
	if (value === null || value === undefined) return null;
	if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
	return JSON.stringify(value);
}

/**
 * The activity as one flat object: Marketo's own fields, then each attribute under its API name (or its name in
 * camelCase), then, for a lead change, the changed field with its old and new value. An attribute whose key is
 * already taken keeps an `attribute` prefix, so nothing Marketo sent is overwritten.
 */
export function flattenActivity(activity: MarketoActivity, activityType?: string): IDataObject {
	const flat: IDataObject = {
		marketoGUID: activity.marketoGUID ?? (activity.id === undefined ? null : String(activity.id)),
		activityId: activity.id ?? null,
		activityDate: activity.activityDate,
		activityTypeId: activity.activityTypeId,
	};
	if (activityType !== undefined) flat.activityType = activityType;
	flat.leadId = activity.leadId;
	if (activity.campaignId !== undefined) flat.campaignId = activity.campaignId;
	if (activity.primaryAttributeValueId !== undefined) flat.primaryAttributeValueId = activity.primaryAttributeValueId;
	if (activity.primaryAttributeValue !== undefined) flat.primaryAttributeValue = activity.primaryAttributeValue;
	for (const attribute of activity.attributes ?? []) {
		let key = attribute.apiName || attributeKey(attribute.name);
		if (key in flat) key = attributeKey(`attribute ${key}`);
		flat[key] = plainValue(attribute.value);
	}
	const changes = activity.fields ?? [];
	if (changes.length > 0) {
		flat.changedField = changes.map((c) => c.name).join(', ');
		flat.oldValue = plainValue(changes[0].oldValue);
		flat.newValue = plainValue(changes[0].newValue);
		// Marketo records one field per Data Value Change; should it ever send several, none is lost
		if (changes.length > 1) flat.changes = changes.map((c) => ({ field: c.name, oldValue: plainValue(c.oldValue), newValue: plainValue(c.newValue) }));
	}
	return flat;
}

/** Of several activities, the most recent one (for Fetch Test Event); Marketo returns oldest first. */
export function newestActivity(activities: MarketoActivity[]): MarketoActivity | undefined {
	let newest: MarketoActivity | undefined;
	for (const activity of activities) {
		if (newest === undefined || Date.parse(activity.activityDate) >= Date.parse(newest.activityDate)) newest = activity;
	}
	return newest;
}

/** Marketo's time to the second, as `pagingtoken.json` takes it: `2026-12-02T14:25:07Z`. */
export function sinceDatetime(ms: number): string {
	return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
