import type { INode } from 'n8n-workflow';

import { MarketoOutcomeUnknownError } from '../../transport';
import type { MarketoClient } from '../../transport';

/**
 * How much earlier than the unanswered request a thing Marketo made for it may be stamped: Marketo writes times to
 * the second, and its clock is read from a `Date` header, also to the second.
 */
const CLOCK_SLACK_MS = 2000;

/** Marketo's time stamps: `2026-12-02T10:00:00Z` (leads, bulk) or `2026-12-02T10:00:00Z+0000` (asset API). */
export function marketoTimeMs(text: unknown): number | undefined {
	if (typeof text !== 'string' || text === '') return undefined;
	const iso = text.replace(/Z\+0000$/, 'Z').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
	const ms = Date.parse(iso);
	return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Whether Marketo made something (its `createdAt`) after the unanswered request was sent, both times on Marketo's
 * clock. Undefined when that cannot be told (no createdAt, or Marketo's clock not known).
 */
export function madeSince(client: MarketoClient, unanswered: MarketoOutcomeUnknownError, createdAt: unknown): boolean | undefined {
	const since = client.marketoTime(unanswered.sentAt);
	const at = marketoTimeMs(createdAt);
	if (since === undefined || at === undefined) return undefined;
	return at >= since - CLOCK_SLACK_MS;
}

/** The error for an outcome that stays unknown after looking: what the node found, and what the user should check. */
export function stillUnknown(node: INode, unanswered: MarketoOutcomeUnknownError, found: string, check: string): MarketoOutcomeUnknownError {
	return new MarketoOutcomeUnknownError(node, { message: found, hint: check, sentAt: unanswered.sentAt });
}
