import { createHash } from 'crypto';

import type { Clock } from './http';

/** What the transport needs to get a token; everything else about the credential lives in MarketoSettings. */
export interface TokenSource {
	/** fetches a fresh answer from `<base>/identity/oauth/token` */
	fetchToken(): Promise<{ accessToken: string; expiresInSeconds: number }>;
}

interface TokenEntry {
	token?: string;
	/** epoch ms at which Marketo stops accepting the token */
	expiresAt: number;
	/** the longest lifetime Marketo has given a token for this key (3600 s on real instances) */
	fullLifeMs: number;
	pending?: Promise<string>;
}

/** Never trust a token for its last seconds: a call sent then can arrive after expiry. */
const MAX_MARGIN_MS = 10_000;
/** Marketo hands back the same token until it expires, so a near-expired answer is waited out; this bounds it. */
const MAX_FETCHES = 4;

/**
 * Access tokens, cached per Marketo instance and client for the whole n8n process: Marketo gives every caller of
 * one API user the same token until it expires, so sharing it costs nothing and saves identity calls.
 */
const tokens = new Map<string, TokenEntry>();

export function tokenKey(baseUrl: string, clientId: string, clientSecret: string): string {
	// the secret is part of the key (so that a corrected secret is used at once) but only as a short hash
	const secretHash = createHash('sha256').update(clientSecret).digest('hex').slice(0, 16);
	return `${baseUrl}|${clientId}|${secretHash}`;
}

function marginOf(entry: TokenEntry): number {
	return Math.min(MAX_MARGIN_MS, entry.fullLifeMs / 4);
}

export class TokenCache {
	constructor(
		private readonly key: string,
		private readonly source: TokenSource,
		private readonly clock: Clock,
	) {}

	/**
	 * A token with useful life left. `rejected` is the token Marketo just answered 601/602 to: it is replaced,
	 * unless another caller already did so.
	 */
	async get(rejected?: string): Promise<string> {
		let entry = tokens.get(this.key);
		if (entry?.pending) return await entry.pending;
		if (entry?.token && entry.token !== rejected && entry.expiresAt - this.clock.now() > marginOf(entry)) {
			return entry.token;
		}
		if (!entry) {
			entry = { expiresAt: 0, fullLifeMs: 0 };
			tokens.set(this.key, entry);
		}
		const current = entry;
		current.pending = this.refresh(current, rejected);
		try {
			return await current.pending;
		} finally {
			current.pending = undefined;
		}
	}

	/** When the token `get` gave last expires (epoch ms); 0 when none is held. */
	expiresAt(): number {
		return tokens.get(this.key)?.expiresAt ?? 0;
	}

	/** From when (epoch ms) `get` replaces the token it gave last: its expiry less the safety margin; 0 when none is held. */
	refreshAt(): number {
		const entry = tokens.get(this.key);
		return entry?.token ? entry.expiresAt - marginOf(entry) : 0;
	}

	/** The token this process holds with useful life left, or the one it is fetching; never fetches one itself. */
	async held(): Promise<string | undefined> {
		const entry = tokens.get(this.key);
		if (entry?.pending) return await entry.pending.catch(() => undefined);
		if (entry?.token && entry.expiresAt - this.clock.now() > marginOf(entry)) return entry.token;
		return undefined;
	}

	private async refresh(entry: TokenEntry, rejected?: string): Promise<string> {
		// the token we hold is in its last seconds: wait it out, Marketo would only hand it back
		if (entry.token && entry.token !== rejected) {
			const left = entry.expiresAt - this.clock.now();
			if (left > 0) await this.clock.sleep(left + 250);
		}
		entry.token = undefined;
		let lastLeftMs = 0;
		for (let attempt = 0; attempt < MAX_FETCHES; attempt++) {
			const { accessToken, expiresInSeconds } = await this.source.fetchToken();
			const lifeMs = Math.max(0, expiresInSeconds * 1000);
			entry.fullLifeMs = Math.max(entry.fullLifeMs, lifeMs);
			// usable: more than the margin left, and not the token Marketo just refused (unless it is fresh)
			const refusedAgain = accessToken === rejected && lifeMs <= marginOf(entry) * 2;
			if (lifeMs > marginOf(entry) && !refusedAgain) {
				entry.token = accessToken;
				entry.expiresAt = this.clock.now() + lifeMs;
				return accessToken;
			}
			lastLeftMs = lifeMs;
			await this.clock.sleep(lifeMs + 250);
		}
		throw new Error(
			`Marketo kept handing out an access token that was about to expire (${Math.round(lastLeftMs / 1000)} s left)`,
		);
	}
}

/** Forget every cached token (tests only). */
export function resetTokens(): void {
	tokens.clear();
}
