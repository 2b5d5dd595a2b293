import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { MAX_BATCH, sendInBatches, systemClock } from '../Marketo/transport';
import type { Clock, MarketoClient } from '../Marketo/transport';
import { activityWatch } from './activityEvents';
import type { ActivityEvent, ActivitySettings, ActivityWatch } from './activityEvents';
import { activitiesToFire, distinctLeadIds, flattenActivity, MAX_ACTIVITIES_PER_POLL, newestActivity, sinceDatetime } from './activityPoll';
import type { ActivityWatchState, MarketoActivity } from './activityPoll';
import { activityTypeNames } from './activityTypes';

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
	const ask = async (ms: number) =>
		(await client.request({ method: 'GET', path: '/rest/v1/activities/pagingtoken.json', qs: { sinceDatetime: sinceDatetime(ms) } })).nextPageToken;
	let token = await ask(localNow);
	const marketoNow = client.marketoTime(localNow);
	if (marketoNow !== undefined && Math.abs(marketoNow - localNow) >= CLOCK_TOLERANCE_MS) token = await ask(marketoNow);
	if (!token) throw new Error('Marketo returned no paging token');
	return token;
}

/**
 * Reads the activity log from `token` to its end (`moreResult` false; a page may hold fewer than 300 activities
 * while more follow) or until `max` activities are read, and returns them with the token to continue from.
 */
async function readFrom(client: MarketoClient, watch: ActivityWatch, token: string, max: number): Promise<{ activities: MarketoActivity[]; token: string }> {
	const activities: MarketoActivity[] = [];
	let next = token;
	for (;;) {
		const page = await client.request<MarketoActivity>({
			method: 'GET',
			path: watch.path,
			qs: { ...watch.qs, nextPageToken: next, batchSize: MAX_BATCH },
			errorHint: `Reading Marketo's activities for the trigger's ${watch.noun} event.`,
		});
		const result = page.result ?? [];
		activities.push(...result);
		const advanced = page.nextPageToken !== undefined && page.nextPageToken !== '' && page.nextPageToken !== next;
		if (advanced) next = String(page.nextPageToken);
		// a page that neither brought anything nor moved the token ends the read, whatever moreResult says
		if (page.moreResult !== true || activities.length >= max || (!advanced && result.length === 0)) return { activities, token: next };
	}
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

async function activityItems(client: MarketoClient, watch: ActivityWatch, activities: MarketoActivity[], typeNames?: Record<string, string>): Promise<INodeExecutionData[]> {
	const leads = await leadsOf(client, watch, activities);
	return activities.map((activity) => {
		const typeName = watch.typeName?.(activity.activityTypeId) ?? typeNames?.[String(activity.activityTypeId)];
		return { json: { ...flattenActivity(activity, typeName), lead: leads.get(Number(activity.leadId)) ?? null } };
	});
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
		const token = (await client.request({ method: 'GET', path: '/rest/v1/activities/pagingtoken.json', qs: { sinceDatetime: sinceDatetime(since) } })).nextPageToken;
		const { activities } = await readFrom(client, watch, String(token ?? ''), MAX_ACTIVITIES_PER_POLL);
		const sample = newestActivity(activities.filter(watch.matches));
		if (!sample) continue;
		const typeNames = watch.event === 'newActivity' ? await activityTypeNames(client) : undefined;
		return [await activityItems(client, watch, [sample], typeNames)];
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
		const start: ActivityWatchState = { token: await tokenForNow(client, clock), recent: [] };
		if (event === 'newActivity') start.typeNames = await activityTypeNames(client);
		staticData.activityWatch = start as unknown as IDataObject;
		return null;
	}
	const read = await readFrom(client, watch, state.token, MAX_ACTIVITIES_PER_POLL);
	const { fire, next } = activitiesToFire(state, read.activities, watch.matches, read.token);
	if (fire.length === 0) {
		// kept in memory (n8n saves static data only when a poll emits): the next poll does not read this stretch again
		staticData.activityWatch = next as unknown as IDataObject;
		return null;
	}
	// a type created after activation is not in the names read then: read them again, once
	if (event === 'newActivity' && fire.some((a) => next.typeNames?.[String(a.activityTypeId)] === undefined)) next.typeNames = await activityTypeNames(client);
	const typeNames = event === 'newActivity' ? next.typeNames : undefined;
	const items = await activityItems(client, watch, fire, typeNames);
	staticData.activityWatch = next as unknown as IDataObject;
	return [items];
}
