/** Static list membership (lead database API): add, remove, read members, is-member. */
import { type Ctx, type Route, idsFromRequest, intParam } from '../context';
import { MarketoError, skipped, successBody } from '../envelope';
import type { StaticList } from '../store/assets';
import { leadPage } from './leads';

function listOf(ctx: Ctx): StaticList {
	const id = intParam(ctx, 'listId');
	const list = ctx.state.assets.list(id);
	if (!list) throw new MarketoError('1013', `Static list '${id}' not found`);
	return list;
}

/** Runs `outcome` for each requested id after checking the list; unknown leads are skipped with 1004. */
function perLead(ctx: Ctx, outcome: (listId: number, leadId: number) => Record<string, unknown>): Record<string, unknown> {
	const list = listOf(ctx);
	const leads = ctx.state.leads;
	return successBody(idsFromRequest(ctx).map((id) => (leads.has(id) ? outcome(list.id, id) : skipped('1004', undefined, id))));
}

function addMembers(ctx: Ctx): Record<string, unknown> {
	return perLead(ctx, (listId, id) => {
		ctx.state.assets.addMember(listId, id);
		return { id, status: 'added' };
	});
}

function removeMembers(ctx: Ctx): Record<string, unknown> {
	return perLead(ctx, (listId, id) =>
		ctx.state.assets.removeMember(listId, id) ? { id, status: 'removed' } : skipped('1015', 'Lead not in list', id),
	);
}

function isMember(ctx: Ctx): Record<string, unknown> {
	const list = listOf(ctx);
	const { assets, leads } = ctx.state;
	const result = idsFromRequest(ctx).map((id) => {
		if (!leads.has(id)) return skipped('1004', undefined, id);
		return { id, status: assets.isMember(list.id, id) ? 'memberof' : 'notmemberof' };
	});
	return successBody(result);
}

function getMembers(ctx: Ctx): Record<string, unknown> {
	const list = listOf(ctx);
	const { assets, leads } = ctx.state;
	return leadPage(ctx, `list:${list.id}`, (afterId, limit) => {
		const ids = assets.memberIds(list.id);
		let lo = 0;
		let hi = ids.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (ids[mid] <= afterId) lo = mid + 1;
			else hi = mid;
		}
		const out: number[] = [];
		for (let i = lo; i < ids.length && out.length < limit; i++) if (leads.has(ids[i])) out.push(ids[i]);
		return out;
	});
}

const LIST_LEADS = /^\/rest\/v1\/lists\/(?<listId>[^/]+)\/leads\.json$/;

export const membershipRoutes: Route[] = [
	{ method: 'GET', path: LIST_LEADS, need: 'readLead', handle: getMembers },
	{ method: 'POST', path: LIST_LEADS, need: 'writeLead', handle: addMembers },
	{ method: 'DELETE', path: LIST_LEADS, need: 'writeLead', handle: removeMembers },
	{ method: 'GET', path: /^\/rest\/v1\/lists\/(?<listId>[^/]+)\/leads\/ismember\.json$/, need: 'readLead', handle: isMember },
	{ method: 'GET', path: /^\/rest\/v1\/list\/(?<listId>[^/]+)\/leads\.json$/, need: 'readLead', handle: getMembers },
];
