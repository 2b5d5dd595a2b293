/** Marketo's JSON envelope, error codes and record-level reasons. */
import { randomBytes } from 'node:crypto';

/** Messages of the response-level and record-level codes the sandbox produces. */
export const MESSAGES: Record<string, string> = {
	'600': 'Access token not specified',
	'601': 'Access token invalid',
	'602': 'Access token expired',
	'603': 'Access denied',
	'604': 'Request timed out',
	'605': 'Request method not supported',
	'606': "Max rate limit '100' exceeded with in '20' secs",
	'607': 'Daily quota reached',
	'608': 'API Temporarily Unavailable',
	'609': 'Invalid JSON',
	'610': 'Requested resource not found',
	'611': 'System error',
	'612': 'Invalid Content Type',
	'613': 'Invalid Multipart Request',
	'615': 'Concurrent access limit reached',
	'701': 'cannot be blank',
	'702': 'No data found for given search scenario',
	'709': 'Business Rule Violation',
	'710': 'Parent Folder Not Found',
	'713': 'Transient Error',
	'1001': 'Invalid value',
	'1003': 'Invalid data',
	'1004': 'Lead not found',
	'1005': 'Lead already exists',
	'1006': 'Field not found',
	'1007': 'Multiple lead match lookup criteria',
	'1013': 'Object not found',
	'1016': 'Too many imports',
	'1019': 'Import in progress',
	'1029': 'Too many jobs in queue',
	'1035': 'Unsupported filter type for target subscription',
	'1036': 'Duplicate object found in input',
};

export interface MarketoErrorItem {
	code: string;
	message: string;
}

/** A response-level error: answered as HTTP 200 with success:false. */
export class MarketoError extends Error {
	readonly code: string;
	constructor(code: string | number, message?: string) {
		const c = String(code);
		super(message ?? MESSAGES[c] ?? 'Error');
		this.code = c;
	}
}

/** An HTTP-level failure (413, 414, 404 for a file that is not ready...). */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly contentType = 'text/plain; charset=utf-8',
	) {
		super(message);
	}
}

export interface Reason {
	code: string;
	message: string;
}

export function reason(code: string | number, message?: string): Reason {
	const c = String(code);
	return { code: c, message: message ?? MESSAGES[c] ?? 'Error' };
}

/** Record-level outcome, e.g. {id, status:'skipped', reasons:[...]}. */
export function skipped(code: string | number, message?: string, id?: number): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	if (id !== undefined) out.id = id;
	out.status = 'skipped';
	out.reasons = [reason(code, message)];
	return out;
}

/** Marketo request ids look like "e42b#14272d07d78": a short random part and the time in hex. */
export function newRequestId(): string {
	return `${randomBytes(2).toString('hex').replace(/^0+/, '') || '1'}#${Date.now().toString(16)}`;
}

/** Extra top-level members of a successful answer (paging, warnings). */
export interface SuccessExtras {
	nextPageToken?: string;
	moreResult?: boolean;
	warnings?: unknown[];
}

/** Lead database style: {requestId, result, success}. */
export function successBody(result: unknown[], extras: SuccessExtras = {}): Record<string, unknown> {
	const body: Record<string, unknown> = { requestId: newRequestId(), result, success: true };
	if (extras.nextPageToken !== undefined) body.nextPageToken = extras.nextPageToken;
	if (extras.moreResult !== undefined) body.moreResult = extras.moreResult;
	if (extras.warnings && extras.warnings.length) body.warnings = extras.warnings;
	return body;
}

/** Asset API style: {success, errors:[], requestId, warnings:[], result}. */
export function assetBody(result: unknown[] | undefined, warnings: string[] = []): Record<string, unknown> {
	const body: Record<string, unknown> = { success: true, errors: [], requestId: newRequestId(), warnings };
	if (result !== undefined) body.result = result;
	return body;
}

export function errorBody(code: string, message: string): Record<string, unknown> {
	return { requestId: newRequestId(), success: false, errors: [{ code, message }] };
}
