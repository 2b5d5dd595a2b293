/** Asset API: static lists (by id, by name, browse, create, update, delete) and folders. */
import { type Ctx, type Route, intParam, isObject, param } from '../context';
import { MarketoError, assetBody } from '../envelope';
import type { FolderRecord, FolderRef, StaticList } from '../store/assets';

const NO_ASSETS = 'No assets found for the given search criteria.';

/** The asset API's paging: offset (default 0) and maxReturn (default 20, at most 200). */
export function offsetPage<T>(ctx: Ctx, items: T[]): T[] {
	const offset = Number(param(ctx, 'offset') ?? 0);
	const maxReturn = Number(param(ctx, 'maxReturn') ?? 20);
	if (!Number.isInteger(offset) || offset < 0) throw new MarketoError('1003', `Invalid offset '${param(ctx, 'offset')}'`);
	if (!Number.isInteger(maxReturn) || maxReturn < 1 || maxReturn > 200) {
		throw new MarketoError('1003', `Invalid maxReturn '${param(ctx, 'maxReturn')}', must be between 1 and 200`);
	}
	return items.slice(offset, offset + maxReturn);
}

export function found(items: Record<string, unknown>[]): Record<string, unknown> {
	return items.length ? assetBody(items) : assetBody(undefined, [NO_ASSETS]);
}

/** A folder reference sent as JSON text ({"id":13,"type":"Folder"}) or as an object in a JSON body. */
function folderRefParam(ctx: Ctx, name: string): FolderRef | undefined {
	const raw = isObject(ctx.body) && isObject(ctx.body[name]) ? ctx.body[name] : param(ctx, name);
	if (raw === null || raw === undefined || raw === '') return undefined;
	let obj: unknown = raw;
	if (typeof raw === 'string') {
		try {
			obj = JSON.parse(raw);
		} catch {
			throw new MarketoError('1003', `Invalid ${name} '${raw}': expected {"id":<id>,"type":"Folder"|"Program"}`);
		}
	}
	const o = obj as Record<string, unknown>;
	const id = Number(o?.id);
	const type = o?.type === undefined ? 'Folder' : o.type;
	if (!Number.isInteger(id) || (type !== 'Folder' && type !== 'Program')) {
		throw new MarketoError('1003', `Invalid ${name} '${typeof raw === 'string' ? raw : JSON.stringify(raw)}'`);
	}
	return { id, type };
}

function existingFolder(ctx: Ctx, name: string): FolderRecord | undefined {
	const ref = folderRefParam(ctx, name);
	if (!ref) return undefined;
	const rec = ctx.state.assets.folder(ref);
	if (!rec) throw new MarketoError('710', `${ref.type} ${ref.id} not found`);
	return rec;
}

function dateParam(ctx: Ctx, name: string): number | undefined {
	const raw = param(ctx, name);
	if (!raw) return undefined;
	const t = Date.parse(raw);
	if (Number.isNaN(t)) throw new MarketoError('1003', `Invalid ${name} '${raw}': must be an ISO-8601 datetime`);
	return t;
}

function listById(ctx: Ctx): StaticList | undefined {
	return ctx.state.assets.list(intParam(ctx, 'id'));
}

function getList(ctx: Ctx): Record<string, unknown> {
	const l = listById(ctx);
	return found(l ? [ctx.state.assets.listJson(l)] : []);
}

function getListByName(ctx: Ctx): Record<string, unknown> {
	const name = param(ctx, 'name');
	if (!name) throw new MarketoError('701', 'name cannot be blank');
	const l = ctx.state.assets.listByName(name);
	return found(l ? [ctx.state.assets.listJson(l)] : []);
}

function browseLists(ctx: Ctx): Record<string, unknown> {
	const assets = ctx.state.assets;
	const folder = existingFolder(ctx, 'folder');
	const earliest = dateParam(ctx, 'earliestUpdatedAt');
	const latest = dateParam(ctx, 'latestUpdatedAt');
	const lists = assets.allLists().filter((l) => {
		if (earliest !== undefined && l.updatedAt < earliest) return false;
		if (latest !== undefined && l.updatedAt > latest) return false;
		if (!folder) return true;
		const parent = assets.folder(l.folder);
		return parent !== undefined && assets.depthBelow(parent, folder.ref) >= 0;
	});
	return found(offsetPage(ctx, lists).map((l) => assets.listJson(l)));
}

function createList(ctx: Ctx): Record<string, unknown> {
	const name = param(ctx, 'name');
	if (!name) throw new MarketoError('701', 'name cannot be blank');
	if (!folderRefParam(ctx, 'folder')) throw new MarketoError('701', 'folder cannot be blank');
	const folder = existingFolder(ctx, 'folder')!;
	const description = param(ctx, 'description') ?? undefined;
	ctx.recordCount = 1;
	const l = ctx.state.assets.createList(name, folder.ref, description);
	return assetBody([ctx.state.assets.listJson(l)]);
}

function requireList(ctx: Ctx): StaticList {
	const l = listById(ctx);
	if (!l) throw new MarketoError('702', `Static list ${ctx.params.id} not found`);
	return l;
}

function updateList(ctx: Ctx): Record<string, unknown> {
	const l = requireList(ctx);
	const name = param(ctx, 'name');
	if (name === '') throw new MarketoError('701', 'name cannot be blank');
	ctx.recordCount = 1;
	ctx.state.assets.updateList(l, { name: name ?? undefined, description: param(ctx, 'description') ?? undefined });
	return assetBody([ctx.state.assets.listJson(l)]);
}

function deleteList(ctx: Ctx): Record<string, unknown> {
	const l = requireList(ctx);
	const user = l.usedBy ?? ctx.state.imports.listUser(l.id) ?? ctx.state.exports.listUser(l.id);
	if (user) throw new MarketoError('709', `Static list ${l.id} cannot be deleted: it is used by ${user}`);
	ctx.recordCount = 1;
	ctx.state.assets.deleteList(l.id);
	return assetBody([{ id: l.id }]);
}

function browseFolders(ctx: Ctx): Record<string, unknown> {
	const assets = ctx.state.assets;
	const root = existingFolder(ctx, 'root');
	const maxDepth = Number(param(ctx, 'maxDepth') ?? 2);
	if (!Number.isInteger(maxDepth) || maxDepth < 0) throw new MarketoError('1003', `Invalid maxDepth '${param(ctx, 'maxDepth')}'`);
	const folders = assets.allFolders().filter((f) => {
		const d = assets.depthBelow(f, root ? root.ref : null);
		return d >= 0 && d <= maxDepth;
	});
	return found(offsetPage(ctx, folders).map((f) => assets.folderJson(f)));
}

function getFolder(ctx: Ctx): Record<string, unknown> {
	const type = param(ctx, 'type') ?? 'Folder';
	if (type !== 'Folder' && type !== 'Program') throw new MarketoError('1003', `Invalid type '${type}'`);
	const f = ctx.state.assets.folder({ id: intParam(ctx, 'id'), type });
	return found(f ? [ctx.state.assets.folderJson(f)] : []);
}

function getFolderByName(ctx: Ctx): Record<string, unknown> {
	const name = param(ctx, 'name');
	if (!name) throw new MarketoError('701', 'name cannot be blank');
	const assets = ctx.state.assets;
	return found(assets.allFolders().filter((f) => f.name === name).map((f) => assets.folderJson(f)));
}

const A = '/rest/asset/v1';
const LIST_ID = /^\/rest\/asset\/v1\/staticList\/(?<id>[^/]+)\.json$/;

export const assetRoutes: Route[] = [
	{ method: 'GET', path: new RegExp(`^${A}/staticList/byName\\.json$`), need: 'readAssets', handle: getListByName },
	{ method: 'GET', path: LIST_ID, need: 'readAssets', handle: getList },
	{ method: 'POST', path: LIST_ID, need: 'writeAssets', handle: updateList },
	{ method: 'POST', path: /^\/rest\/asset\/v1\/staticList\/(?<id>[^/]+)\/delete\.json$/, need: 'writeAssets', handle: deleteList },
	{ method: 'GET', path: new RegExp(`^${A}/staticLists\\.json$`), need: 'readAssets', handle: browseLists },
	{ method: 'POST', path: new RegExp(`^${A}/staticLists\\.json$`), need: 'writeAssets', handle: createList },
	{ method: 'GET', path: new RegExp(`^${A}/folders\\.json$`), need: 'readAssets', handle: browseFolders },
	{ method: 'GET', path: new RegExp(`^${A}/folder/byName\\.json$`), need: 'readAssets', handle: getFolderByName },
	{ method: 'GET', path: /^\/rest\/asset\/v1\/folder\/(?<id>\d+)\.json$/, need: 'readAssets', handle: getFolder },
];
