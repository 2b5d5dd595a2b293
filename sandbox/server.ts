/** MarketoSandbox: a stateful loopback HTTP server that answers like a Marketo instance. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { presentedToken, TokenStore } from './auth';
import { type Ctx, type DailyUsage, NEEDS, RawReply, type Reply, type Route, type SandboxState } from './context';
import { HttpError, MarketoError, errorBody } from './envelope';
import { type FaultSpec, FaultInjector, faultFromJson } from './faults';
import { mediaType, parseJsonBody, readBody } from './http';
import { Limiter } from './limits';
import { RequestLog, type RequestLogEntry, redactParams } from './log';
import { type ResolvedOptions, type SandboxOptions, checkedScanSize, resolveOptions } from './options';
import { AssetStore } from './store/assets';
import { LeadStore } from './store/leads';
import { BulkImports } from './bulk/imports';
import { BulkExports } from './bulk/exports';
import { leadRoutes } from './routes/leads';
import { assetRoutes } from './routes/assets';
import { membershipRoutes } from './routes/membership';
import { bulkRoutes } from './routes/bulk';
import { usageRoutes } from './routes/usage';
import { activityRoutes } from './routes/activities';
import { type Activity, ActivityLog, type NewActivity, activityJson } from './store/activities';
import { campaignRoutes } from './routes/campaigns';
import { programRoutes } from './routes/programs';
import { CampaignStore } from './store/campaigns';
import { ProgramStore } from './store/programs';

const ROUTES: Route[] = [...leadRoutes, ...membershipRoutes, ...assetRoutes, ...bulkRoutes, ...campaignRoutes, ...programRoutes, ...activityRoutes, ...usageRoutes];

const JSON_TYPE = 'application/json;charset=UTF-8';

function sleep(ms: number): Promise<void> {
	return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

type LogDraft = Omit<RequestLogEntry, 'seq'>;
/** A truncate fault: cut the body after `afterBytes` bytes (half of it when absent). */
type Truncation = false | { afterBytes?: number };

export class MarketoSandbox {
	readonly options: ResolvedOptions;
	private server?: Server;
	private sockets = new Set<Socket>();
	private log: RequestLog;
	private faults = new FaultInjector();
	private tokens: TokenStore;
	private limiter: Limiter;
	private startedUrl = '';
	state: SandboxState;

	constructor(options: SandboxOptions = {}) {
		this.options = resolveOptions(options);
		const o = this.options;
		this.log = new RequestLog(o.maxLogEntries);
		this.tokens = new TokenStore(o.users, o.tokenLifetimeSeconds * 1000 * o.timeScale);
		this.limiter = new Limiter(o.limits, o.limits.rateWindowSeconds * 1000 * o.timeScale);
		this.state = this.freshState();
	}

	private freshState(): SandboxState {
		const leads = new LeadStore();
		const assets = new AssetStore();
		if (this.options.fresh) {
			assets.seedStandardFolders();
			leads.partitions = leads.partitions.filter((p) => p.name === 'Default');
		} else if (this.options.seedAssets) assets.seedDefaults();
		leads.seed(this.options.seedLeads);
		// attached after seeding: seeded data has no activities
		const activities = new ActivityLog(() => Date.now() + this.options.clockOffsetMs);
		leads.observer = activities;
		assets.observer = activities;
		// a fresh instance has its channels but no programs or campaigns
		const campaigns = new CampaignStore();
		const programs = new ProgramStore();
		if (!this.options.fresh && this.options.seedAssets) {
			campaigns.seedDefaults();
			programs.seedDefaults();
		}
		const state = { options: this.options, leads, assets, activities, campaigns, programs, dailyUsage: () => this.dailyUsage() } as SandboxState;
		state.imports = new BulkImports(state);
		state.exports = new BulkExports(state);
		return state;
	}

	/** Today's calls on the instance (every API user's, counted as the daily quota counts them), users by e-mail. */
	private dailyUsage(): DailyUsage {
		const { date, total, byClientId } = this.limiter.usage();
		const emailOf = (clientId: string) => this.options.users.find((u) => u.clientId === clientId)?.email ?? clientId;
		return { date, total, users: [...byClientId].map(([clientId, count]) => ({ userId: emailOf(clientId), count })) };
	}

	/** Base URL once started, e.g. http://127.0.0.1:40123 (identity at /identity, REST at /rest). */
	get url(): string {
		return this.startedUrl;
	}

	async start(): Promise<{ url: string }> {
		if (this.server) return { url: this.startedUrl };
		const server = createServer({ maxHeaderSize: 256 * 1024 }, (req, res) => {
			this.handle(req, res).catch((e) => {
				this.options.logger(`internal error: ${String(e?.stack ?? e)}`);
				if (!res.headersSent) res.writeHead(500).end();
				else res.destroy();
			});
		});
		server.on('connection', (s) => {
			this.sockets.add(s);
			s.on('close', () => this.sockets.delete(s));
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(this.options.port, this.options.host, () => resolve());
		});
		this.server = server;
		const addr = server.address();
		const port = typeof addr === 'object' && addr ? addr.port : this.options.port;
		const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
		this.startedUrl = `http://${host}:${port}`;
		return { url: this.startedUrl };
	}

	async stop(): Promise<void> {
		this.state.imports.stop();
		await this.state.exports.stop();
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		await new Promise<void>((resolve) => {
			server.close(() => resolve());
			for (const s of this.sockets) s.destroy();
		});
	}

	// ---- test-facing API

	/** Every /identity, /rest and /bulk call so far (admin calls excluded), oldest first. */
	get requestLog(): RequestLogEntry[] {
		return this.log.list();
	}

	clearLog(): void {
		this.log.clear();
	}

	/** Makes matching calls fail; returns the fault's id. */
	injectFault(spec: FaultSpec): number {
		return this.faults.add(spec);
	}

	clearFaults(): void {
		this.faults.clear();
	}

	/** Every issued token is expired from now on (602 on use); the next token request gets a new one. */
	expireTokens(): void {
		this.tokens.expireAll();
	}

	/** Back to the start state: seeds again, forgets tokens, jobs, log, faults and limit counters. */
	reset(): void {
		this.state.imports.stop();
		void this.state.exports.stop();
		this.state = this.freshState();
		this.tokens.clear();
		this.log.clear();
		this.faults.clear();
		this.limiter.reset();
	}

	/** Marketo forgets the import batch as it does after 7 days (1003 "Batch ... not found" from now on). */
	forgetImport(batchId: number): boolean {
		return this.state.imports.forget(batchId);
	}

	/** Adds n synthetic leads (emails lead<id>@sandbox.example.com). */
	seedLeads(n: number): { firstId: number; lastId: number; total: number } {
		const r = this.state.leads.seed(n);
		return { ...r, total: this.state.leads.count };
	}

	/**
	 * Adds activities to the log (e.g. 1,000 form fills between two polls), as if they happened at `activityDate`
	 * (default now). Returns them as Get Lead Activities answers them.
	 */
	addActivities(list: NewActivity[]): Record<string, unknown>[] {
		return this.state.activities.add(list).map((a: Activity) => activityJson(a));
	}

	get activities(): ActivityLog {
		return this.state.activities;
	}

	get leads(): LeadStore {
		return this.state.leads;
	}

	get assets(): AssetStore {
		return this.state.assets;
	}

	get campaigns(): CampaignStore {
		return this.state.campaigns;
	}

	get programs(): ProgramStore {
		return this.state.programs;
	}

	stats(): Record<string, unknown> {
		return { leads: this.state.leads.count, ...this.limiter.stats() };
	}

	// ---- request handling

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const started = Date.now();
		const rawUrl = req.url ?? '/';
		const url = new URL(rawUrl, 'http://sandbox.local');
		if (url.pathname.startsWith('/__sandbox/')) return this.admin(req, res, url);
		const draft: LogDraft = {
			time: new Date(started).toISOString(),
			method: req.method ?? 'GET',
			path: url.pathname,
			query: redactParams(url.searchParams),
			status: 0,
			code: null,
			recordCount: null,
			tokenSource: null,
			clientId: null,
			fault: null,
			durationMs: 0,
		};
		if (typeof req.headers.range === 'string') draft.range = req.headers.range;
		let admitted = false;
		let truncate: Truncation = false;
		let dropAfter = false;
		const dropAnswer = (reply: unknown): void => {
			if (reply instanceof RawReply && reply.body instanceof Readable) reply.body.destroy();
			draft.durationMs = Date.now() - started;
			this.log.add(draft);
			req.socket.destroy();
		};
		try {
			const reply = await this.process(req, url, draft, {
				onAdmit: () => (admitted = true),
				onFault: (f) => {
					draft.fault = f.kind;
					if (f.kind === 'truncate') truncate = { afterBytes: f.afterBytes };
					if (f.kind === 'dropAfterHandling') dropAfter = true;
				},
			});
			// the request was carried out (or refused); the answer never leaves
			if (dropAfter) return dropAnswer(reply);
			if (reply === 'dropped') {
				draft.durationMs = Date.now() - started;
				this.log.add(draft);
				req.socket.destroy();
				return;
			}
			this.send(res, reply, draft, started, truncate);
		} catch (e) {
			if (dropAfter) return dropAnswer(e);
			this.send(res, this.errorReply(e), draft, started, truncate);
		} finally {
			if (admitted) {
				if (res.writableFinished || res.destroyed) this.limiter.release();
				else res.once('close', () => this.limiter.release());
			}
		}
	}

	private errorReply(e: unknown): Reply {
		if (e instanceof MarketoError) return errorBody(e.code, e.message);
		if (e instanceof HttpError) return new RawReply(e.status, { 'Content-Type': e.contentType }, e.message);
		this.options.logger(`system error: ${String((e as Error)?.stack ?? e)}`);
		return errorBody('611', 'System error');
	}

	private async process(
		req: IncomingMessage,
		url: URL,
		draft: LogDraft,
		hooks: { onAdmit(): void; onFault(f: FaultSpec): void },
	): Promise<Reply | 'dropped'> {
		const o = this.options;
		const path = url.pathname;
		if (Buffer.byteLength(req.url ?? '') > o.limits.maxUriBytes) {
			req.resume();
			throw new HttpError(414, 'Request-URI Too Long');
		}
		const candidates = ROUTES.filter((r) => r.path.test(path));
		const isImport = candidates.some((r) => r.bodyLimit === 'import');
		const rawBody = await readBody(req, isImport ? o.limits.maxImportBytes : o.limits.maxBodyBytes);
		const contentType = mediaType(req.headers['content-type']);
		const query = new URLSearchParams(url.searchParams);
		let body: unknown;
		let method = (req.method ?? 'GET').toUpperCase();
		if (contentType === 'application/x-www-form-urlencoded') {
			body = new URLSearchParams(rawBody.toString('utf8'));
			const form = body as URLSearchParams;
			if (method === 'POST' && (form.get('_method') ?? query.get('_method'))?.toUpperCase() === 'GET') {
				method = 'GET';
				draft.methodOverride = 'GET';
				for (const [k, v] of form) if (k !== '_method') query.append(k, v);
				draft.query = redactParams(query);
				body = undefined;
			}
		}

		const fault = this.faults.take(req.method ?? 'GET', path);
		if (fault) {
			hooks.onFault(fault);
			if (fault.kind === 'delay') await sleep(fault.ms);
			if (fault.kind === 'drop') return 'dropped';
			if (fault.kind === 'http') {
				return new RawReply(fault.status, { 'Content-Type': 'text/plain; charset=utf-8' }, fault.body ?? `Sandbox fault: HTTP ${fault.status}`);
			}
			if (fault.kind === 'error') {
				// a token reported invalid or expired stays refused, as with Marketo: the client must fetch a new one
				const code = String(fault.code);
				const token = presentedToken(req.headers.authorization, query);
				if ((code === '601' || code === '602') && token) this.tokens.revoke(token, code);
				throw new MarketoError(fault.code, fault.message);
			}
		}

		if (path === '/identity/oauth/token') return this.identity(method, query, body);
		if (!path.startsWith('/rest/') && !path.startsWith('/bulk/')) {
			throw new HttpError(404, 'Not Found');
		}

		if (contentType === 'application/json' || (!contentType && rawBody.length)) body = parseJsonBody(rawBody);
		else if (rawBody.length && contentType !== 'application/x-www-form-urlencoded' && contentType !== 'multipart/form-data') {
			throw new MarketoError('612', `Invalid Content Type '${contentType}'`);
		}

		// authentication
		let token: string | null = null;
		const auth = req.headers.authorization;
		if (auth && /^bearer\s+/i.test(auth)) {
			token = auth.replace(/^bearer\s+/i, '').trim();
			draft.tokenSource = 'header';
		} else {
			token = query.get('access_token') ?? (body instanceof URLSearchParams ? body.get('access_token') : null);
			if (!token && contentType === 'multipart/form-data') token = multipartField(rawBody, 'access_token');
			if (token) {
				draft.tokenSource = 'query';
				o.logger(`deprecated: access_token sent as a parameter on ${method} ${path}; use the Authorization header`);
			}
		}
		if (!token) throw new MarketoError('600');
		const check = this.tokens.check(token);
		if (!check.ok) throw new MarketoError(check.code);
		draft.clientId = check.user.clientId;

		// routing (before the limiter so that unknown paths cost nothing)
		if (!candidates.length) throw new MarketoError('610');
		const route = candidates.find((r) => r.method === method);
		if (!route) throw new MarketoError('605', `Request method '${method}' not supported`);

		this.limiter.admit();
		hooks.onAdmit();
		await sleep(o.latencyMs);

		if (!NEEDS[route.need].some((p) => check.user.permissions.includes(p as never))) throw new MarketoError('603');

		const ctx: Ctx = {
			method,
			path,
			params: { ...(route.path.exec(path)?.groups ?? {}) },
			query,
			body,
			rawBody,
			contentType,
			headers: req.headers,
			user: check.user,
			state: this.state,
			recordCount: null,
		};
		try {
			return await route.handle(ctx);
		} finally {
			draft.recordCount = ctx.recordCount;
		}
	}

	private identity(method: string, query: URLSearchParams, body: unknown): Reply {
		if (method !== 'GET' && method !== 'POST') throw new HttpError(405, 'Method Not Allowed');
		const p = new URLSearchParams(query);
		if (body instanceof URLSearchParams) for (const [k, v] of body) p.set(k, v);
		const grant = p.get('grant_type');
		const oauthError = (status: number, error: string, description: string): RawReply =>
			new RawReply(status, { 'Content-Type': JSON_TYPE }, JSON.stringify({ error, error_description: description }));
		if (!grant) return oauthError(400, 'invalid_request', 'Missing grant type');
		if (grant !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grant}`);
		const user = this.tokens.findUser(p.get('client_id') ?? '', p.get('client_secret') ?? '');
		if (!user) return oauthError(401, 'invalid_client', 'Bad client credentials');
		const { token, expiresIn } = this.tokens.issue(user);
		return { access_token: token, token_type: 'bearer', expires_in: expiresIn, scope: user.email };
	}

	private send(res: ServerResponse, reply: Reply, draft: LogDraft, started: number, truncate: Truncation): void {
		let status: number;
		let headers: Record<string, string | number>;
		let payload: Readable | string;
		if (reply instanceof RawReply) {
			({ status, headers } = reply);
			payload = reply.body;
			if (status < 400 && (draft.path.startsWith('/rest/') || draft.path.startsWith('/bulk/'))) this.limiter.countSuccess(Date.now(), draft.clientId);
		} else {
			status = 200;
			headers = { 'Content-Type': JSON_TYPE };
			payload = JSON.stringify(reply);
			if (reply.success === false) {
				const errs = reply.errors as { code: string }[] | undefined;
				draft.code = errs?.[0]?.code ?? null;
			} else if (draft.path.startsWith('/rest/') || draft.path.startsWith('/bulk/')) {
				this.limiter.countSuccess(Date.now(), draft.clientId);
			}
		}
		if (this.options.clockOffsetMs) headers = { ...headers, Date: new Date(Date.now() + this.options.clockOffsetMs).toUTCString() };
		draft.status = status;
		draft.durationMs = Date.now() - started;
		this.log.add(draft);
		if (typeof payload === 'string') {
			const buf = Buffer.from(payload, 'utf8');
			res.writeHead(status, { ...headers, 'Content-Length': buf.length });
			if (truncate) {
				res.write(buf.subarray(0, truncate.afterBytes ?? Math.floor(buf.length / 2)), () => res.destroy());
				return;
			}
			res.end(buf);
			return;
		}
		res.writeHead(status, headers);
		if (truncate) {
			const total = Number(headers['Content-Length'] ?? 0);
			let sent = 0;
			const limit = truncate.afterBytes ?? (total > 1 ? Math.floor(total / 2) : 0);
			payload.on('data', (chunk: Buffer) => {
				const room = limit - sent;
				if (room <= 0) return;
				const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
				sent += part.length;
				if (sent < limit) {
					res.write(part);
					return;
				}
				payload.destroy();
				res.write(part, () => res.destroy());
			});
			payload.on('end', () => res.write('', () => res.destroy()));
			return;
		}
		payload.on('error', () => res.destroy());
		payload.pipe(res);
	}

	// ---- admin API (not limited, not logged)

	private async admin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
		const reply = (status: number, body: unknown): void => {
			const buf = Buffer.from(JSON.stringify(body));
			res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': buf.length }).end(buf);
		};
		try {
			const raw = await readBody(req, 10 * 1024 * 1024);
			const body = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
			const route = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
			switch (route) {
				case 'GET /__sandbox/health':
					return reply(200, { ok: true, url: this.startedUrl, ...this.stats() });
				case 'GET /__sandbox/log':
					return reply(200, { entries: this.requestLog });
				case 'DELETE /__sandbox/log':
					this.clearLog();
					return reply(200, { ok: true });
				case 'GET /__sandbox/faults':
					return reply(200, { faults: this.faults.list().map((f) => ({ id: f.id, ...f.spec, path: String(f.spec.path ?? '') })) });
				case 'POST /__sandbox/faults': {
					const list = Array.isArray(body) ? body : [body];
					const ids = list.map((f) => this.injectFault(faultFromJson(f as Record<string, unknown>)));
					return reply(200, { ok: true, ids });
				}
				case 'DELETE /__sandbox/faults':
					this.clearFaults();
					return reply(200, { ok: true });
				case 'POST /__sandbox/expire-tokens':
					this.expireTokens();
					return reply(200, { ok: true });
				case 'POST /__sandbox/reset':
					this.reset();
					return reply(200, { ok: true });
				case 'POST /__sandbox/activities': {
					const list = (Array.isArray(body) ? body : body.activities) as NewActivity[] | undefined;
					if (!Array.isArray(list)) return reply(400, { ok: false, error: 'send an array of activities or {activities: [...]}' });
					const added = this.addActivities(list);
					return reply(200, { ok: true, count: added.length, ids: added.map((a) => a.id) });
				}
				case 'POST /__sandbox/activity-scan-size':
					this.options.activityScanSize = checkedScanSize(Number(body.size));
					return reply(200, { ok: true, activityScanSize: this.options.activityScanSize });
				case 'POST /__sandbox/forget-import':
					return reply(200, { ok: this.forgetImport(Number(body.batchId)) });
				case 'POST /__sandbox/seed': {
					const n = Number(body.leads ?? 0);
					if (!Number.isInteger(n) || n < 0) return reply(400, { ok: false, error: 'leads must be a non-negative integer' });
					return reply(200, { ok: true, ...this.seedLeads(n) });
				}
				default:
					return reply(404, { ok: false, error: `unknown admin call ${route}` });
			}
		} catch (e) {
			return reply(400, { ok: false, error: String((e as Error)?.message ?? e) });
		}
	}
}

/** A plain field of a multipart body (used only to find a deprecated access_token field). */
function multipartField(raw: Buffer, name: string): string | null {
	const text = raw.subarray(0, 64 * 1024).toString('latin1');
	const m = new RegExp(`name="${name}"\\r\\n\\r\\n([^\\r\\n]*)`).exec(text);
	return m ? m[1] : null;
}
