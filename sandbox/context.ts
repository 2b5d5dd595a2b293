/** What a route handler gets and may return. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { ApiUser } from './auth';
import { MarketoError } from './envelope';
import type { ResolvedOptions } from './options';
import type { LeadStore } from './store/leads';
import type { AssetStore } from './store/assets';
import type { BulkImports } from './bulk/imports';
import type { BulkExports } from './bulk/exports';
import type { ActivityLog } from './store/activities';
import type { CampaignStore } from './store/campaigns';
import type { ProgramStore } from './store/programs';

export interface SandboxState {
	options: ResolvedOptions;
	leads: LeadStore;
	assets: AssetStore;
	imports: BulkImports;
	exports: BulkExports;
	activities: ActivityLog;
	campaigns: CampaignStore;
	programs: ProgramStore;
	/** today's calls on the instance, every API user's (GET /rest/v1/stats/usage.json) */
	dailyUsage: () => DailyUsage;
}

export interface DailyUsage {
	/** the day in US Central time (YYYY-MM-DD), as Marketo's quota counts it */
	date: string;
	total: number;
	users: Array<{ userId: string; count: number }>;
}

export interface Ctx {
	method: string;
	path: string;
	params: Record<string, string>;
	/** URL query, plus the form body of a long GET (POST with _method=GET). */
	query: URLSearchParams;
	/** Parsed JSON for application/json, URLSearchParams for forms, undefined when empty. */
	body: unknown;
	rawBody: Buffer;
	contentType: string;
	headers: IncomingHttpHeaders;
	user: ApiUser;
	state: SandboxState;
	/** Records this call carries, for the request log. */
	recordCount: number | null;
}

/** A raw (non-JSON) answer: export files, import failure/warning files. */
export class RawReply {
	constructor(
		readonly status: number,
		readonly headers: Record<string, string | number>,
		readonly body: Readable | string,
	) {}
}

export type Reply = Record<string, unknown> | RawReply;

export type Need = 'readLead' | 'writeLead' | 'readAssets' | 'writeAssets' | 'none';

export interface Route {
	method: string;
	path: RegExp;
	need: Need;
	/** Body limit override (bulk import takes 10 MB). */
	bodyLimit?: 'import';
	handle(ctx: Ctx): Reply | Promise<Reply>;
}

/** Permissions that satisfy each need. */
export const NEEDS: Record<Need, string[]> = {
	readLead: ['readOnlyLead', 'readWriteLead'],
	writeLead: ['readWriteLead'],
	readAssets: ['readOnlyAssets', 'readWriteAssets'],
	writeAssets: ['readWriteAssets'],
	// Marketo: "Required Permissions: None" (stats/usage); an API user has at least one of these
	none: ['readOnlyLead', 'readWriteLead', 'readOnlyAssets', 'readWriteAssets'],
};

/** Named body/query parameter: form bodies and JSON bodies both count, then the query. */
export function param(ctx: Ctx, name: string): string | null {
	if (ctx.body instanceof URLSearchParams && ctx.body.has(name)) return ctx.body.get(name);
	if (isObject(ctx.body) && ctx.body[name] !== undefined && ctx.body[name] !== null) {
		const v = ctx.body[name];
		return typeof v === 'string' ? v : JSON.stringify(v);
	}
	return ctx.query.get(name);
}

export function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof URLSearchParams);
}

/** The JSON body as an object; 609 when it is something else. */
export function jsonObject(ctx: Ctx): Record<string, unknown> {
	if (ctx.body === undefined) return {};
	if (!isObject(ctx.body)) throw new MarketoError('609');
	return ctx.body;
}

/** `input` of a JSON body: an array, at most maxBatch records. */
export function inputArray(ctx: Ctx, required = true): Record<string, unknown>[] | undefined {
	const body = jsonObject(ctx);
	const input = body.input;
	if (input === undefined) {
		if (!required) return undefined;
		throw new MarketoError('1003', "Required field 'input' not specified");
	}
	if (!Array.isArray(input)) throw new MarketoError('1003', "Field 'input' must be an array");
	checkBatch(ctx, input.length);
	ctx.recordCount = input.length;
	return input.map((r) => (isObject(r) ? r : {}));
}

export function checkBatch(ctx: Ctx, n: number): void {
	const max = ctx.state.options.limits.maxBatch;
	if (n > max) throw new MarketoError('1003', `Batch size ${n} exceeds the limit of ${max} records`);
}

/** Lead ids from a JSON body {"input":[{"id":1}]} or the query (?id=1,2 or ?id=1&id=2). */
export function idsFromRequest(ctx: Ctx): number[] {
	const input = inputArray(ctx, false);
	let raw: unknown[];
	if (input && input.length) raw = input.map((r) => r.id);
	else raw = ctx.query.getAll('id').flatMap((v) => v.split(','));
	raw = raw.filter((v) => v !== '' && v !== undefined);
	if (!raw.length) throw new MarketoError('1003', 'No lead ids specified: send input[] or the id parameter');
	checkBatch(ctx, raw.length);
	ctx.recordCount = raw.length;
	return raw.map((v) => {
		const n = Number(typeof v === 'string' ? v.trim() : v);
		if (!Number.isInteger(n)) throw new MarketoError('1003', `Invalid lead id '${String(v)}'`);
		return n;
	});
}

/** Integer path parameter. */
export function intParam(ctx: Ctx, name: string): number {
	const v = ctx.params[name];
	const n = Number(v);
	if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new MarketoError('1003', `Invalid ${name} '${v}'`);
	return n;
}
