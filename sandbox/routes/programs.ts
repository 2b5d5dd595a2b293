/** Programs and channels (asset API) and program members (lead database API). */
import { type Ctx, type Route, checkBatch, inputArray, intParam, jsonObject, param } from '../context';
import { MarketoError, assetBody, skipped, successBody } from '../envelope';
import { batchSizeParam, decodePageToken, pageOf } from '../paging';
import { DEFAULT_MEMBER_FIELDS, MEMBER_FIELDS, MEMBER_SEARCHABLE, type Member, type Program } from '../store/programs';
import { found, offsetPage } from './assets';

// ---- programs and channels (asset API)

function browsePrograms(ctx: Ctx): Record<string, unknown> {
	const programs = ctx.state.programs;
	return found(offsetPage(ctx, programs.all()).map((p) => programs.programJson(p)));
}

function getProgram(ctx: Ctx): Record<string, unknown> {
	const p = ctx.state.programs.get(intParam(ctx, 'id'));
	return found(p ? [ctx.state.programs.programJson(p)] : []);
}

function getProgramByName(ctx: Ctx): Record<string, unknown> {
	const name = param(ctx, 'name');
	if (!name) throw new MarketoError('701', 'name cannot be blank');
	const p = ctx.state.programs.byName(name);
	return found(p ? [ctx.state.programs.programJson(p)] : []);
}

/** Create Program (form or JSON): name, folder ({"id","type"}), type, channel, description. */
function createProgram(ctx: Ctx): Record<string, unknown> {
	const programs = ctx.state.programs;
	const name = param(ctx, 'name');
	if (!name) throw new MarketoError('701', 'name cannot be blank');
	const type = param(ctx, 'type');
	if (!type) throw new MarketoError('701', 'type cannot be blank');
	const channelName = param(ctx, 'channel');
	if (!channelName) throw new MarketoError('701', 'channel cannot be blank');
	const channel = programs.channelByName(channelName);
	if (!channel) throw new MarketoError('1003', `Invalid channel '${channelName}'`);
	const rawFolder = param(ctx, 'folder');
	let folder: { id: number; type: 'Folder' | 'Program' };
	try {
		const parsed = JSON.parse(rawFolder ?? '') as { id?: unknown; type?: unknown };
		folder = { id: Number(parsed.id), type: String(parsed.type).toLowerCase() === 'program' ? 'Program' : 'Folder' };
	} catch {
		throw new MarketoError('701', 'folder cannot be blank');
	}
	if (!ctx.state.assets.folder(folder)) throw new MarketoError('710', `${folder.type} ${folder.id} not found`);
	if (programs.byName(name)) throw new MarketoError('709', `Program '${name}' already exists`);
	ctx.recordCount = 1;
	const p = programs.create({ name, type, channel: channel.name, folder, description: param(ctx, 'description') ?? '' });
	return assetBody([programs.programJson(p)]);
}

function deleteProgram(ctx: Ctx): Record<string, unknown> {
	const id = intParam(ctx, 'id');
	if (!ctx.state.programs.get(id)) throw new MarketoError('702', `Program ${id} not found`);
	ctx.recordCount = 1;
	ctx.state.programs.delete(id);
	return assetBody([{ id }]);
}

function browseChannels(ctx: Ctx): Record<string, unknown> {
	const programs = ctx.state.programs;
	return found(offsetPage(ctx, programs.channels).map((c) => programs.channelJson(c)));
}

function getChannelByName(ctx: Ctx): Record<string, unknown> {
	const name = param(ctx, 'name');
	if (!name) throw new MarketoError('701', 'name cannot be blank');
	const c = ctx.state.programs.channelByName(name);
	return found(c ? [ctx.state.programs.channelJson(c)] : []);
}

// ---- program members (lead database API)

function describeMembers(): Record<string, unknown> {
	return successBody([
		{
			name: 'API Program Membership',
			description: 'Map for API program membership fields',
			createdAt: '2021-03-20T01:30:05Z',
			updatedAt: '2021-03-20T01:30:05Z',
			dedupeFields: ['leadId', 'programId'],
			searchableFields: MEMBER_SEARCHABLE.map((f) => [f]),
			fields: MEMBER_FIELDS.map((f) => ({ name: f.name, displayName: f.name, dataType: f.dataType, ...(f.length ? { length: f.length } : {}), updateable: f.updateable, crmManaged: false })),
		},
	]);
}

function requireProgram(ctx: Ctx): Program {
	const p = ctx.state.programs.get(intParam(ctx, 'programId'));
	if (!p) throw new MarketoError('1013', `Program ${ctx.params.programId} not found`);
	return p;
}

const iso = (t: number): string => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');

function memberValue(program: Program, m: Member, field: string): unknown {
	switch (field) {
		case 'leadId':
			return m.leadId;
		case 'programId':
			return program.id;
		case 'program':
			return program.name;
		case 'statusName':
			return m.statusName;
		case 'membershipDate':
		case 'createdAt':
			return iso(m.membershipDate);
		case 'updatedAt':
			return iso(m.updatedAt);
		case 'reachedSuccess':
			return m.reachedSuccess;
		case 'acquiredBy':
			return m.acquiredBy;
		default:
			return m.data[field] ?? null;
	}
}

function getMembers(ctx: Ctx): Record<string, unknown> {
	const program = requireProgram(ctx);
	const filterType = ctx.query.get('filterType');
	if (!filterType) throw new MarketoError('1003', 'filterType cannot be blank');
	if (!MEMBER_SEARCHABLE.includes(filterType)) throw new MarketoError('1003', `Invalid filterType '${filterType}'`);
	const values = ctx.query.getAll('filterValues').flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
	if (!values.length) throw new MarketoError('1003', 'filterValues cannot be blank');
	checkBatch(ctx, values.length);
	const requested = ctx.query.getAll('fields').flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
	for (const f of requested) if (!MEMBER_FIELDS.some((d) => d.name === f)) throw new MarketoError('1006', `Field '${f}' not found`);
	const fields = requested.length ? [...new Set(['leadId', ...requested])] : DEFAULT_MEMBER_FIELDS;
	const wanted = new Set(values.map((v) => v.toLowerCase()));
	const members = [...ctx.state.programs.membersOf(program.id).values()]
		.filter((m) => wanted.has(String(memberValue(program, m, filterType)).toLowerCase()))
		.sort((a, b) => a.leadId - b.leadId);
	const size = batchSizeParam(ctx.query.get('batchSize'), ctx.state.options.limits.maxBatch);
	const scope = `members:${program.id}:${filterType}:${values.join(',')}`;
	const token = ctx.query.get('nextPageToken');
	const afterId = token ? Number(decodePageToken(token, scope)) : 0;
	const { page, nextPageToken } = pageOf(members.filter((m) => m.leadId > afterId).slice(0, size + 1).map((m) => m.leadId), size, scope);
	const byId = ctx.state.programs.membersOf(program.id);
	const result = page.map((leadId, seq) => {
		const m = byId.get(leadId)!;
		const out: Record<string, unknown> = { seq };
		for (const f of fields) out[f] = memberValue(program, m, f);
		return out;
	});
	return successBody(result, { nextPageToken, moreResult: nextPageToken !== undefined });
}

/** The status name checked against the program's channel: a name the channel lacks fails the whole call. */
function channelStatus(ctx: Ctx, program: Program, name: unknown): string {
	if (typeof name !== 'string' || !name) throw new MarketoError('701', 'statusName cannot be blank');
	const channel = ctx.state.programs.channelOf(program);
	const s = channel.statuses.find((st) => st.name === name);
	if (!s) throw new MarketoError('1003', `Invalid status '${name}' for channel '${channel.name}'`);
	return s.name;
}

/** Skip reason for a lead already at this status or a later one (Adobe's Sync Program Member Status example). */
const ALREADY_PAST = 'Lead skipped because it is already in or past this status';

/** Sync Program Member Status: upsert, `statusName`, input [{leadId}]; results carry `seq`, a skipped one no leadId. */
function syncMemberStatus(ctx: Ctx): Record<string, unknown> {
	const program = requireProgram(ctx);
	const body = jsonObject(ctx);
	const input = inputArray(ctx)!;
	const statusName = channelStatus(ctx, program, body.statusName);
	return successBody(
		input.map((rec, seq) => {
			const leadId = Number(rec.leadId);
			if (!Number.isInteger(leadId) || !ctx.state.leads.has(leadId)) return { seq, ...skipped('1004') };
			const status = ctx.state.programs.setStatus(program.id, leadId, statusName);
			return status === 'skipped' ? { seq, ...skipped('1037', ALREADY_PAST) } : { seq, status, leadId };
		}),
	);
}

/** Change Lead Program Status (superseded by the call above): `status`, input [{id}]; members only. */
function changeLeadProgramStatus(ctx: Ctx): Record<string, unknown> {
	const program = requireProgram(ctx);
	const body = jsonObject(ctx);
	const input = inputArray(ctx)!;
	const statusName = channelStatus(ctx, program, body.status);
	return successBody(
		input.map((rec) => {
			const id = Number(rec.id);
			if (!Number.isInteger(id) || !ctx.state.leads.has(id)) return skipped('1004', undefined, Number.isInteger(id) ? id : undefined);
			if (!ctx.state.programs.member(program.id, id)) return skipped('1013', 'Membership not found', id);
			const status = ctx.state.programs.setStatus(program.id, id, statusName);
			return status === 'skipped' ? skipped('1037', ALREADY_PAST, id) : { id, status: 'updated' };
		}),
	);
}

/** Sync Program Member Data: input [{leadId, <updateable field>: value}], members only. */
function syncMemberData(ctx: Ctx): Record<string, unknown> {
	const program = requireProgram(ctx);
	const input = inputArray(ctx)!;
	return successBody(
		input.map((rec, seq) => {
			const leadId = Number(rec.leadId);
			const member = Number.isInteger(leadId) ? ctx.state.programs.member(program.id, leadId) : undefined;
			if (!member) return { seq, ...skipped('1013', 'Membership not found') };
			const changes = Object.entries(rec).filter(([k]) => k !== 'leadId');
			for (const [name] of changes) {
				const def = MEMBER_FIELDS.find((f) => f.name === name);
				if (!def) return { seq, ...skipped('1006', `Field '${name}' not found`) };
				if (!def.updateable) return { seq, ...skipped('1003', `Field '${name}' is not updateable`) };
			}
			for (const [name, value] of changes) member.data[name] = value === null ? null : typeof value === 'number' ? value : String(value);
			member.updatedAt = Date.now();
			return { seq, status: 'updated', leadId };
		}),
	);
}

const A = '/rest/asset/v1';
const MEMBERS = /^\/rest\/v1\/programs\/(?<programId>[^/]+)\/members\.json$/;

export const programRoutes: Route[] = [
	{ method: 'GET', path: new RegExp(`^${A}/programs\\.json$`), need: 'readAssets', handle: browsePrograms },
	{ method: 'POST', path: new RegExp(`^${A}/programs\\.json$`), need: 'writeAssets', handle: createProgram },
	{ method: 'POST', path: /^\/rest\/asset\/v1\/program\/(?<id>\d+)\/delete\.json$/, need: 'writeAssets', handle: deleteProgram },
	{ method: 'GET', path: new RegExp(`^${A}/program/byName\\.json$`), need: 'readAssets', handle: getProgramByName },
	{ method: 'GET', path: /^\/rest\/asset\/v1\/program\/(?<id>\d+)\.json$/, need: 'readAssets', handle: getProgram },
	{ method: 'GET', path: new RegExp(`^${A}/channels\\.json$`), need: 'readAssets', handle: browseChannels },
	{ method: 'GET', path: new RegExp(`^${A}/channel/byName\\.json$`), need: 'readAssets', handle: getChannelByName },
	{ method: 'GET', path: /^\/rest\/v1\/programs?\/members\/describe\.json$/, need: 'readLead', handle: describeMembers },
	{ method: 'GET', path: MEMBERS, need: 'readLead', handle: getMembers },
	{ method: 'POST', path: MEMBERS, need: 'writeLead', handle: syncMemberData },
	{ method: 'POST', path: /^\/rest\/v1\/programs\/(?<programId>[^/]+)\/members\/status\.json$/, need: 'writeLead', handle: syncMemberStatus },
	{ method: 'POST', path: /^\/rest\/v1\/leads\/programs\/(?<programId>[^/]+)\/status\.json$/, need: 'writeLead', handle: changeLeadProgramStatus },
];
