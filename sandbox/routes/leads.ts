/** Lead database: partitions, sync, read by id and by filter, delete, describe. */
import { type Ctx, type Route, idsFromRequest, inputArray, jsonObject, param } from '../context';
import { MarketoError, skipped, successBody } from '../envelope';
import { batchSizeParam, decodePageToken, pageOf } from '../paging';
import { DEFAULT_READ_FIELDS, describe, describe2, field } from '../store/fields';
import type { LeadRecord } from '../store/leads';

/** The `fields` parameter (comma-separated or repeated), checked against the schema: 1006 for unknown names. */
export function fieldsParam(ctx: Ctx): string[] {
	const raw = ctx.query.getAll('fields').flatMap((v) => v.split(','));
	const names = raw.map((s) => s.trim()).filter(Boolean);
	if (!names.length) return DEFAULT_READ_FIELDS;
	for (const n of names) if (!field(n)) throw new MarketoError('1006', `Field '${n}' not found`);
	return names.includes('id') ? names : ['id', ...names];
}

/** A lead with just the asked fields; empty ones are null, as Marketo sends them. */
export function project(rec: LeadRecord, fields: string[]): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const f of fields) out[f] = rec[f] ?? null;
	return out;
}

/** Reads a page of leads by ascending id, keyset-paged under `scope`. */
export function leadPage(
	ctx: Ctx,
	scope: string,
	candidates: (afterId: number, limit: number) => number[],
): Record<string, unknown> {
	const fields = fieldsParam(ctx);
	const size = batchSizeParam(ctx.query.get('batchSize'), ctx.state.options.limits.maxBatch);
	const token = ctx.query.get('nextPageToken');
	const afterId = token ? Number(decodePageToken(token, scope)) : 0;
	const { page, nextPageToken } = pageOf(candidates(afterId, size + 1), size, scope);
	const leads = ctx.state.leads;
	const result = page.map((id) => project(leads.get(id)!, fields));
	return successBody(result, { nextPageToken, moreResult: nextPageToken !== undefined });
}

function getPartitions(ctx: Ctx): Record<string, unknown> {
	return successBody(ctx.state.leads.partitions.map((p) => ({ ...p })));
}

function updatePartitions(ctx: Ctx): Record<string, unknown> {
	const leads = ctx.state.leads;
	const result = inputArray(ctx)!.map((rec) => {
		const id = Number(rec.id);
		const name = rec.partitionName;
		if (!Number.isInteger(id)) return skipped('1003', "Field 'id' must be an integer");
		if (typeof name !== 'string' || !name) return skipped('1009', 'Partition name must be specified', id);
		const p = leads.partitionByName(name);
		if (!p) return skipped('1003', `Partition '${name}' not found`, id);
		if (!leads.has(id)) return skipped('1004', undefined, id);
		leads.update(id, { leadPartitionId: p.id });
		return { id, status: 'updated' };
	});
	return successBody(result);
}

const ACTIONS = ['createOrUpdate', 'createOnly', 'updateOnly', 'createDuplicate'];

function syncLeads(ctx: Ctx): Record<string, unknown> {
	const body = jsonObject(ctx);
	const input = inputArray(ctx)!;
	const action = body.action === undefined ? 'createOrUpdate' : String(body.action);
	if (!ACTIONS.includes(action)) throw new MarketoError('1003', `Invalid action '${action}'`);
	const lookupField = body.lookupField === undefined ? 'email' : String(body.lookupField);
	const lookupDef = field(lookupField);
	if (!lookupDef) throw new MarketoError('1006', `Field '${lookupField}' not found`);
	if (!lookupDef.searchable) throw new MarketoError('1003', `Invalid lookupField '${lookupField}'`);
	let partitionId: number | undefined;
	if (body.partitionName !== undefined && body.partitionName !== null) {
		const p = ctx.state.leads.partitionByName(String(body.partitionName));
		if (!p) throw new MarketoError('1003', `Partition '${String(body.partitionName)}' not found`);
		partitionId = p.id;
	}
	const opts = { action, lookupField, partitionId };
	return successBody(input.map((rec) => ctx.state.leads.sync(rec, opts)));
}

function getLeadById(ctx: Ctx): Record<string, unknown> {
	const id = Number(ctx.params.leadId);
	if (!/^\d+$/.test(ctx.params.leadId)) throw new MarketoError('1003', `Invalid lead id '${ctx.params.leadId}'`);
	const fields = fieldsParam(ctx);
	const rec = ctx.state.leads.get(id);
	return successBody(rec ? [project(rec, fields)] : []);
}

function getLeadsByFilter(ctx: Ctx): Record<string, unknown> {
	const filterType = param(ctx, 'filterType');
	if (!filterType) throw new MarketoError('1003', "Required parameter 'filterType' not specified");
	const def = field(filterType);
	if (!def || !def.searchable) throw new MarketoError('1003', `Invalid filterType '${filterType}'`);
	const values = ctx.query
		.getAll('filterValues')
		.flatMap((v) => v.split(','))
		.map((s) => s.trim())
		.filter(Boolean);
	if (!values.length) throw new MarketoError('1003', "Required parameter 'filterValues' not specified");
	if (values.length > ctx.state.options.limits.maxBatch) {
		throw new MarketoError('1003', `Too many filterValues: ${values.length}, the limit is ${ctx.state.options.limits.maxBatch}`);
	}
	const leads = ctx.state.leads;
	const scope = `leads:${filterType}:${hash(values.join(','))}`;
	let matched: number[] | undefined;
	return leadPage(ctx, scope, (afterId, limit) => {
		if (filterType === 'leadPartitionId') {
			const wanted = new Set(values.map(Number));
			return leads.scan((r) => wanted.has(Number(r.leadPartitionId)), afterId, limit);
		}
		matched ??= [...new Set(values.flatMap((v) => leads.findBy(filterType, v)))].sort((a, b) => a - b);
		return matched.filter((id) => id > afterId).slice(0, limit);
	});
}

function hash(s: string): string {
	let h = 5381;
	for (let i = 0; i < s.length; i++) h = ((h * 33) ^ s.charCodeAt(i)) >>> 0;
	return h.toString(36);
}

function deleteLeads(ctx: Ctx): Record<string, unknown> {
	const leads = ctx.state.leads;
	const result = idsFromRequest(ctx).map((id) => {
		if (!leads.delete(id)) return skipped('1004', undefined, id);
		ctx.state.assets.forgetLead(id);
		return { id, status: 'deleted' };
	});
	return successBody(result);
}

export const leadRoutes: Route[] = [
	{ method: 'GET', path: /^\/rest\/v1\/leads\/partitions\.json$/, need: 'readLead', handle: getPartitions },
	{ method: 'POST', path: /^\/rest\/v1\/leads\/partitions\.json$/, need: 'writeLead', handle: updatePartitions },
	{ method: 'GET', path: /^\/rest\/v1\/leads\/describe\.json$/, need: 'readLead', handle: () => successBody(describe()) },
	{ method: 'GET', path: /^\/rest\/v1\/leads\/describe2\.json$/, need: 'readLead', handle: () => successBody(describe2()) },
	{ method: 'POST', path: /^\/rest\/v1\/leads\/delete\.json$/, need: 'writeLead', handle: deleteLeads },
	{ method: 'GET', path: /^\/rest\/v1\/lead\/(?<leadId>[^/]+)\.json$/, need: 'readLead', handle: getLeadById },
	{ method: 'GET', path: /^\/rest\/v1\/leads\.json$/, need: 'readLead', handle: getLeadsByFilter },
	{ method: 'POST', path: /^\/rest\/v1\/leads\.json$/, need: 'writeLead', handle: syncLeads },
];
