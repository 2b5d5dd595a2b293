import type { IDataObject } from 'n8n-workflow';

import type { ActivityRecord } from '../Marketo/actions/shared/activityLog';
import type { ActivityType } from '../Marketo/actions/shared/activityTypes';

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
	/** the watched activity types (name, primary attribute), read once at activation for the items */
	types?: ActivityType[];
}

/** An activity as `activities.json` or `leadchanges.json` returns it. */
export type MarketoActivity = ActivityRecord;

/** How many fired GUIDs are remembered: far more than can straddle a token boundary, small enough for static data. */
export const RECENT_GUIDS = 1000;

/**
 * Activity pages read in one poll at most (up to 15,000 activities): a backlog (n8n was down for a day on a busy
 * instance) is emitted in runs of about this size, one per poll, each continuing from the token the previous one
 * stored, instead of one huge run.
 */
export const MAX_PAGES_PER_POLL = 50;

/** An activity's identity: Marketo's `marketoGUID`, which replaces the integer `id` (not unique after migration). */
export function activityKey(activity: MarketoActivity): string {
	if (activity.marketoGUID !== undefined && activity.marketoGUID !== '') return String(activity.marketoGUID);
	return `${String(activity.id ?? '')}|${activity.leadId}|${activity.activityTypeId}|${activity.activityDate}`;
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

/**
 * A lead change as plain fields: the changed field with its old and new value (Marketo records one field per Change
 * Data Value; the full `fields` list stays in the item should it ever carry several).
 */
export function changedValue(activity: MarketoActivity): IDataObject {
	const change = activity.fields?.[0];
	if (!change) return {};
	return { changedField: activity.fields!.map((f) => f.name).join(', '), oldValue: change.oldValue ?? null, newValue: change.newValue ?? null };
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
