import { NodeApiError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

/**
 * What the transport does with each Marketo error code. Marketo answers most failures with HTTP 200 and
 * `{success:false, errors:[{code, message}]}`, so these codes, not HTTP statuses, drive retries.
 */
export type RetryClass =
	/** refresh the access token and retry once (601 invalid, 602 expired) */
	| 'token'
	/** wait for Marketo's 20-second rate window, then retry (606) */
	| 'rateWindow'
	/** retry with exponential backoff and jitter (604, 608, 611, 615, 713, HTTP 502/503/504, dropped connection) */
	| 'backoff'
	/** a bulk queue is full: wait longer for a slot (1016 imports, 1019 list import in progress, 1029 export queue) */
	| 'queue'
	/** never retried */
	| 'fail';

interface CodeInfo {
	retry: RetryClass;
	/** what the user can do about it, shown as the error's description in n8n */
	hint?: string;
}

const CODES: Record<string, CodeInfo> = {
	'600': { retry: 'token' },
	'601': { retry: 'token' },
	'602': { retry: 'token' },
	'603': {
		retry: 'fail',
		hint: "The Marketo API user's role lacks a permission this operation needs. In Marketo Admin > Users & Roles, give the API-only user's role the permission named in Marketo's message (Read-Write Lead for leads, partitions and list membership; Read-Write Assets for static lists).",
	},
	'604': { retry: 'backoff', hint: 'Marketo timed out; the call was retried. Try again later or use smaller batches.' },
	'606': {
		retry: 'rateWindow',
		hint: "Another integration on this Marketo instance is using the shared limit of 100 calls per 20 seconds. Lower 'API Calls per 20 Seconds' in the credential.",
	},
	'607': {
		retry: 'fail',
		hint: "The instance's daily API quota is used up. It resets at midnight US Central time (America/Chicago); ask Marketo support to raise it if this happens often.",
	},
	'608': { retry: 'backoff', hint: 'Marketo is temporarily unavailable; try again later.' },
	'609': { retry: 'fail', hint: 'Marketo could not read the request body. Check the values sent for special characters.' },
	'610': { retry: 'fail', hint: 'Marketo has no such resource. Check the ID you gave.' },
	'611': { retry: 'backoff', hint: 'Marketo reported a system error; the call was retried.' },
	'612': { retry: 'fail', hint: 'Marketo rejected the content type. Please report this as a bug of the Marketo node.' },
	'613': { retry: 'fail', hint: 'Marketo rejected the multipart upload. Please report this as a bug of the Marketo node.' },
	'615': {
		retry: 'backoff',
		hint: "Too many calls were in flight on this Marketo instance at once. Lower 'Concurrent Calls' in the credential.",
	},
	'702': { retry: 'fail' },
	'709': { retry: 'fail', hint: 'Marketo refused the change; the message says why (for example, a name that is already taken).' },
	'713': { retry: 'backoff', hint: 'Marketo reported a transient error; the call was retried.' },
	'1003': { retry: 'fail', hint: "Marketo rejected a value in the request; its message names the problem." },
	'1006': { retry: 'fail', hint: 'A field name is not a lead field of this Marketo instance. Pick it from the list, or check its REST API name in Marketo Admin > Field Management.' },
	'1013': { retry: 'fail', hint: 'Marketo has no object with this ID. Check the ID, or pick the object from the list.' },
	'1016': { retry: 'queue', hint: 'Marketo allows 10 queued bulk imports; the node waited for a free slot.' },
	'1019': { retry: 'queue', hint: 'An import into this list is already running; the node waited for it.' },
	'1029': { retry: 'queue', hint: 'The bulk export queue is full; the node waited for a free slot.' },
	'1035': { retry: 'fail', hint: 'This Marketo subscription does not support the chosen filter. Choose another filter.' },
	'1036': { retry: 'fail', hint: 'The input contains the same key twice. Remove the duplicates.' },
};

/** Marketo's 1029 covers three situations, told apart by the message. */
export function classifyCode(code: string, message = ''): CodeInfo {
	if (code === '1029') {
		if (/quota/i.test(message)) {
			return {
				retry: 'fail',
				hint: 'The daily bulk export quota (500 MB of files per day, shared by every bulk extract on the instance) is used up. It resets daily; export fewer fields or a shorter window.',
			};
		}
		if (/already (been )?queued/i.test(message)) return { retry: 'fail' };
	}
	return CODES[code] ?? { retry: 'fail' };
}

/** HTTP statuses and socket failures that are worth retrying (the request may not have reached Marketo). */
export const RETRYABLE_HTTP_STATUSES = new Set([502, 503, 504]);
const RETRYABLE_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/** Failures that happen before a byte of the request has left: Marketo cannot have acted on it. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN']);

export function wasNeverSent(error: unknown): boolean {
	const e = error as { code?: string; cause?: { code?: string } } | undefined;
	return NOT_SENT_CODES.has(e?.code ?? '') || NOT_SENT_CODES.has(e?.cause?.code ?? '');
}

export function isDroppedConnection(error: unknown): boolean {
	const e = error as { code?: string; cause?: { code?: string }; message?: string } | undefined;
	if (!e) return false;
	if (e.code && RETRYABLE_NETWORK_CODES.has(e.code)) return true;
	if (e.cause?.code && RETRYABLE_NETWORK_CODES.has(e.cause.code)) return true;
	return /socket hang up|ECONNRESET|other side closed|aborted/i.test(e.message ?? '');
}

export interface MarketoErrorDetails {
	/** Marketo's error code (a string of digits), or `HTTP <status>` for non-envelope failures */
	code: string;
	message: string;
	httpStatus?: number;
	requestId?: string;
	/** what was being done, e.g. "GET /rest/v1/leads.json" (never with query string: it could hold values) */
	operation?: string;
	/** extra sentence to put before the generic hint, e.g. naming the field or id */
	hint?: string;
	/** the Marketo role permission the call needs, named in the hint of a 603 */
	permission?: string;
}

/**
 * The error every Marketo failure becomes: an n8n NodeApiError whose message carries Marketo's code and message
 * and whose description says what to do. The body passed to NodeApiError holds only these safe fields, never a
 * request (which would carry the token).
 */
export class MarketoApiError extends NodeApiError {
	readonly marketoCode: string;

	constructor(node: INode, details: MarketoErrorDetails) {
		const info = classifyCode(details.code, details.message);
		const hint =
			details.code === '603' && details.permission
				? `The API user's role lacks the "${details.permission}" permission. In Marketo Admin > Users & Roles > Roles, edit the role of the API-only user and tick "${details.permission}".`
				: [details.hint, info.hint].filter(Boolean).join(' ');
		const body: JsonObject = { code: details.code, message: details.message };
		if (details.requestId) body.requestId = details.requestId;
		super(node, body, {
			message: `Marketo error ${details.code}: ${details.message}`,
			description: hint || undefined,
			httpCode: details.httpStatus ? String(details.httpStatus) : undefined,
		});
		this.marketoCode = details.code;
	}
}

/** The code of a MarketoOutcomeUnknownError (not one of Marketo's: Marketo never answered). */
export const OUTCOME_UNKNOWN = 'OUTCOME_UNKNOWN';

const OUTCOME_UNKNOWN_HINT =
	'The request reached Marketo but no answer came back, so Marketo may or may not have carried it out. It was not sent again, to avoid doing it twice: check in Marketo before running it again.';

/**
 * A request that is not harmless to repeat (it creates something) failed in a way that does not say whether
 * Marketo carried it out: the connection dropped or timed out after the request was sent, or a gateway answered
 * 502/503/504 without Marketo's envelope. The transport does not send it again; the operation finds out what
 * happened where Marketo lets it (a job list, a list by name, a lead by its lookup field), and otherwise reports
 * per item that the outcome is unknown and what to check.
 */
export class MarketoOutcomeUnknownError extends MarketoApiError {
	/** when the unanswered request was sent, by this process's clock (see MarketoClient.marketoTime) */
	readonly sentAt: number;

	constructor(node: INode, details: Omit<MarketoErrorDetails, 'code'> & { sentAt?: number }) {
		super(node, { ...details, code: OUTCOME_UNKNOWN, hint: [details.hint, OUTCOME_UNKNOWN_HINT].filter(Boolean).join(' ') });
		this.message = `No answer from Marketo, so whether it was done is unknown: ${details.message}`;
		this.sentAt = details.sentAt ?? 0;
	}
}

export function isOutcomeUnknown(error: unknown): error is MarketoOutcomeUnknownError {
	return error instanceof MarketoApiError && error.marketoCode === OUTCOME_UNKNOWN;
}
