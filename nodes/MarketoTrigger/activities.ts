import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { MAX_BATCH, sendInBatches, systemClock } from '../Marketo/transport';
import type { Clock, MarketoClient } from '../Marketo/transport';
import { activityWatch } from './activityEvents';
import type { ActivityEvent, ActivitySettings, ActivityWatch } from './activityEvents';
import { activityPagingToken, readActivities, readLeadChanges } from '../Marketo/actions/shared/activityLog';
import { activityItem, activityTypes, typesById } from '../Marketo/actions/shared/activityTypes';
import type { ActivityType } from '../Marketo/actions/shared/activityTypes';
import { activitiesToFire, changedValue, distinctLeadIds, MAX_PAGES_PER_POLL, newestActivity, sinceDatetime } from './activityPoll';
import type { ActivityWatchState, MarketoActivity } from './activityPoll';

/** Date headers are to the second: a smaller difference between the clocks is no difference. */
const CLOCK_TOLERANCE_MS = 1000;

/** Fetch Test Event looks back this far, widening until it finds an activity of the event's kind. */
const SAMPLE_WINDOWS_MS = [3600_000, 24 * 3600_000, 7 * 24 * 3600_000];

/**
 * Marketo's paging token for "now" on Marketo's clock, so that nothing before activation fires and nothing after it
 * is skipped when n8n's clock and Marketo's differ. The clock is read from the first answer's Date header; when it
 * differs from this machine's, the token is asked again for Marketo's time (a second call, at activation only).
 */
async function tokenForNow(client: MarketoClient, clock: Clock): Promise<string> {
	const localNow = clock.now();
	const token = await activityPagingToken(client, sinceDatetime(localNow));
	const marketoNow = client.marketoTime(localNow);
	if (marketoNow === undefined || Math.abs(marketoNow - localNow) < CLOCK_TOLERANCE_MS) return token;
	return await activityPagingToken(client, sinceDatetime(marketoNow));
}

/**
 * Reads the activity log from `token` to its end (`moreResult` false; a page may hold fewer than 300 activities
 * while more follow) or MAX_PAGES_PER_POLL pages, and returns the activities with the token to continue from.
 */
async function readFrom(client: MarketoClient, watch: ActivityWatch, token: string): Promise<{ activities: MarketoActivity[]; token: string }> {
	const { read } = watch;
	const options = {
		nextPageToken: token,
		listId: read.listId,
		assetIds: read.assetIds,
		maxPages: MAX_PAGES_PER_POLL,
		errorHint: `Reading Marketo's activities for the trigger's ${watch.noun} event.`,
	};
	const answer = read.fields ? await readLeadChanges(client, { ...options, fields: read.fields }) : await readActivities(client, { ...options, activityTypeIds: read.activityTypeIds ?? [] });
	return { activities: answer.activities, token: answer.nextPageToken };
}

/** The watched types as the state keeps them: name and primary attribute, not the attribute lists. */
async function watchedTypes(client: MarketoClient, watch: ActivityWatch): Promise<ActivityType[]> {
	const wanted = new Set(watch.typeIds);
	return (await activityTypes(client)).filter((t) => wanted.has(Number(t.id))).map(({ id, name, primaryAttribute }) => ({ id, name, primaryAttribute }));
}

/** The leads of the activities, with the watch's fields: one `leads.json` call per 300 distinct leads. */
async function leadsOf(client: MarketoClient, watch: ActivityWatch, activities: MarketoActivity[]): Promise<Map<number, IDataObject>> {
	const fields = [...new Set(['id', ...watch.leadFields])];
	const outcomes = await sendInBatches<number, IDataObject>(
		distinctLeadIds(activities).map((id) => ({ itemIndex: 0, record: id })),
		{
			size: MAX_BATCH,
			parallel: client.settings.maxConcurrent,
			keyOf: String,
			resultKeyOf: (lead) => (lead.id === undefined ? undefined : String(lead.id)),
			continueOnFail: false,
			send: async (ids) =>
				(await client.request<IDataObject>({ method: 'GET', path: '/rest/v1/leads.json', qs: { filterType: 'id', filterValues: ids, fields, batchSize: MAX_BATCH } }))
					.result ?? [],
		},
	);
	// a lead deleted since its activity has no result: its items carry `lead: null`
	return new Map(outcomes.flatMap((o) => (o.result ? [[o.entry.record, o.result] as [number, IDataObject]] : [])));
}

/** The items: each activity as the Activity operation outputs it, the lead change as plain fields, and the lead. */
async function activityItems(client: MarketoClient, watch: ActivityWatch, activities: MarketoActivity[], types: ActivityType[]): Promise<INodeExecutionData[]> {
	const leads = await leadsOf(client, watch, activities);
	const byId = typesById(types);
	return activities.map((activity) => ({
		json: { ...activityItem(activity, byId), ...changedValue(activity), lead: leads.get(Number(activity.leadId)) ?? null },
	}));
}

function readWatch(context: IPollFunctions, event: ActivityEvent): ActivityWatch {
	const settings: ActivitySettings = {
		leadFields: context.getNodeParameter('leadFields', []),
		fieldsToWatch: event === 'leadChanged' ? context.getNodeParameter('fieldsToWatch', []) : undefined,
		form: event === 'formFilledOut' ? context.getNodeParameter('form', '') : undefined,
		list: event === 'addedToList' || event === 'newActivity' ? context.getNodeParameter('list', '', { extractValue: true }) : undefined,
		activityTypeIds: event === 'newActivity' ? context.getNodeParameter('activityTypeIds', []) : undefined,
	};
	try {
		return activityWatch(event, settings);
	} catch (error) {
		// the field's problem, named, before any call to Marketo
		throw new NodeOperationError(context.getNode(), (error as Error).message);
	}
}

/** Fetch Test Event: the most recent real activity of the event's kind, looking back an hour, a day, then 7 days. */
async function sampleItems(context: IPollFunctions, client: MarketoClient, watch: ActivityWatch, clock: Clock): Promise<INodeExecutionData[][]> {
	for (const window of SAMPLE_WINDOWS_MS) {
		const since = (client.marketoTime(clock.now()) ?? clock.now()) - window;
		const { activities } = await readFrom(client, watch, await activityPagingToken(client, sinceDatetime(since)));
		const sample = newestActivity(activities.filter(watch.matches));
		if (sample) return [await activityItems(client, watch, [sample], await watchedTypes(client, watch))];
	}
	throw new NodeOperationError(context.getNode(), `No ${watch.noun} in Marketo in the last 7 days`, {
		description:
			'Fetch Test Event shows the most recent real activity of the chosen kind. Make one in Marketo (for example create a test lead, fill out the form, or add a lead to the list), then fetch again. Once the workflow is active, every new one starts it.',
	});
}

/**
 * One poll of an activity event. The first poll after activation only takes Marketo's paging token for now (nothing
 * from before fires); every later poll reads from the stored token to the end of the log, fires what matches and was
 * not fired before, and stores the token Marketo returned last once the items are produced.
 */
export async function pollActivities(
	context: IPollFunctions,
	client: MarketoClient,
	event: ActivityEvent,
	clock: Clock = systemClock,
): Promise<INodeExecutionData[][] | null> {
	const watch = readWatch(context, event);
	if (context.getMode() === 'manual') return await sampleItems(context, client, watch, clock);

	const staticData = context.getWorkflowStaticData('node');
	const state = staticData.activityWatch as unknown as ActivityWatchState | undefined;
	if (!state?.token) {
		const start: ActivityWatchState = { token: await tokenForNow(client, clock), recent: [], types: await watchedTypes(client, watch) };
		staticData.activityWatch = start as unknown as IDataObject;
		return null;
	}
	const read = await readFrom(client, watch, state.token);
	const { fire, next } = activitiesToFire(state, read.activities, watch.matches, read.token);
	if (fire.length === 0) {
		// kept in memory (n8n saves static data only when a poll emits): the next poll does not read this stretch again
		staticData.activityWatch = next as unknown as IDataObject;
		return null;
	}
	// the watched types changed since activation (a type picked later): their names are read again, once
	const known = new Set((next.types ?? []).map((t) => Number(t.id)));
	if (fire.some((a) => !known.has(Number(a.activityTypeId)))) next.types = await watchedTypes(client, watch);
	const items = await activityItems(client, watch, fire, next.types ?? []);
	staticData.activityWatch = next as unknown as IDataObject;
	return [items];
}
