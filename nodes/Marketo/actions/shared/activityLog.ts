/**
 * Reading Marketo's activity log: a date-based paging token from `pagingtoken.json`, then `activities.json` (or
 * `activities/leadchanges.json`) with that token, following `moreResult` until it is false. A page can hold fewer
 * than 300 records, even none, while `moreResult` is true (Marketo reads a slice of its log per call), so a short
 * or empty page never ends the read. Every answer carries a `nextPageToken`; the last one is returned so that a
 * later read (the next poll of a trigger) starts exactly where this one stopped.
 */
import type { IDataObject } from 'n8n-workflow';

import { MAX_BATCH } from '../../transport';
import type { MarketoClient, QueryValue } from '../../transport';

/** At most 10 activity types per call (Marketo's limit). */
export const MAX_ACTIVITY_TYPES = 10;
/** At most 30 lead ids per call (Marketo's limit). */
export const MAX_ACTIVITY_LEADS = 30;

/** Empty pages with an unchanged token (and moreResult true) in a row before a read gives up. */
const MAX_STUCK_PAGES = 3;

/** An activity as Marketo answers it. */
export interface ActivityRecord extends IDataObject {
	marketoGUID: string;
	leadId: number;
	activityDate: string;
	activityTypeId: number;
	attributes?: Array<{ name: string; value: IDataObject[keyof IDataObject] }>;
	/** Get Lead Changes only: the changed fields */
	fields?: Array<{ id: number; name: string; newValue: IDataObject[keyof IDataObject]; oldValue: IDataObject[keyof IDataObject] }>;
}

/** Where a read starts: a time (a paging token is fetched for it) or a token from an earlier read. */
export type ActivityStart = { sinceDatetime: string; nextPageToken?: undefined } | { nextPageToken: string; sinceDatetime?: undefined };

interface ReadOptions {
	/** only activities of leads in this static list */
	listId?: number;
	/** only activities of these leads (at most 30) */
	leadIds?: number[];
	/** only activities whose primary asset is one of these (a form, a list; Marketo takes it with one type only) */
	assetIds?: number[];
	/** stop once this many activities are read; pages are asked no larger than what is missing, so none is cut */
	limit?: number;
	/** stop after this many activity calls (the token then says where to go on) */
	maxPages?: number;
	/** sentence put in front of error hints, e.g. naming the field a bad value came from */
	errorHint?: string;
}

export type ActivityQuery = ActivityStart & ReadOptions & { activityTypeIds: number[] };
export type LeadChangesQuery = ActivityStart & ReadOptions & { fields: string[] };

export interface ActivityRead {
	activities: ActivityRecord[];
	/** where the next read goes on from (Marketo always returns one) */
	nextPageToken: string;
	/** false when Marketo said there is nothing more now; true when the read stopped at `limit` or `maxPages` */
	moreResult: boolean;
	/** activity calls made (the paging token call not counted) */
	pages: number;
}

/** A paging token for a moment: activities after it are read with the token. */
export async function activityPagingToken(client: MarketoClient, sinceDatetime: string, errorHint?: string): Promise<string> {
	const answer = await client.request({ method: 'GET', path: '/rest/v1/activities/pagingtoken.json', qs: { sinceDatetime }, errorHint });
	if (typeof answer.nextPageToken !== 'string' || !answer.nextPageToken) {
		throw new Error('Marketo returned no paging token for the activity log');
	}
	return answer.nextPageToken;
}

/** Activities of up to 10 types, oldest first, from a time or a token, to the end of the log (or a limit). */
export async function readActivities(client: MarketoClient, query: ActivityQuery): Promise<ActivityRead> {
	if (query.activityTypeIds.length === 0 || query.activityTypeIds.length > MAX_ACTIVITY_TYPES) {
		throw new Error(`Marketo reads 1 to ${MAX_ACTIVITY_TYPES} activity types at a time; got ${query.activityTypeIds.length}`);
	}
	return await readLog(client, '/rest/v1/activities.json', { activityTypeIds: query.activityTypeIds }, query);
}

/** Change Data Value (and New Lead) activities of the given lead fields, from a time or a token. */
export async function readLeadChanges(client: MarketoClient, query: LeadChangesQuery): Promise<ActivityRead> {
	if (query.fields.length === 0) throw new Error('Lead changes are read for at least one field');
	return await readLog(client, '/rest/v1/activities/leadchanges.json', { fields: query.fields }, query);
}

async function readLog(client: MarketoClient, path: string, filter: Record<string, QueryValue>, query: ActivityStart & ReadOptions): Promise<ActivityRead> {
	const leadIds = query.leadIds && query.leadIds.length ? query.leadIds : undefined;
	if (leadIds && leadIds.length > MAX_ACTIVITY_LEADS) {
		throw new Error(`Marketo reads the activities of at most ${MAX_ACTIVITY_LEADS} leads at a time; got ${leadIds.length}`);
	}
	let token = query.nextPageToken ?? (await activityPagingToken(client, query.sinceDatetime!, query.errorHint));
	const activities: ActivityRecord[] = [];
	let pages = 0;
	let stuck = 0;
	for (;;) {
		const missing = query.limit === undefined ? MAX_BATCH : Math.min(MAX_BATCH, query.limit - activities.length);
		if (missing <= 0 || (query.maxPages !== undefined && pages >= query.maxPages)) {
			return { activities, nextPageToken: token, moreResult: true, pages };
		}
		const page = await client.request<ActivityRecord>({
			method: 'GET',
			path,
			qs: { ...filter, listId: query.listId, leadIds, assetIds: query.assetIds?.length ? query.assetIds : undefined, batchSize: missing, nextPageToken: token },
			errorHint: query.errorHint,
		});
		pages++;
		const records = page.result ?? [];
		activities.push(...records);
		const previous = token;
		// Marketo always answers a token; keep the last one if an answer should lack it
		if (typeof page.nextPageToken === 'string' && page.nextPageToken) token = page.nextPageToken;
		if (page.moreResult !== true) return { activities, nextPageToken: token, moreResult: false, pages };
		// "more" with nothing read and nowhere further to read would ask the same page forever
		stuck = records.length === 0 && token === previous ? stuck + 1 : 0;
		if (stuck >= MAX_STUCK_PAGES) {
			throw new Error(`Marketo answered the same empty activity page ${MAX_STUCK_PAGES} times while saying more results follow; try again later`);
		}
	}
}
