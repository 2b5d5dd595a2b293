import { MarketoSandbox, type SandboxOptions } from '../../../sandbox';

export interface Api {
	sb: MarketoSandbox;
	url: string;
	token(): Promise<string>;
	call(method: string, path: string, opts?: CallOptions): Promise<{ status: number; body: any; headers: Headers; text: string }>;
	get(path: string, query?: Record<string, string | number>): Promise<any>;
	post(path: string, json: unknown, query?: Record<string, string | number>): Promise<any>;
	stop(): Promise<void>;
}

export interface CallOptions {
	query?: Record<string, string | number>;
	json?: unknown;
	form?: Record<string, string>;
	body?: RequestInit['body'];
	headers?: Record<string, string>;
	/** false: send no token; a string: send that token. */
	token?: string | false;
}

/**
 * Starts a sandbox with fast defaults for tests: no latency, and tokens that live an hour of real time whatever the
 * time scale (scaled, 0.001 would make them 3.6 s, which a loaded machine outlasts), unless the test asks otherwise.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Api> {
	const sb = new MarketoSandbox({ latencyMs: 0, tokenLifetimeSeconds: 3600 / (options.timeScale ?? 1), ...options });
	const { url } = await sb.start();
	let cached: string | undefined;
	const token = async (): Promise<string> => {
		if (cached) return cached;
		const r = await fetch(`${url}/identity/oauth/token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				grant_type: 'client_credentials',
				client_id: sb.options.users[0].clientId,
				client_secret: sb.options.users[0].clientSecret,
			}),
		});
		cached = ((await r.json()) as { access_token: string }).access_token;
		return cached;
	};
	const call: Api['call'] = async (method, path, opts = {}) => {
		const u = new URL(path, url);
		for (const [k, v] of Object.entries(opts.query ?? {})) u.searchParams.set(k, String(v));
		const headers: Record<string, string> = { ...(opts.headers ?? {}) };
		if (opts.token !== false) headers.Authorization = `Bearer ${opts.token ?? (await token())}`;
		let body: RequestInit['body'] | undefined = opts.body;
		if (opts.json !== undefined) {
			headers['Content-Type'] = 'application/json';
			body = JSON.stringify(opts.json);
		} else if (opts.form) {
			headers['Content-Type'] = 'application/x-www-form-urlencoded';
			body = new URLSearchParams(opts.form).toString();
		}
		const r = await fetch(u, { method, headers, body });
		const text = await r.text();
		let parsed: any = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			/* raw text */
		}
		return { status: r.status, body: parsed, headers: r.headers, text };
	};
	return {
		sb,
		url,
		token,
		call,
		get: async (path, query) => (await call('GET', path, { query })).body,
		post: async (path, json, query) => (await call('POST', path, { json, query })).body,
		stop: () => sb.stop(),
	};
}

export function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}
