import type { INode, Logger } from 'n8n-workflow';

import type { Clock, HttpSender } from './http';

/** The credential's values, normalised (see credentials/MarketoApi.credentials.ts). */
export interface MarketoSettings {
	/** `https://<munchkin-id>.mktorest.com`, without trailing slash or `/rest` */
	baseUrl: string;
	clientId: string;
	clientSecret: string;
	callsPerWindow: number;
	windowMs: number;
	maxConcurrent: number;
	/** lower the pace after Marketo's 606/615 and climb back (default); false: always the whole share */
	adaptivePacing?: boolean;
	/** calls allowed per day on the instance, every integration counted (the credential's Daily Call Budget); none: no limit */
	dailyBudget?: number;
}

/** Marketo's answer envelope. */
export interface MarketoEnvelope<T = Record<string, unknown>> {
	requestId?: string;
	success: boolean;
	result?: T[];
	errors?: Array<{ code: string | number; message: string }>;
	warnings?: Array<{ code?: string | number; message?: string } | string>;
	nextPageToken?: string;
	moreResult?: boolean;
	[key: string]: unknown;
}

/** A query parameter given once per value (`id=1&id=2`), as Swagger's `collectionFormat: multi` lists ask. */
export interface RepeatedValue {
	repeat: Array<string | number>;
}

/** Arrays are sent comma-separated (`filterValues=a,b`), Marketo's documented form for filters and fields. */
export type QueryValue = string | number | boolean | Array<string | number> | RepeatedValue | undefined;

export function repeated(values: Array<string | number>): RepeatedValue {
	return { repeat: values };
}

interface RequestParts {
	/** path below the base URL, e.g. `/rest/v1/leads.json` */
	path: string;
	qs?: Record<string, QueryValue>;
	/** JSON body */
	body?: unknown;
	/** form-encoded body (asset API writes) */
	form?: Record<string, QueryValue>;
	/** raw body with its content type (multipart uploads) */
	raw?: { body: Buffer; contentType: string };
	/**
	 * 'envelope' (default): JSON envelope checked for success; 'text': raw text body (files);
	 * 'stream': the body as a stream (large files)
	 */
	expect?: 'envelope' | 'text' | 'stream';
	/** extra headers (e.g. Range) */
	headers?: Record<string, string>;
	/** error codes that are an answer, not a failure (e.g. 702 "no assets" at the end of paging) */
	acceptCodes?: string[];
	/** sentence put in front of the error hint, e.g. naming the parameter the failing value came from */
	errorHint?: string;
}

/**
 * One call. A read (GET) is always harmless to send twice. A write says so itself, by type, so that no caller can
 * leave it out: `repeatable: false` (it creates a job, a list, a lead) is sent again only when Marketo provably did
 * not act on it (an in-band error code, a refused connection); after a failure that leaves it open the transport
 * throws MarketoOutcomeUnknownError instead.
 */
export type MarketoRequest =
	| (RequestParts & { method: 'GET'; repeatable?: true })
	| (RequestParts & { method: 'POST' | 'DELETE'; repeatable: boolean });

export interface RawResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

export interface RetryPolicy {
	/** attempts in all for transient failures (first try included) */
	maxAttempts: number;
	/** first backoff delay; doubles each time, with jitter */
	baseDelayMs: number;
	maxDelayMs: number;
	/** give up retrying when this much time has passed since the first attempt */
	maxTotalMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 30_000, maxTotalMs: 300_000 };

export interface ClientOptions {
	node: INode;
	sender: HttpSender;
	clock?: Clock;
	retry?: Partial<RetryPolicy>;
	logger?: Logger;
	random?: () => number;
	/** the workflow's time zone, to say when Marketo's daily quota resets in the user's time */
	timeZone?: () => string | undefined;
}

