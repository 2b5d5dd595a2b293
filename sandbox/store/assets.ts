/** Asset-side objects: folders, programs, static lists, and static list membership. */
import { MarketoError } from '../envelope';
import type { MembershipObserver } from './activities';

export interface FolderRef {
	id: number;
	type: 'Folder' | 'Program';
}

export interface FolderRecord {
	ref: FolderRef;
	name: string;
	description: string | null;
	folderType: string;
	parent: FolderRef | null;
	isSystem: boolean;
	createdAt: number;
	updatedAt: number;
}

export interface StaticList {
	id: number;
	name: string;
	description?: string;
	folder: FolderRef;
	createdAt: number;
	updatedAt: number;
	/** Assets that use the list (a list in use cannot be deleted). */
	usedBy?: string;
}

/** Asset-API datetime format, as Marketo writes it: 2017-07-27T01:38:33Z+0000. */
export function assetDateTime(t: number): string {
	return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z+0000');
}

const INSTANCE_URL = 'https://app-sandbox.marketo.com';

function refKey(ref: FolderRef): string {
	return `${ref.type}:${ref.id}`;
}

export class AssetStore {
	private folders = new Map<string, FolderRecord>();
	private lists = new Map<number, StaticList>();
	private members = new Map<number, Set<number>>();
	private sortedMembers = new Map<number, number[]>();
	private nextListId = 1;
	private nextFolderId = 100;
	/** Told of each lead added to or removed from a list (the activity log). */
	observer?: MembershipObserver;

	/** The folder every instance starts with: the Marketing Activities root (a system folder), id 12. */
	seedStandardFolders(): void {
		const at = Date.parse('2015-01-05T10:00:00Z');
		const ref: FolderRef = { id: 12, type: 'Folder' };
		this.folders.set(refKey(ref), { ref, name: 'Marketing Activities', description: null, folderType: 'Marketing Folder', parent: null, isSystem: true, createdAt: at, updatedAt: at });
	}

	seedDefaults(): void {
		this.seedStandardFolders();
		const t = (iso: string): number => Date.parse(iso);
		const folder = (
			ref: FolderRef,
			name: string,
			folderType: string,
			parent: FolderRef | null,
			created: string,
			isSystem = false,
		): void => {
			const at = t(created);
			this.folders.set(refKey(ref), { ref, name, description: null, folderType, parent, isSystem, createdAt: at, updatedAt: at });
		};
		folder({ id: 13, type: 'Folder' }, 'Seed Lists', 'Marketing Folder', { id: 12, type: 'Folder' }, '2017-07-27T01:30:00Z');
		folder({ id: 14, type: 'Folder' }, 'Events', 'Marketing Folder', { id: 12, type: 'Folder' }, '2018-06-01T08:00:00Z');
		folder({ id: 1034, type: 'Program' }, 'Summer Webinar', 'Marketing Program', { id: 14, type: 'Folder' }, '2018-06-20T09:00:00Z');
		const list = (id: number, name: string, folder: FolderRef, created: string, updated: string, description?: string): StaticList => {
			const l: StaticList = { id, name, folder, createdAt: t(created), updatedAt: t(updated) };
			if (description) l.description = description;
			this.lists.set(id, l);
			return l;
		};
		list(1021, 'Foundation Seed List', { id: 13, type: 'Folder' }, '2017-07-27T01:38:33Z', '2017-07-27T01:39:26Z');
		list(1022, 'Blacklist Seed List', { id: 13, type: 'Folder' }, '2017-07-27T23:19:33Z', '2017-07-27T23:21:29Z');
		const inUse = list(1023, 'Possible Duplicates Seed List', { id: 13, type: 'Folder' }, '2017-07-28T00:10:02Z', '2017-07-28T00:11:22Z');
		inUse.usedBy = "Smart Campaign 'Nightly Dedupe'";
		list(1026, 'Webinar Registrants', { id: 1034, type: 'Program' }, '2018-06-21T04:00:00Z', '2018-06-21T04:00:00Z', 'People who registered');
		this.nextListId = 1027;
	}

	// ---- folders

	folder(ref: FolderRef): FolderRecord | undefined {
		return this.folders.get(refKey(ref));
	}

	allFolders(): FolderRecord[] {
		return [...this.folders.values()].sort((a, b) => a.ref.id - b.ref.id);
	}

	/** Path from the root, e.g. /Marketing Activities/Seed Lists. */
	folderPath(rec: FolderRecord): string {
		const names: string[] = [];
		let cur: FolderRecord | undefined = rec;
		for (let guard = 0; cur && guard < 50; guard++) {
			names.unshift(cur.name);
			cur = cur.parent ? this.folder(cur.parent) : undefined;
		}
		return `/${names.join('/')}`;
	}

	/** Depth of `rec` below `root` (0 = root itself; without a root, top-level folders are 0), or -1 when not under it. */
	depthBelow(rec: FolderRecord, root: FolderRef | null): number {
		let depth = 0;
		let cur: FolderRecord | undefined = rec;
		for (let guard = 0; cur && guard < 50; guard++) {
			if (root && cur.ref.id === root.id && cur.ref.type === root.type) return depth;
			if (!cur.parent) return root ? -1 : depth;
			depth++;
			cur = this.folder(cur.parent);
		}
		return -1;
	}

	folderJson(rec: FolderRecord): Record<string, unknown> {
		const isProgram = rec.ref.type === 'Program';
		return {
			id: rec.ref.id,
			name: rec.name,
			description: rec.description,
			createdAt: assetDateTime(rec.createdAt),
			updatedAt: assetDateTime(rec.updatedAt),
			url: `${INSTANCE_URL}/#${isProgram ? 'PG' : 'MF'}${rec.ref.id}A1`,
			folderId: { ...rec.ref },
			folderType: rec.folderType,
			parent: rec.parent ? { ...rec.parent } : null,
			path: this.folderPath(rec),
			isArchive: false,
			isSystem: rec.isSystem,
			accessZoneId: 1,
			workspace: 'Default',
		};
	}

	createFolder(name: string, parent: FolderRef): FolderRecord {
		const now = Date.now();
		const ref: FolderRef = { id: this.nextFolderId++, type: 'Folder' };
		const rec: FolderRecord = { ref, name, description: null, folderType: 'Marketing Folder', parent, isSystem: false, createdAt: now, updatedAt: now };
		this.folders.set(refKey(ref), rec);
		return rec;
	}

	// ---- static lists

	list(id: number): StaticList | undefined {
		return this.lists.get(id);
	}

	listByName(name: string): StaticList | undefined {
		for (const l of this.lists.values()) if (l.name === name) return l;
		return undefined;
	}

	allLists(): StaticList[] {
		return [...this.lists.values()].sort((a, b) => a.id - b.id);
	}

	listJson(l: StaticList): Record<string, unknown> {
		const out: Record<string, unknown> = { id: l.id, name: l.name };
		if (l.description !== undefined) out.description = l.description;
		out.createdAt = assetDateTime(l.createdAt);
		out.updatedAt = assetDateTime(l.updatedAt);
		out.folder = { ...l.folder };
		out.computedUrl = `${INSTANCE_URL}/#ST${l.id}A1`;
		return out;
	}

	createList(name: string, folder: FolderRef, description?: string): StaticList {
		if (this.listByName(name)) throw new MarketoError('709', `Static List with name '${name}' already exists`);
		const now = Date.now();
		const l: StaticList = { id: this.nextListId++, name, folder, createdAt: now, updatedAt: now };
		if (description !== undefined) l.description = description;
		this.lists.set(l.id, l);
		return l;
	}

	updateList(l: StaticList, changes: { name?: string; description?: string }): StaticList {
		if (changes.name !== undefined && changes.name !== l.name && this.listByName(changes.name)) {
			throw new MarketoError('709', `Static List with name '${changes.name}' already exists`);
		}
		if (changes.name !== undefined) l.name = changes.name;
		if (changes.description !== undefined) l.description = changes.description;
		l.updatedAt = Date.now();
		return l;
	}

	deleteList(id: number): void {
		this.lists.delete(id);
		this.members.delete(id);
		this.sortedMembers.delete(id);
	}

	// ---- membership

	private memberSet(listId: number): Set<number> {
		let s = this.members.get(listId);
		if (!s) this.members.set(listId, (s = new Set()));
		return s;
	}

	isMember(listId: number, leadId: number): boolean {
		return this.members.get(listId)?.has(leadId) ?? false;
	}

	addMember(listId: number, leadId: number): void {
		const s = this.memberSet(listId);
		if (!s.has(leadId)) {
			s.add(leadId);
			this.sortedMembers.delete(listId);
			this.observer?.membershipChanged(listId, this.lists.get(listId)?.name ?? '', leadId, true);
		}
	}

	removeMember(listId: number, leadId: number): boolean {
		const removed = this.members.get(listId)?.delete(leadId) ?? false;
		if (removed) {
			this.sortedMembers.delete(listId);
			this.observer?.membershipChanged(listId, this.lists.get(listId)?.name ?? '', leadId, false);
		}
		return removed;
	}

	/** Member ids ascending (cached until the membership changes). */
	memberIds(listId: number): number[] {
		let sorted = this.sortedMembers.get(listId);
		if (!sorted) {
			sorted = [...(this.members.get(listId) ?? [])].sort((a, b) => a - b);
			this.sortedMembers.set(listId, sorted);
		}
		return sorted;
	}

	memberCount(listId: number): number {
		return this.members.get(listId)?.size ?? 0;
	}

	/** A deleted lead leaves every list. */
	forgetLead(leadId: number): void {
		for (const [listId, s] of this.members) if (s.delete(leadId)) this.sortedMembers.delete(listId);
	}
}
