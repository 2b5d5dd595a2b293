import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { MarketoSettings } from './client';

/** Marketo's own limits per instance; the credential may ask for less, never more. */
export const MARKETO_MAX_CALLS_PER_WINDOW = 100;
export const MARKETO_MAX_CONCURRENT = 10;
export const MARKETO_WINDOW_SECONDS = 20;

const LOCAL_HOSTS = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|::1)$/i;

/** A local test server (the sandbox, on localhost or 127.x): the only base URL allowed to go below Marketo's floors. */
export function isLocalTestServer(baseUrl: string): boolean {
	return URL.canParse(baseUrl) && LOCAL_HOSTS.test(new URL(baseUrl).hostname);
}

export class CredentialSettingsError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'CredentialSettingsError';
	}
}

/**
 * The REST API base URL as Marketo shows it (Admin > Web Services): `https://<munchkin-id>.mktorest.com`.
 * Tolerates a trailing slash and a pasted `/rest` (or `/rest/v1`, `/identity`) suffix; refuses other paths and
 * plain http for anything but a local host (the sandbox).
 */
export function normalizeBaseUrl(input: string): string {
	const raw = (input ?? '').trim();
	if (!raw) throw new CredentialSettingsError('REST API Base URL', "'REST API Base URL' is empty: enter the REST endpoint's base, e.g. https://123-ABC-456.mktorest.com");
	if (!URL.canParse(raw)) {
		throw new CredentialSettingsError('REST API Base URL', `'REST API Base URL' is not a URL: "${raw}". Expected e.g. https://123-ABC-456.mktorest.com`);
	}
	const url = new URL(raw);
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOCAL_HOSTS.test(url.hostname))) {
		throw new CredentialSettingsError('REST API Base URL', `'REST API Base URL' must start with https:// (got ${url.protocol}//${url.host}); only a local test server may use http://`);
	}
	if (url.search || url.hash) {
		throw new CredentialSettingsError('REST API Base URL', "'REST API Base URL' must not contain '?' or '#' parts: use only https://<munchkin-id>.mktorest.com");
	}
	const path = url.pathname.replace(/\/+$/, '').replace(/\/(rest(\/v1)?|identity)$/i, '');
	if (path !== '') {
		throw new CredentialSettingsError('REST API Base URL', `'REST API Base URL' must have no path (found "${url.pathname}"): use only https://<munchkin-id>.mktorest.com`);
	}
	return `${url.protocol}//${url.host}`;
}

function boundedInteger(value: unknown, fallback: number, min: number, max: number, field: string): number {
	if (value === undefined || value === null || value === '') return fallback;
	const n = Number(value);
	if (!Number.isFinite(n) || n < min || n > max) {
		throw new CredentialSettingsError(field, `'${field}' must be a number from ${min} to ${max} (got ${String(value)})`);
	}
	return Math.floor(n);
}

/** Reads and checks the credential's values; every problem names the credential field to fix. */
export function settingsFromCredential(credential: ICredentialDataDecryptedObject): MarketoSettings {
	const clientId = String(credential.clientId ?? '').trim();
	const clientSecret = String(credential.clientSecret ?? '').trim();
	if (!clientId) throw new CredentialSettingsError('Client ID', "'Client ID' is empty: copy it from Marketo Admin > LaunchPoint > View Details");
	if (!clientSecret) throw new CredentialSettingsError('Client Secret', "'Client Secret' is empty: copy it from Marketo Admin > LaunchPoint > View Details");
	const baseUrl = normalizeBaseUrl(String(credential.baseUrl ?? ''));
	// a window shorter than Marketo's 20 s would let the limiter send more than Marketo allows: only the local
	// sandbox, whose clock can be sped up, may have one
	const shortestWindow = isLocalTestServer(baseUrl) ? 1 : MARKETO_WINDOW_SECONDS;
	return {
		baseUrl,
		clientId,
		clientSecret,
		callsPerWindow: boundedInteger(credential.rateLimitCalls, 50, 1, MARKETO_MAX_CALLS_PER_WINDOW, 'API Calls per 20 Seconds'),
		maxConcurrent: boundedInteger(credential.maxConcurrent, 5, 1, MARKETO_MAX_CONCURRENT, 'Concurrent Calls'),
		windowMs: boundedInteger(credential.rateWindowSeconds, MARKETO_WINDOW_SECONDS, shortestWindow, 3600, 'Rate Window (Seconds)') * 1000,
		adaptivePacing: credential.adaptivePacing !== false,
		dailyBudget: dailyBudgetFrom(credential),
	};
}

/** Marketo's default daily quota per instance (Adobe raises it on request). */
export const MARKETO_DEFAULT_DAILY_QUOTA = 50_000;

/** The Daily Call Budget in calls: none, a share of the instance's daily quota, or a number of calls. */
function dailyBudgetFrom(credential: ICredentialDataDecryptedObject): number | undefined {
	switch (credential.dailyBudget) {
		case 'percent': {
			const quota = boundedInteger(credential.dailyQuota, MARKETO_DEFAULT_DAILY_QUOTA, 1, 100_000_000, 'Daily Quota of the Instance');
			const percent = boundedInteger(credential.dailyBudgetPercent, 80, 1, 100, 'Daily Call Budget (%)');
			return Math.floor((quota * percent) / 100);
		}
		case 'calls':
			return boundedInteger(credential.dailyBudgetCalls, 10_000, 1, 100_000_000, 'Daily Call Budget (Calls)');
		default:
			return undefined;
	}
}
