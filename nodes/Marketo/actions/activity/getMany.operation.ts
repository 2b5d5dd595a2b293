import type { OperationContext, OperationDeclaration } from '../types';
import { sendInBatches } from '../../transport';
import type { BatchEntry, BatchOutcome } from '../../transport';
import { MAX_ACTIVITY_LEADS, activityPagingToken, readActivities } from '../shared/activityLog';
import type { ActivityRecord } from '../shared/activityLog';
import { activityItem, activityTypes, typesById } from '../shared/activityTypes';
import { forEachCheckedItem } from '../shared/items';
import { getManyFields } from './fields';
import { readActivityInput } from './input';
import type { ActivityInput } from './input';

/** One lead of one input item. */
interface LeadEntry {
	leadId: number;
	input: ActivityInput;
}

interface LeadActivities {
	leadId: number;
	activities: ActivityRecord[];
}

/** Items whose reads are the same but for the leads share calls: same types, start and list. */
function settingsKey(input: ActivityInput): string {
	return JSON.stringify([input.activityTypeIds, input.sinceDatetime, input.listId ?? null]);
}

/** Paging tokens by start time: a date-based token serves every read that starts then, so it is fetched once. */
function tokenCache(context: OperationContext): (since: string) => Promise<string> {
	const tokens = new Map<string, Promise<string>>();
	return async (since) => {
		let token = tokens.get(since);
		if (!token) {
			token = activityPagingToken(context.client, since, `'Since': ${since}.`);
			tokens.set(since, token);
		}
		return await token;
	};
}

const byDate = (a: ActivityRecord, b: ActivityRecord): number => (a.activityDate < b.activityDate ? -1 : a.activityDate > b.activityDate ? 1 : 0);

/**
 * The leads of every item, 30 per call (a lead named by several items is asked once); each item gets its own
 * leads' activities in time order, or the error of a call one of its leads was in ("Continue On Fail").
 */
async function readByLeads(
	context: OperationContext,
	entries: Array<BatchEntry<LeadEntry>>,
	tokenFor: (since: string) => Promise<string>,
): Promise<Map<number, ActivityRecord[] | Error>> {
	const groups = new Map<string, Array<BatchEntry<LeadEntry>>>();
	for (const entry of entries) {
		const key = settingsKey(entry.record.input);
		const group = groups.get(key);
		if (group) group.push(entry);
		else groups.set(key, [entry]);
	}
	const outcomes: Array<BatchOutcome<LeadEntry, LeadActivities>> = [];
	for (const group of groups.values()) {
		const { activityTypeIds, sinceDatetime, listId } = group[0].record.input;
		outcomes.push(
			...(await sendInBatches<LeadEntry, LeadActivities>(group, {
				size: MAX_ACTIVITY_LEADS,
				parallel: context.client.settings.maxConcurrent,
				keyOf: (e) => String(e.leadId),
				resultKeyOf: (r) => String(r.leadId),
				continueOnFail: context.continueOnFail,
				send: async (leads) => {
					const leadIds = leads.map((l) => l.leadId);
					const read = await readActivities(context.client, {
						nextPageToken: await tokenFor(sinceDatetime),
						activityTypeIds,
						listId,
						leadIds,
						errorHint: "'Lead ID'",
					});
					return leadIds.map((leadId) => ({ leadId, activities: read.activities.filter((a) => Number(a.leadId) === leadId) }));
				},
			})),
		);
	}
	const byItem = new Map<number, ActivityRecord[] | Error>();
	for (const { entry, result, error } of outcomes) {
		const sofar = byItem.get(entry.itemIndex);
		if (sofar instanceof Error) continue;
		if (error) byItem.set(entry.itemIndex, error);
		else if (sofar) sofar.push(...(result?.activities ?? []));
		else byItem.set(entry.itemIndex, [...(result?.activities ?? [])]);
	}
	for (const list of byItem.values()) if (Array.isArray(list)) list.sort(byDate);
	return byItem;
}

export const getMany: OperationDeclaration = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many activities',
	description:
		'Read activities of chosen types since a date, for all leads, the leads of the items (30 per call across items) or a static list, to the end or up to a limit per item',
	properties: getManyFields,
	execute: async (context) => {
		const { fn, client, items } = context;
		// one call, also to check the chosen types before anything is read
		const types = typesById(await activityTypes(client));
		const readInput = readActivityInput(fn, items, types);
		const tokenFor = tokenCache(context);
		// the leads of all items, gathered while the items are read, then read together at the first item that needs them
		const leadEntries: Array<BatchEntry<LeadEntry>> = [];
		let byLeads: Promise<Map<number, ActivityRecord[] | Error>> | undefined;

		return await forEachCheckedItem(
			context,
			(itemIndex) => {
				const input = readInput(itemIndex);
				for (const leadId of input.leadIds) leadEntries.push({ itemIndex, record: { leadId, input } });
				return input;
			},
			async (input, itemIndex) => {
				let found: ActivityRecord[];
				if (input.leadIds.length) {
					byLeads ??= readByLeads(context, leadEntries, tokenFor);
					const mine = (await byLeads).get(itemIndex) ?? [];
					if (mine instanceof Error) throw mine;
					found = input.returnAll ? mine : mine.slice(0, input.limit);
				} else {
					const read = await readActivities(client, {
						nextPageToken: await tokenFor(input.sinceDatetime),
						activityTypeIds: input.activityTypeIds,
						listId: input.listId,
						limit: input.returnAll ? undefined : input.limit,
						errorHint: input.listId ? `'List': static list ${input.listId}.` : undefined,
					});
					found = read.activities;
				}
				return found.map((a) => activityItem(a, types));
			},
		);
	},
};
