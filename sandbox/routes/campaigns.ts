/** Smart campaigns (lead database API): browse, get, request (trigger campaigns) and schedule (batch campaigns). */
import { type Ctx, type Route, intParam, isObject, jsonObject } from '../context';
import { MarketoError, successBody } from '../envelope';
import { batchSizeParam, decodePageToken, pageOf } from '../paging';
import type { Campaign } from '../store/campaigns';

/** Marketo's limits for Request Campaign: 100 leads and 100 tokens per call. */
const MAX_REQUEST_LEADS = 100;
const MAX_TOKENS = 100;
/** runAt may be at most two years ahead; without it the campaign runs in five minutes. */
const MAX_RUN_AHEAD_MS = 2 * 366 * 24 * 3600 * 1000;
const DEFAULT_DELAY_MS = 5 * 60 * 1000;

/** A comma-separated (or repeated) query parameter as a list. */
function listParam(ctx: Ctx, name: string): string[] {
	return ctx.query
		.getAll(name)
		.flatMap((v) => v.split(','))
		.map((s) => s.trim())
		.filter(Boolean);
}

function browseCampaigns(ctx: Ctx): Record<string, unknown> {
	const store = ctx.state.campaigns;
	const ids = listParam(ctx, 'id').map(Number);
	const names = listParam(ctx, 'name');
	const programs = listParam(ctx, 'programName');
	const workspaces = listParam(ctx, 'workspaceName');
	const triggerable = ctx.query.get('isTriggerable') === 'true';
	const matching = store.all().filter(
		(c) =>
			(!ids.length || ids.includes(c.id)) &&
			(!names.length || names.includes(c.name)) &&
			(!programs.length || (c.programName !== undefined && programs.includes(c.programName))) &&
			(!workspaces.length || workspaces.includes(c.workspaceName)) &&
			(!triggerable || store.isRequestable(c)),
	);
	const size = batchSizeParam(ctx.query.get('batchSize'), ctx.state.options.limits.maxBatch);
	const token = ctx.query.get('nextPageToken');
	const scope = `campaigns:${ctx.query.toString().replace(/&?(nextPageToken|batchSize)=[^&]*/g, '')}`;
	const afterId = token ? Number(decodePageToken(token, scope)) : 0;
	const { page, nextPageToken } = pageOf(
		matching.filter((c) => c.id > afterId).slice(0, size + 1).map((c) => c.id),
		size,
		scope,
	);
	const result = page.map((id) => store.json(store.get(id)!));
	return successBody(result, { nextPageToken, moreResult: nextPageToken !== undefined });
}

function getCampaign(ctx: Ctx): Record<string, unknown> {
	const c = ctx.state.campaigns.get(intParam(ctx, 'id'));
	if (!c) throw new MarketoError('1013', `Campaign ${ctx.params.id} not found`);
	return successBody([ctx.state.campaigns.json(c)]);
}

/** `input` of a campaign call: an object (not an array, unlike the other lead database writes). */
function campaignInput(ctx: Ctx, required: boolean): Record<string, unknown> {
	const body = jsonObject(ctx);
	if (body.input === undefined && !required) return {};
	if (!isObject(body.input)) throw new MarketoError('1003', "Field 'input' must be an object");
	return body.input;
}

/** tokens: [{name: "{{my.Name}}", value}], at most 100. */
function tokensOf(input: Record<string, unknown>): Array<{ name: string; value: string }> {
	const tokens = input.tokens ?? [];
	if (!Array.isArray(tokens)) throw new MarketoError('1003', "Field 'tokens' must be an array");
	if (tokens.length > MAX_TOKENS) throw new MarketoError('1003', `Token count ${tokens.length} exceeds the limit of ${MAX_TOKENS}`);
	return tokens.map((t) => {
		const name = isObject(t) ? t.name : undefined;
		if (typeof name !== 'string' || !/^\{\{my\.[^{}]+\}\}$/.test(name)) {
			throw new MarketoError('1003', `Invalid token name '${String(name)}': must be formatted as {{my.name}}`);
		}
		return { name, value: String((t as Record<string, unknown>).value ?? '') };
	});
}

function requireCampaign(ctx: Ctx): Campaign {
	const c = ctx.state.campaigns.get(intParam(ctx, 'id'));
	if (!c) throw new MarketoError('1013', `Campaign ${ctx.params.id} not found`);
	return c;
}

/**
 * Request Campaign. Marketo answers a campaign it cannot request with 1003 (Adobe's error-code list: "when using
 * Request Campaign on a batch campaign"); the message text here is the sandbox's own.
 */
function triggerCampaign(ctx: Ctx): Record<string, unknown> {
	const c = requireCampaign(ctx);
	const input = campaignInput(ctx, true);
	const leads = input.leads;
	if (!Array.isArray(leads) || leads.length === 0) throw new MarketoError('1003', "Field 'leads' must be a non-empty array");
	if (leads.length > MAX_REQUEST_LEADS) throw new MarketoError('1003', `Lead count ${leads.length} exceeds the limit of ${MAX_REQUEST_LEADS}`);
	ctx.recordCount = leads.length;
	const ids = leads.map((l) => Number(isObject(l) ? l.id : NaN));
	if (ids.some((id) => !Number.isInteger(id))) throw new MarketoError('1003', "Every lead needs an integer 'id'");
	const tokens = tokensOf(input);
	if (c.type === 'batch') throw new MarketoError('1003', `Campaign ${c.id} is a batch campaign and cannot be requested`);
	if (!c.requestedTrigger) throw new MarketoError('1003', `Campaign ${c.id} has no 'Campaign is Requested' trigger with source 'Web Service API'`);
	if (!c.active) throw new MarketoError('1003', `Campaign ${c.id} is not active`);
	// leads that do not exist are ignored, as Marketo does: the call still succeeds
	const ran = ids.filter((id) => ctx.state.leads.has(id));
	ctx.state.campaigns.requests.push({ campaignId: c.id, leadIds: ran, tokens, at: Date.now() });
	return successBody([{ id: c.id }]);
}

function scheduleCampaign(ctx: Ctx): Record<string, unknown> {
	const c = requireCampaign(ctx);
	const input = campaignInput(ctx, false);
	const tokens = tokensOf(input);
	ctx.recordCount = 1;
	if (c.type !== 'batch') throw new MarketoError('1003', `Campaign ${c.id} is a trigger campaign and cannot be scheduled`);
	let runAt = Date.now() + DEFAULT_DELAY_MS;
	if (input.runAt !== undefined && input.runAt !== null && input.runAt !== '') {
		const t = Date.parse(String(input.runAt).replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
		if (Number.isNaN(t)) throw new MarketoError('1003', `Invalid runAt '${String(input.runAt)}'`);
		if (t > Date.now() + MAX_RUN_AHEAD_MS) throw new MarketoError('1003', 'runAt cannot be more than two years in the future');
		// a campaign scheduled through the API waits at least five minutes
		runAt = Math.max(t, Date.now() + DEFAULT_DELAY_MS);
	}
	let scheduled = c;
	const cloneName = typeof input.cloneToProgramName === 'string' && input.cloneToProgramName ? input.cloneToProgramName : undefined;
	if (cloneName) {
		const programs = ctx.state.programs;
		const source = c.programId === undefined ? undefined : programs.get(c.programId);
		if (!source) throw new MarketoError('1003', `Campaign ${c.id} is not in a program, so it cannot be cloned to one`);
		if (programs.byName(cloneName)) throw new MarketoError('709', `A program named '${cloneName}' already exists`);
		const program = programs.clone(source, cloneName);
		scheduled = ctx.state.campaigns.add({ ...c, programId: program.id, programName: program.name });
	}
	ctx.state.campaigns.schedules.push({
		campaignId: c.id,
		runAt: new Date(runAt).toISOString(),
		tokens,
		cloneToProgramName: cloneName,
		scheduledCampaignId: scheduled.id,
	});
	return successBody([{ id: scheduled.id }]);
}

const CAMPAIGN = /^\/rest\/v1\/campaigns\/(?<id>[^/]+)\.json$/;

export const campaignRoutes: Route[] = [
	{ method: 'GET', path: /^\/rest\/v1\/campaigns\.json$/, need: 'readLead', handle: browseCampaigns },
	{ method: 'GET', path: CAMPAIGN, need: 'readLead', handle: getCampaign },
	{ method: 'POST', path: /^\/rest\/v1\/campaigns\/(?<id>[^/]+)\/trigger\.json$/, need: 'writeLead', handle: triggerCampaign },
	{ method: 'POST', path: /^\/rest\/v1\/campaigns\/(?<id>[^/]+)\/schedule\.json$/, need: 'writeLead', handle: scheduleCampaign },
];
