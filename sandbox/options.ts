/** Options of the Marketo sandbox and their defaults. */

/** Role permissions of a Marketo API-only user, as named in Marketo Admin > Users & Roles. */
export type Permission = 'readOnlyLead' | 'readWriteLead' | 'readOnlyAssets' | 'readWriteAssets';

export const ALL_PERMISSIONS: Permission[] = ['readOnlyLead', 'readWriteLead', 'readOnlyAssets', 'readWriteAssets'];

/** An extra API user (LaunchPoint service) besides the main one. */
/** Content-Type the sandbox may serve files with (export files, import failures and warnings). */
export type FileContentType = 'application/json' | 'text/plain' | 'text/csv';

export const FILE_CONTENT_TYPES: FileContentType[] = ['application/json', 'text/plain', 'text/csv'];

export interface ApiUserOptions {
	clientId: string;
	clientSecret: string;
	/** Returned as `scope` by the identity service. */
	email?: string;
	permissions?: Permission[];
}

export interface LimitOptions {
	/** Calls admitted per sliding window (Marketo: 100). */
	rateLimitCalls: number;
	/** Window length in seconds, scaled by timeScale (Marketo: 20). */
	rateWindowSeconds: number;
	/** Calls in flight at once (Marketo: 10). */
	maxConcurrent: number;
	/** Successful calls a day (Marketo default subscription: 50,000). */
	dailyQuota: number;
	/** Records per lead-database write, ids per call, filterValues, batchSize (Marketo: 300). */
	maxBatch: number;
	/** Request-URI length in bytes (Marketo: 8 KB, HTTP 414 above). */
	maxUriBytes: number;
	/** Request body in bytes for JSON/form calls (Marketo: 1 MB, HTTP 413 above). */
	maxBodyBytes: number;
	/** Bulk import upload in bytes (Marketo: 10 MB). */
	maxImportBytes: number;
	/** Bulk import jobs processed at once (2) and queued including processing (10). */
	importProcessing: number;
	importQueue: number;
	/** Bulk export jobs processed at once (2) and queued including processing (10). */
	exportProcessing: number;
	exportQueue: number;
	/** Bytes of export files a day (Marketo: 500 MB). */
	exportDailyBytes: number;
	/** Longest date range of an export filter, in days (31). */
	exportMaxRangeDays: number;
}

export interface BulkTimingOptions {
	/** Least time a job spends Queued, Importing or Processing, in ms (scaled by timeScale). */
	minPhaseMs: number;
	/** Rows imported per second (scaled by timeScale). */
	importRowsPerSecond: number;
	/** Rows exported per second (scaled by timeScale). */
	exportRowsPerSecond: number;
}

export interface SandboxOptions {
	/** Port to listen on; 0 (default in-process) picks a free one. */
	port?: number;
	/** Interface to listen on (default 127.0.0.1). */
	host?: string;
	clientId?: string;
	clientSecret?: string;
	/** Email of the API-only user, answered as `scope` (default api-user@sandbox.example.com). */
	apiUserEmail?: string;
	/** Permissions of the main API user (default: all). */
	apiUserPermissions?: Permission[];
	/** More API users, each with its own token and permissions. */
	apiUsers?: ApiUserOptions[];
	/** Token lifetime in Marketo seconds (default 3600), scaled by timeScale. */
	tokenLifetimeSeconds?: number;
	/** Multiplies every Marketo duration (rate window, token lifetime, bulk job phases): 0.05 turns 20 s into 1 s. */
	timeScale?: number;
	/** Simulated processing time of each admitted /rest and /bulk call, in real ms (default 5). Not scaled. */
	latencyMs?: number;
	/** false turns every limit off; an object overrides single limits. */
	limits?: boolean | Partial<LimitOptions>;
	bulk?: Partial<BulkTimingOptions>;
	/** Synthetic leads created at start (and again on reset). */
	seedLeads?: number;
	/** Seed folders, a program and static lists (default true). */
	seedAssets?: boolean;
	/**
	 * Start like a Marketo instance nobody has used yet: one partition (Default), only the Marketing Activities
	 * folder, no static lists (seedAssets is ignored). For running the suite's real-Marketo mode against the sandbox.
	 */
	fresh?: boolean;
	/** Request log entries kept (oldest dropped first; default 10,000). */
	maxLogEntries?: number;
	/** Directory for export files (default: a fresh folder under the OS temp dir). */
	dataDir?: string;
	/**
	 * Whether an export's date filter includes the lead at exactly `endAt` (default true). Marketo's documentation
	 * does not say; tests run both readings. `startAt` is always included.
	 */
	exportEndInclusive?: boolean;
	/** Refuse a date filter of exactly the longest range too, not only a longer one (default false). */
	strictWindow?: boolean;
	/** Export filters answered with 1035 "Unsupported filter type" (e.g. ['updatedAt','smartListId']). */
	unsupportedExportFilters?: string[];
	/**
	 * Content-Type of every file answer, instead of Marketo's usual text/csv (CSV exports) or text/plain (other files).
	 * Adobe's OpenAPI declares application/json for file.json and failures.json, so a client must not judge by it.
	 */
	fileContentType?: FileContentType;
	/**
	 * Whether import jobs that may run at the same time work as Marketo's can (default true): a job does not see the
	 * leads created by another job that was unfinished while it was, so the same new email in both makes two
	 * leads. false: every row sees every lead created before it.
	 */
	concurrentImports?: boolean;
	/** Receives one line per notable event (deprecated token use, job transitions). Default: silent. */
	logger?: (line: string) => void;
	/** Marketo's clock against the host's, in seconds (negative: behind): shifts the export job times and the Date header. */
	clockOffsetSeconds?: number;
	/**
	 * Activity log entries one Get Lead Activities / Get Lead Changes call scans (default 1000). Marketo reads a slice
	 * of the log per call, so a page can hold fewer than batchSize records while moreResult is true; a small value
	 * makes such short pages happen in tests. May be changed on `sb.options` while the sandbox runs.
	 */
	activityScanSize?: number;
}

export const DEFAULT_LIMITS: LimitOptions = {
	rateLimitCalls: 100,
	rateWindowSeconds: 20,
	maxConcurrent: 10,
	dailyQuota: 50000,
	maxBatch: 300,
	maxUriBytes: 8192,
	maxBodyBytes: 1024 * 1024,
	maxImportBytes: 10 * 1024 * 1024,
	importProcessing: 2,
	importQueue: 10,
	exportProcessing: 2,
	exportQueue: 10,
	exportDailyBytes: 500 * 1024 * 1024,
	exportMaxRangeDays: 31,
};

/** With limits off: nothing throttles, but the request-size limits stay (they are HTTP-level facts). */
const NO_LIMITS: Partial<LimitOptions> = {
	rateLimitCalls: Infinity,
	maxConcurrent: Infinity,
	dailyQuota: Infinity,
	importQueue: Infinity,
	exportQueue: Infinity,
	exportDailyBytes: Infinity,
};

export const DEFAULT_BULK: BulkTimingOptions = {
	minPhaseMs: 1000,
	importRowsPerSecond: 20000,
	exportRowsPerSecond: 50000,
};

export interface ResolvedOptions {
	port: number;
	host: string;
	users: Required<ApiUserOptions>[];
	tokenLifetimeSeconds: number;
	timeScale: number;
	latencyMs: number;
	limits: LimitOptions;
	limitsEnabled: boolean;
	bulk: BulkTimingOptions;
	seedLeads: number;
	seedAssets: boolean;
	fresh: boolean;
	maxLogEntries: number;
	dataDir?: string;
	unsupportedExportFilters: string[];
	/** may be changed while the sandbox runs */
	fileContentType?: FileContentType;
	concurrentImports: boolean;
	exportEndInclusive: boolean;
	strictWindow: boolean;
	logger: (line: string) => void;
	/** Marketo's clock minus the host's, in ms. */
	clockOffsetMs: number;
	/** may be changed while the sandbox runs */
	activityScanSize: number;
}

export const DEFAULT_CLIENT_ID = 'sandbox-client-id';
export const DEFAULT_CLIENT_SECRET = 'sandbox-client-secret';

export function resolveOptions(o: SandboxOptions = {}): ResolvedOptions {
	const limitsEnabled = o.limits !== false;
	const overrides = typeof o.limits === 'object' ? o.limits : {};
	const main: Required<ApiUserOptions> = {
		clientId: o.clientId ?? DEFAULT_CLIENT_ID,
		clientSecret: o.clientSecret ?? DEFAULT_CLIENT_SECRET,
		email: o.apiUserEmail ?? 'api-user@sandbox.example.com',
		permissions: o.apiUserPermissions ?? [...ALL_PERMISSIONS],
	};
	const extra = (o.apiUsers ?? []).map((u, i) => ({
		clientId: u.clientId,
		clientSecret: u.clientSecret,
		email: u.email ?? `api-user-${i + 2}@sandbox.example.com`,
		permissions: u.permissions ?? [...ALL_PERMISSIONS],
	}));
	const timeScale = o.timeScale ?? 1;
	if (!(timeScale > 0)) throw new Error('timeScale must be a positive number');
	return {
		port: o.port ?? 0,
		host: o.host ?? '127.0.0.1',
		users: [main, ...extra],
		tokenLifetimeSeconds: o.tokenLifetimeSeconds ?? 3600,
		timeScale,
		latencyMs: o.latencyMs ?? 5,
		limits: { ...DEFAULT_LIMITS, ...(limitsEnabled ? {} : NO_LIMITS), ...overrides },
		limitsEnabled,
		bulk: { ...DEFAULT_BULK, ...(o.bulk ?? {}) },
		seedLeads: o.seedLeads ?? 0,
		seedAssets: o.seedAssets ?? true,
		fresh: o.fresh ?? false,
		maxLogEntries: o.maxLogEntries ?? 10000,
		dataDir: o.dataDir,
		unsupportedExportFilters: o.unsupportedExportFilters ?? [],
		fileContentType: checkedFileContentType(o.fileContentType),
		concurrentImports: o.concurrentImports ?? true,
		exportEndInclusive: o.exportEndInclusive ?? true,
		strictWindow: o.strictWindow ?? false,
		logger: o.logger ?? (() => undefined),
		clockOffsetMs: (o.clockOffsetSeconds ?? 0) * 1000,
		activityScanSize: checkedScanSize(o.activityScanSize ?? 1000),
	};
}

export function checkedScanSize(n: number): number {
	if (!Number.isInteger(n) || n < 1) throw new Error('activityScanSize must be a positive integer');
	return n;
}

function checkedFileContentType(value: string | undefined): FileContentType | undefined {
	if (value === undefined || value === '') return undefined;
	if (!FILE_CONTENT_TYPES.includes(value as FileContentType)) throw new Error(`fileContentType must be one of ${FILE_CONTENT_TYPES.join(', ')}`);
	return value as FileContentType;
}

/** The Content-Type header of a file answer: the chosen one, else `usual` (what Marketo sends). */
export function fileContentTypeHeader(options: ResolvedOptions, usual: string): string {
	return options.fileContentType ? `${options.fileContentType};charset=UTF-8` : usual;
}
