/** The request log: what tests read to see which calls a client made. Secrets never enter it. */

export type QueryValue = string | string[];

export interface RequestLogEntry {
	seq: number;
	/** ISO time the request arrived. */
	time: string;
	method: string;
	/** Set when a POST carried `_method=GET` (the long-GET form). */
	methodOverride?: string;
	path: string;
	/** URL query (plus the form body of a long GET), with client_secret and access_token replaced by "***". */
	query: Record<string, QueryValue>;
	/** The request's Range header (file downloads), when it had one. */
	range?: string;
	/** HTTP status sent; 0 when the connection was dropped by a fault. */
	status: number;
	/** Marketo error code of a success:false answer, else null. */
	code: string | null;
	/** Records (input rows or ids) a write carried, when that applies; else null. */
	recordCount: number | null;
	/** Where the access token came from. */
	tokenSource: 'header' | 'query' | null;
	/** Client id of the API user the token belongs to, when known. */
	clientId: string | null;
	/** Injected fault that decided the answer, if any. */
	fault: string | null;
	durationMs: number;
}

const SECRET_KEYS = new Set(['client_secret', 'access_token', 'authorization']);

export function redactParams(params: URLSearchParams): Record<string, QueryValue> {
	const out: Record<string, QueryValue> = {};
	for (const [key, raw] of params) {
		const value = SECRET_KEYS.has(key.toLowerCase()) ? '***' : raw;
		const prev = out[key];
		if (prev === undefined) out[key] = value;
		else if (Array.isArray(prev)) prev.push(value);
		else out[key] = [prev, value];
	}
	return out;
}

export class RequestLog {
	private entries: RequestLogEntry[] = [];
	private seq = 0;

	constructor(private readonly max: number) {}

	add(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
		const full: RequestLogEntry = { seq: ++this.seq, ...entry };
		this.entries.push(full);
		if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - this.max);
		return full;
	}

	list(): RequestLogEntry[] {
		return this.entries.slice();
	}

	clear(): void {
		this.entries = [];
	}
}
