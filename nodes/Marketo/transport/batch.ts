/** Marketo's lead database takes at most 300 records (or ids) per call. */
export const MAX_BATCH = 300;

/** One record to send, with the input item it came from. */
export interface BatchEntry<R> {
	itemIndex: number;
	record: R;
}

/** What became of one entry: Marketo's per-record result, or the error of the whole call it was part of. */
export interface BatchOutcome<R, Res> {
	entry: BatchEntry<R>;
	result?: Res;
	error?: Error;
}

export interface BatchOptions<R, Res> {
	/** records per call (default and maximum 300) */
	size?: number;
	/** calls in flight at once; the instance's rate limiter still paces them */
	parallel?: number;
	/**
	 * identity of a record: records with the same key are sent once and the one result is reported to every entry
	 * that gave it (Marketo rejects or double-counts duplicates in one call)
	 */
	keyOf?: (record: R) => string;
	/**
	 * the key of a result, to match results to records by id; without it results are matched by position
	 * (Marketo answers in input order)
	 */
	resultKeyOf?: (result: Res) => string | undefined;
	/** the key of a record to look its result up by (defaults to `keyOf`); must match `resultKeyOf` */
	matchKeyOf?: (record: R) => string;
	/** the error for a record Marketo returned no result for (default: a generic one) */
	missing?: (record: R) => Error;
	/** sends one batch and returns Marketo's `result[]` */
	send: (records: R[]) => Promise<Res[]>;
	/** keep going when a call fails: its entries carry the error instead of stopping everything */
	continueOnFail: boolean;
}

async function runPool(tasks: Array<() => Promise<void>>, parallel: number): Promise<void> {
	let next = 0;
	let failure: unknown;
	const worker = async () => {
		while (next < tasks.length && failure === undefined) {
			const task = tasks[next++];
			try {
				await task();
			} catch (error) {
				failure = error;
			}
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, tasks.length)) }, worker));
	if (failure !== undefined) throw failure;
}

/**
 * Sends records gathered from all input items in calls of at most 300, and maps Marketo's per-record results back
 * to the entries (so to the input items) they came from. Every entry gets an outcome: nothing is dropped.
 */
export async function sendInBatches<R, Res>(entries: Array<BatchEntry<R>>, options: BatchOptions<R, Res>): Promise<Array<BatchOutcome<R, Res>>> {
	const size = Math.max(1, Math.min(options.size ?? MAX_BATCH, MAX_BATCH));

	// unique records in first-seen order, each with the entries that gave it
	const unique: Array<{ record: R; key: string; entries: Array<BatchEntry<R>> }> = [];
	const byKey = new Map<string, (typeof unique)[number]>();
	entries.forEach((entry, position) => {
		const key = options.keyOf ? options.keyOf(entry.record) : `#${position}`;
		const existing = byKey.get(key);
		if (existing) {
			existing.entries.push(entry);
			return;
		}
		const slot = { record: entry.record, key, entries: [entry] };
		byKey.set(key, slot);
		unique.push(slot);
	});

	const outcomeOf = new Map<BatchEntry<R>, BatchOutcome<R, Res>>();
	const tasks: Array<() => Promise<void>> = [];
	for (let start = 0; start < unique.length; start += size) {
		const chunk = unique.slice(start, start + size);
		tasks.push(async () => {
			let results: Res[] = [];
			let failure: Error | undefined;
			try {
				results = await options.send(chunk.map((slot) => slot.record));
			} catch (error) {
				failure = error as Error;
			}
			if (failure) {
				// without "Continue On Fail" the first failed call stops the run (runPool rethrows it)
				if (!options.continueOnFail) return Promise.reject(failure);
				for (const slot of chunk) for (const entry of slot.entries) outcomeOf.set(entry, { entry, error: failure });
				return;
			}
			const resultFor = matchResults(chunk, results, options.resultKeyOf);
			chunk.forEach((slot, index) => {
				const result = resultFor(options.matchKeyOf ? options.matchKeyOf(slot.record) : slot.key, index);
				for (const entry of slot.entries) {
					outcomeOf.set(entry, result === undefined
						? { entry, error: options.missing?.(slot.record) ?? new Error('Marketo returned no result for this record') }
						: { entry, result });
				}
			});
		});
	}
	await runPool(tasks, options.parallel ?? 1);
	return entries.map((entry) => outcomeOf.get(entry) ?? { entry, error: new Error('Record was not sent') });
}

/**
 * Like sendInBatches, for records that must not meet in one call, nor in calls in flight together: the k-th record
 * with a given key goes out in round k, after round k-1 has finished. Two items with the same email in one sync can
 * make Marketo create the lead twice; in rounds the first creates it and the second updates it, as if the items had
 * been sent one after the other. Without repeated keys this is exactly one sendInBatches.
 */
export async function sendInRounds<R, Res>(
	entries: Array<BatchEntry<R>>,
	/** the key that must not repeat within a round; undefined: no constraint for this record */
	roundKeyOf: (record: R) => string | undefined,
	options: BatchOptions<R, Res>,
): Promise<Array<BatchOutcome<R, Res>>> {
	const rounds: Array<Array<BatchEntry<R>>> = [];
	const seen = new Map<string, number>();
	// a record identical to an earlier one (same `keyOf`) joins that one's round, where sendInBatches sends it once
	const roundOfRecord = new Map<string, number>();
	for (const entry of entries) {
		const key = roundKeyOf(entry.record);
		const identity = options.keyOf?.(entry.record);
		let round = identity === undefined ? undefined : roundOfRecord.get(identity);
		if (round === undefined) {
			round = key === undefined ? 0 : (seen.get(key) ?? 0);
			if (key !== undefined) seen.set(key, round + 1);
			if (identity !== undefined) roundOfRecord.set(identity, round);
		}
		(rounds[round] ??= []).push(entry);
	}
	const outcomeOf = new Map<BatchEntry<R>, BatchOutcome<R, Res>>();
	for (const round of rounds) {
		for (const outcome of await sendInBatches(round, options)) outcomeOf.set(outcome.entry, outcome);
	}
	return entries.map((entry) => outcomeOf.get(entry)!);
}

function matchResults<R, Res>(
	chunk: Array<{ key: string; record: R }>,
	results: Res[],
	resultKeyOf?: (result: Res) => string | undefined,
): (key: string, index: number) => Res | undefined {
	if (resultKeyOf) {
		const byKey = new Map<string, Res>();
		for (const result of results) {
			const key = resultKeyOf(result);
			if (key !== undefined && !byKey.has(key)) byKey.set(key, result);
		}
		// fall back to position for results that carry no key (e.g. a skipped record without id)
		return (key, index) => byKey.get(key) ?? (results.length === chunk.length ? results[index] : undefined);
	}
	return (_key, index) => results[index];
}

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(list: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
	return out;
}
