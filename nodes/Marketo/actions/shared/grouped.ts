import { sendInBatches } from '../../transport';
import type { BatchEntry, BatchOptions, BatchOutcome } from '../../transport';

/**
 * sendInBatches per group: records that must go in the same call share a group (the same program, or the same
 * campaign with the same tokens), so ids from every input item naming that group fill the same calls. Outcomes
 * come back in entry order.
 */
export async function sendGrouped<R, Res>(
	entries: Array<BatchEntry<R>>,
	groupOf: (record: R) => string,
	options: (group: R) => BatchOptions<R, Res>,
): Promise<Array<BatchOutcome<R, Res>>> {
	const groups = new Map<string, Array<BatchEntry<R>>>();
	for (const entry of entries) {
		const key = groupOf(entry.record);
		const group = groups.get(key) ?? [];
		group.push(entry);
		groups.set(key, group);
	}
	const outcomeOf = new Map<BatchEntry<R>, BatchOutcome<R, Res>>();
	for (const group of groups.values()) {
		for (const outcome of await sendInBatches(group, options(group[0].record))) outcomeOf.set(outcome.entry, outcome);
	}
	return entries.map((entry) => outcomeOf.get(entry)!);
}
