import type { HttpResponse } from './http';
import type { MarketoEnvelope, MarketoRequest, QueryValue, RawResponse } from './types';

/** Why a call did not succeed: Marketo's code and message, or `HTTP <status>`. */
export interface Failure {
	code: string;
	message: string;
	httpStatus?: number;
	requestId?: string;
}

export type ResponseOutcome = { ok: true; response: RawResponse } | { ok: false; failure: Failure };

/** Query or form encoding; arrays comma-separated, repeated values once per value, empty values left out. */
export function encodeQuery(qs: Record<string, QueryValue> | undefined): string {
	if (!qs) return '';
	const parts: string[] = [];
	for (const [key, value] of Object.entries(qs)) {
		if (value === undefined || value === '') continue;
		if (typeof value === 'object' && 'repeat' in value) {
			for (const v of value.repeat) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(v))}`);
			continue;
		}
		const text = Array.isArray(value) ? value.join(',') : String(value);
		parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(text)}`);
	}
	return parts.join('&');
}

export function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

export function bodyText(body: unknown): string {
	if (typeof body === 'string') return body;
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (body && typeof body === 'object') return JSON.stringify(body);
	return '';
}


/** Reads one answer: Marketo's envelope (with HTTP 200 or not), a file, or something that is neither. */
export function readResponse(request: MarketoRequest, response: HttpResponse): ResponseOutcome {
	const status = response.statusCode;
	const expect = request.expect ?? 'envelope';

	if (expect !== 'envelope' && status >= 200 && status < 300) {
		// a streamed file stays a stream (streamed.ts has read Marketo's envelope as text)
		if (expect === 'stream' && typeof response.body !== 'string') {
			return { ok: true, response: { statusCode: status, headers: response.headers, body: response.body } };
		}
		// a file, whatever its Content-Type, unless the body is Marketo's envelope with an error
		const text = bodyText(response.body);
		const envelope = text.trimStart().startsWith('{') ? (parseJson(text) as MarketoEnvelope | undefined) : undefined;
		if (envelope && envelope.success === false && Array.isArray(envelope.errors)) {
			return { ok: false, failure: envelopeFailure(envelope) };
		}
		return { ok: true, response: { statusCode: status, headers: response.headers, body: text } };
	}

	const text = bodyText(response.body);
	const json = parseJson(text) as MarketoEnvelope | undefined;
	if (status < 200 || status >= 300) {
		const snippet = json && typeof json === 'object' ? (json.errors?.[0]?.message ?? '') : text.slice(0, 200);
		if (json && json.success === false && Array.isArray(json.errors)) {
			return { ok: false, failure: { ...envelopeFailure(json), httpStatus: status } };
		}
		return {
			ok: false,
			failure: { code: `HTTP ${status}`, message: snippet.trim() || `HTTP status ${status}`, httpStatus: status },
		};
	}
	if (!json || typeof json !== 'object') {
		return {
			ok: false,
			failure: {
				code: 'HTTP 200',
				message: `Marketo answered something that is not JSON (${text.slice(0, 80).trim() || 'empty body'}). Check the REST API base URL.`,
				httpStatus: status,
			},
		};
	}
	if (json.success === false) {
		const failure = envelopeFailure(json);
		if (request.acceptCodes?.includes(failure.code)) return { ok: true, response: { statusCode: status, headers: response.headers, body: json } };
		return { ok: false, failure };
	}
	return { ok: true, response: { statusCode: status, headers: response.headers, body: json } };
}

export function envelopeFailure(envelope: MarketoEnvelope): Failure {
	const first = envelope.errors?.[0];
	return {
		code: first ? String(first.code) : 'unknown',
		message: first?.message ?? 'Marketo answered success:false without an error',
		requestId: envelope.requestId,
	};
}
