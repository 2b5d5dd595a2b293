import { MarketoClient } from '../../../nodes/Marketo/transport';
import type { HttpResponse, MarketoSettings } from '../../../nodes/Marketo/transport';
import type { FakeClock } from './fakeClock';
import { marketoError, ok, settings as baseSettings, testNode, tokenAnswer } from './fakeMarketo';

/** What one client of the simulated instance sent and how it was answered. */
export interface ClientTally {
	sent: number;
	admitted: number;
	rate606: number;
	conc615: number;
	/** times the calls were admitted at, to count them in a time range */
	admittedAt: number[];
	/** times the 606s were answered at */
	rate606At: number[];
}

/**
 * One Marketo instance on the fake clock, as Marketo enforces its limits: a sliding window of admitted calls
 * (100 per 20 s) and calls in flight (10), shared by every client; a refused call (606, 615) does not count.
 */
export class SimulatedInstance {
	private readonly window: number[] = [];
	private inFlight = 0;
	readonly tallies = new Map<string, ClientTally>();

	constructor(
		private readonly clock: FakeClock,
		/** refusalMs: how long a 606/615 takes to come back (the network's round trip; Marketo refuses before any work) */
		readonly limits: { calls: number; windowMs: number; concurrent: number; latencyMs: number; refusalMs?: number } = {
			calls: 100,
			windowMs: 20_000,
			concurrent: 10,
			latencyMs: 250,
		},
	) {}

	/** A refusal, answered after the network's round trip. */
	private async refuse(code: '606' | '615', message: string): Promise<HttpResponse> {
		if (this.limits.refusalMs) await this.clock.sleep(this.limits.refusalMs);
		return marketoError(code, message);
	}

	tally(client: string): ClientTally {
		let tally = this.tallies.get(client);
		if (!tally) {
			tally = { sent: 0, admitted: 0, rate606: 0, conc615: 0, admittedAt: [], rate606At: [] };
			this.tallies.set(client, tally);
		}
		return tally;
	}

	async call(client: string): Promise<HttpResponse> {
		const tally = this.tally(client);
		const now = this.clock.now();
		tally.sent++;
		while (this.window.length > 0 && this.window[0] <= now - this.limits.windowMs) this.window.shift();
		if (this.inFlight >= this.limits.concurrent) {
			tally.conc615++;
			return await this.refuse('615', 'Concurrent access limit reached');
		}
		if (this.window.length >= this.limits.calls) {
			tally.rate606++;
			tally.rate606At.push(now);
			return await this.refuse('606', "Max rate limit '100' exceeded with in '20' secs");
		}
		this.window.push(now);
		this.inFlight++;
		tally.admitted++;
		tally.admittedAt.push(now);
		try {
			await this.clock.sleep(this.limits.latencyMs);
			return ok([{ id: 1, status: 'added' }]);
		} finally {
			this.inFlight--;
		}
	}

	/**
	 * A client of this instance with its own limiter, as a separate n8n process would have (each process is keyed
	 * by its own base URL, so it gets its own limiter and token).
	 */
	processClient(name: string, share: Partial<MarketoSettings> = {}): MarketoClient {
		const settings: MarketoSettings = { ...baseSettings, baseUrl: `https://${name}.example.com`, callsPerWindow: 100, maxConcurrent: 10, ...share };
		// each process its own repeatable random sequence (a linear congruential generator seeded by the name)
		let seed = [...name].reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) % 2_147_483_647, 7);
		const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
		return new MarketoClient(settings, {
			node: testNode,
			clock: this.clock,
			random,
			// enough attempts that a call is never given up while processes converge
			retry: { maxAttempts: 100, maxTotalMs: 3_600_000 },
			sender: async (request) => (request.url.endsWith('/identity/oauth/token') ? tokenAnswer(`token-${name}`) : await this.call(name)),
		});
	}

	/** A client outside n8n that sends `perWindow` calls per window, evenly spaced, until `until`; no retries. */
	async foreignClient(name: string, perWindow: number, until: number): Promise<void> {
		const interval = this.limits.windowMs / perWindow;
		const started = this.clock.now();
		const pending: Array<Promise<unknown>> = [];
		for (let sent = 0; this.clock.now() < until; ) {
			pending.push(this.call(name));
			sent++;
			await this.clock.sleep(Math.max(0, started + sent * interval - this.clock.now()));
		}
		await Promise.all(pending);
	}
}

/** `workers` callers of `client` sending calls one after another until virtual time `until`. */
export async function keepBusy(client: MarketoClient, clock: FakeClock, workers: number, until: number): Promise<void> {
	await Promise.all(
		Array.from({ length: workers }, async () => {
			while (clock.now() < until) await client.request({ method: 'GET', path: '/rest/v1/leads.json' });
		}),
	);
}

/** `calls` calls through `client`, `workers` at a time (as a node sends its batches). */
export async function sendCalls(client: MarketoClient, workers: number, calls: number): Promise<void> {
	let next = 0;
	await Promise.all(
		Array.from({ length: workers }, async () => {
			while (next < calls) {
				next++;
				await client.request({ method: 'GET', path: '/rest/v1/leads.json' });
			}
		}),
	);
}

export function countIn(times: number[], from: number, to: number): number {
	return times.filter((t) => t >= from && t < to).length;
}
