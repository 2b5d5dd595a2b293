/** The identity service: client-credentials tokens, one live token per API user. */
import { randomUUID } from 'node:crypto';
import type { ApiUserOptions } from './options';

export type ApiUser = Required<ApiUserOptions>;

interface IssuedToken {
	token: string;
	user: ApiUser;
	expiresAt: number;
}

export type TokenCheck = { ok: true; user: ApiUser } | { ok: false; code: '601' | '602' };

export class TokenStore {
	private byToken = new Map<string, IssuedToken>();
	private current = new Map<string, IssuedToken>();

	constructor(
		private readonly users: ApiUser[],
		private readonly lifetimeMs: number,
	) {}

	findUser(clientId: string, clientSecret: string): ApiUser | undefined {
		return this.users.find((u) => u.clientId === clientId && u.clientSecret === clientSecret);
	}

	/** The live token of this user, or a new one when the last has expired. */
	issue(user: ApiUser, now = Date.now()): { token: string; expiresIn: number } {
		let t = this.current.get(user.clientId);
		if (!t || t.expiresAt <= now) {
			t = { token: `${randomUUID()}:sbx`, user, expiresAt: now + this.lifetimeMs };
			this.current.set(user.clientId, t);
			this.byToken.set(t.token, t);
			this.prune(now);
		}
		return { token: t.token, expiresIn: Math.max(0, Math.floor((t.expiresAt - now) / 1000)) };
	}

	check(token: string, now = Date.now()): TokenCheck {
		const t = this.byToken.get(token);
		if (!t) return { ok: false, code: '601' };
		if (t.expiresAt <= now) return { ok: false, code: '602' };
		return { ok: true, user: t.user };
	}

	/**
	 * Marketo answered a call with this token 601 (invalid) or 602 (expired): from now on the token is refused with
	 * that code, and the next token request gets a new one.
	 */
	revoke(token: string, code: '601' | '602', now = Date.now()): void {
		const t = this.byToken.get(token);
		if (!t) return;
		if (code === '602') t.expiresAt = Math.min(t.expiresAt, now);
		else this.byToken.delete(token);
		if (this.current.get(t.user.clientId) === t) this.current.delete(t.user.clientId);
	}

	/** Makes every issued token expired now: the next call with one gets 602, the next token request a new token. */
	expireAll(now = Date.now()): void {
		for (const t of this.byToken.values()) if (t.expiresAt > now) t.expiresAt = now;
	}

	clear(): void {
		this.byToken.clear();
		this.current.clear();
	}

	/** Expired tokens are remembered for a day (to answer 602 rather than 601), then forgotten. */
	private prune(now: number): void {
		if (this.byToken.size < 1000) return;
		for (const [k, t] of this.byToken) if (t.expiresAt < now - 86400000) this.byToken.delete(k);
	}
}

/** The access token a call carries: the Authorization header's bearer token, else the access_token parameter. */
export function presentedToken(authorization: string | undefined, query: URLSearchParams): string | null {
	if (authorization && /^bearer\s+/i.test(authorization)) return authorization.replace(/^bearer\s+/i, '').trim();
	return query.get('access_token');
}
