/** Fault injection: make chosen calls fail the way Marketo or the network sometimes does. */

interface FaultMatch {
	/** HTTP method to match (any when absent). */
	method?: string;
	/** Path prefix, or a RegExp tested against the path (any when absent). */
	path?: string | RegExp;
	/** Let this many matching calls through before the fault fires (default 0). */
	skip?: number;
	/** How many matching calls the fault hits (default 1; Infinity for all). */
	times?: number;
}

export type FaultSpec = FaultMatch &
	(
		| { kind: 'error'; code: string | number; message?: string }
		| { kind: 'http'; status: number; body?: string }
		| { kind: 'drop' }
		/** carry the request out, then close the connection without an answer (a reset after sending) */
		| { kind: 'dropAfterHandling' }
		/** sends the status, headers and `afterBytes` bytes of the body (default: half of it), then cuts the connection */
		| { kind: 'truncate'; afterBytes?: number }
		| { kind: 'delay'; ms: number }
	);

export interface ActiveFault {
	id: number;
	spec: FaultSpec;
	skipLeft: number;
	timesLeft: number;
}

/** The JSON form accepted by POST /__sandbox/faults: `path` is a prefix, `pathRegex` a RegExp source. */
export function faultFromJson(raw: Record<string, unknown>): FaultSpec {
	const spec = { ...raw } as Record<string, unknown>;
	if (typeof raw.pathRegex === 'string') {
		spec.path = new RegExp(raw.pathRegex);
		delete spec.pathRegex;
	}
	if (raw.times === null || raw.times === 'Infinity') spec.times = Infinity;
	const kinds = ['error', 'http', 'drop', 'dropAfterHandling', 'truncate', 'delay'];
	if (!kinds.includes(String(raw.kind))) throw new Error(`kind must be one of ${kinds.join(', ')}`);
	if (raw.kind === 'error' && raw.code === undefined) throw new Error('an error fault needs a code');
	if (raw.kind === 'http' && typeof raw.status !== 'number') throw new Error('an http fault needs a numeric status');
	if (raw.kind === 'truncate' && raw.afterBytes !== undefined && !(Number.isInteger(raw.afterBytes) && Number(raw.afterBytes) >= 0)) {
		throw new Error('afterBytes must be a whole number of bytes');
	}
	return spec as unknown as FaultSpec;
}

export class FaultInjector {
	private faults: ActiveFault[] = [];
	private nextId = 1;

	add(spec: FaultSpec): number {
		const id = this.nextId++;
		this.faults.push({ id, spec, skipLeft: spec.skip ?? 0, timesLeft: spec.times ?? 1 });
		return id;
	}

	clear(): void {
		this.faults = [];
	}

	list(): ActiveFault[] {
		return this.faults.slice();
	}

	/** The first fault that matches and is due; it is consumed. Faults merely skipping count the call too. */
	take(method: string, path: string): FaultSpec | undefined {
		let hit: FaultSpec | undefined;
		for (const f of this.faults) {
			if (!matches(f.spec, method, path)) continue;
			if (f.skipLeft > 0) {
				f.skipLeft--;
				continue;
			}
			if (hit) continue;
			hit = f.spec;
			f.timesLeft--;
		}
		this.faults = this.faults.filter((f) => f.timesLeft > 0);
		return hit;
	}
}

function matches(spec: FaultMatch, method: string, path: string): boolean {
	if (spec.method && spec.method.toUpperCase() !== method.toUpperCase()) return false;
	if (spec.path === undefined) return true;
	return typeof spec.path === 'string' ? path.startsWith(spec.path) : spec.path.test(path);
}
