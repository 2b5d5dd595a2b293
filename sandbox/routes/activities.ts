/** Activities: types, date-based paging tokens, Get Lead Activities and Get Lead Changes. */
import { type Ctx, type Route } from '../context';
import { MarketoError, successBody } from '../envelope';
import { batchSizeParam, decodePageToken, encodePageToken } from '../paging';
import { type Activity, type LogPosition, activityJson, leadChangeJson } from '../store/activities';
import { activityType } from '../store/activityTypes';
import { field } from '../store/fields';

/** Date-based tokens of every activity endpoint share one scope: a token from one works on the others. */
const SCOPE = 'activities';
const MAX_TYPES = 10;
const MAX_LEADS = 30;

function tokenFor(p: LogPosition): string {
	return encodePageToken(SCOPE, `${p.time}.${p.id}`);
}

function positionOf(ctx: Ctx): LogPosition {
	const token = ctx.query.get('nextPageToken');
	if (!token) throw new MarketoError('1003', "Required parameter 'nextPageToken' not specified");
	const [time, id] = decodePageToken(token, SCOPE).split('.').map(Number);
	if (!Number.isFinite(time) || !Number.isInteger(id)) throw new MarketoError('1003', `Invalid next page token '${token}'`);
	return { time, id };
}

/** Comma-separated or repeated parameter. */
function listParam(ctx: Ctx, name: string): string[] {
	return ctx.query
		.getAll(name)
		.flatMap((v) => v.split(','))
		.map((s) => s.trim())
		.filter(Boolean);
}

function intList(ctx: Ctx, name: string): number[] {
	return listParam(ctx, name).map((v) => {
		const n = Number(v);
		if (!Number.isInteger(n)) throw new MarketoError('1003', `Invalid value '${v}' for ${name}`);
		return n;
	});
}

/** The listId / leadIds narrowing both activity reads share. */
function leadFilter(ctx: Ctx): (a: Activity) => boolean {
	const leadIds = intList(ctx, 'leadIds');
	if (leadIds.length > MAX_LEADS) throw new MarketoError('1003', `Too many leadIds: ${leadIds.length}, the limit is ${MAX_LEADS}`);
	const rawList = ctx.query.get('listId');
	let listId: number | undefined;
	if (rawList !== null && rawList !== '') {
		listId = Number(rawList);
		if (!Number.isInteger(listId)) throw new MarketoError('1003', `Invalid listId '${rawList}'`);
		if (!ctx.state.assets.list(listId)) throw new MarketoError('1013', `Static list '${listId}' not found`);
	}
	const leads = leadIds.length ? new Set(leadIds) : undefined;
	const assets = ctx.state.assets;
	return (a) => (!leads || leads.has(a.leadId)) && (listId === undefined || assets.isMember(listId, a.leadId));
}

/** Runs one scan of the log and answers it in Marketo's shape; every answer carries a nextPageToken. */
function answerPage(ctx: Ctx, test: (a: Activity) => boolean, shape: (a: Activity) => Record<string, unknown>): Record<string, unknown> {
	const position = positionOf(ctx);
	const size = batchSizeParam(ctx.query.get('batchSize'), ctx.state.options.limits.maxBatch);
	const page = ctx.state.activities.page(position, test, size, ctx.state.options.activityScanSize);
	ctx.recordCount = page.items.length;
	return successBody(page.items.map(shape), { nextPageToken: tokenFor(page.position), moreResult: page.moreResult });
}

function getTypes(ctx: Ctx): Record<string, unknown> {
	return successBody(ctx.state.activities.types().map((t) => structuredClone(t)));
}

function getPagingToken(ctx: Ctx): Record<string, unknown> {
	const since = ctx.query.get('sinceDatetime');
	if (!since) throw new MarketoError('1003', "Required parameter 'sinceDatetime' not specified");
	const t = Date.parse(since);
	if (!Number.isFinite(t)) throw new MarketoError('1003', `Invalid sinceDatetime '${since}'`);
	const body = successBody([]);
	delete body.result;
	return { ...body, nextPageToken: tokenFor(ctx.state.activities.positionAt(t)) };
}

function getActivities(ctx: Ctx): Record<string, unknown> {
	const types = intList(ctx, 'activityTypeIds');
	if (!types.length) throw new MarketoError('1003', "Required parameter 'activityTypeIds' not specified");
	if (types.length > MAX_TYPES) throw new MarketoError('1003', `Too many activityTypeIds: ${types.length}, the limit is ${MAX_TYPES}`);
	for (const id of types) if (!activityType(id)) throw new MarketoError('1003', `Invalid activity type id '${id}'`);
	const assetIds = intList(ctx, 'assetIds');
	if (assetIds.length && types.length !== 1) throw new MarketoError('1003', 'assetIds can only be used with a single activity type');
	const wanted = new Set(types);
	const assets = assetIds.length ? new Set(assetIds) : undefined;
	const byLead = leadFilter(ctx);
	return answerPage(
		ctx,
		(a) => wanted.has(a.activityTypeId) && (!assets || assets.has(a.primaryAttributeValueId ?? NaN)) && byLead(a),
		activityJson,
	);
}

function getLeadChanges(ctx: Ctx): Record<string, unknown> {
	const names = listParam(ctx, 'fields');
	if (!names.length) throw new MarketoError('1003', "Required parameter 'fields' not specified");
	for (const n of names) if (!field(n)) throw new MarketoError('1006', `Field '${n}' not found`);
	const fields = new Set(names);
	const byLead = leadFilter(ctx);
	const touches = (a: Activity): boolean => (a.fields ?? []).some((f) => fields.has(f.name));
	return answerPage(
		ctx,
		// Data Value Changes of the asked fields, and New Lead activities (Adobe: the endpoint returns both)
		(a) => (a.activityTypeId === 13 ? touches(a) : a.activityTypeId === 12) && byLead(a),
		(a) => leadChangeJson(a, fields),
	);
}

export const activityRoutes: Route[] = [
	{ method: 'GET', path: /^\/rest\/v1\/activities\/types\.json$/, need: 'readLead', handle: getTypes },
	{ method: 'GET', path: /^\/rest\/v1\/activities\/pagingtoken\.json$/, need: 'readLead', handle: getPagingToken },
	{ method: 'GET', path: /^\/rest\/v1\/activities\/leadchanges\.json$/, need: 'readLead', handle: getLeadChanges },
	{ method: 'GET', path: /^\/rest\/v1\/activities\.json$/, need: 'readLead', handle: getActivities },
];
