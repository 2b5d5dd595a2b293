import type { IDataObject } from 'n8n-workflow';

import type { OperationContext, OperationDeclaration } from '../types';
import { MAX_BATCH, repeated, sendInBatches } from '../../transport';
import type { BatchEntry, BatchOutcome } from '../../transport';
import { leadIdField, staticListLocator } from '../shared/fields';
import { collectEntries, outcomeItems, recordResultJson } from '../shared/items';
import type { RecordResult } from '../shared/items';
import { staticListId } from '../shared/lists';
import { itemValueReader, readPerItem } from '../shared/parameters';
import { parseIdList } from '../shared/values';

interface Membership {
	listId: number;
	leadId: number;
}

/**
 * Add, remove and is-member share one shape: lead ids from every input item, grouped by list, sent 300 per call
 * (`?id=…&id=…`), each id answered with Marketo's per-record status. Only the HTTP method and path differ.
 */
export function memberCall(spec: {
	value: string;
	name: string;
	action: string;
	description: string;
	method: 'POST' | 'DELETE' | 'GET';
	/** path below /rest/v1/lists/{listId} */
	suffix: string;
}): OperationDeclaration {
	return {
		value: spec.value,
		name: spec.name,
		action: spec.action,
		description: `${spec.description} (300 leads per call, across all input items)`,
		properties: [staticListLocator('Static list'), leadIdField('ID of the lead.')],
		execute: async (context: OperationContext) => {
			const { fn, client } = context;
			const leadIdOf = itemValueReader(fn, 'leadId', context.items);
			const listIdOf = readPerItem(fn, 'list', (i) => staticListId(fn, i));
			const { entries, rejected } = collectEntries<Membership>(context, (i) => {
				const listId = listIdOf(i);
				return parseIdList(leadIdOf(i), 'Lead ID').map((leadId) => ({ listId, leadId }));
			});

			// one group per list: ids of every item that names the same list go into the same calls
			const byList = new Map<number, Array<BatchEntry<Membership>>>();
			for (const entry of entries) {
				const group = byList.get(entry.record.listId) ?? [];
				group.push(entry);
				byList.set(entry.record.listId, group);
			}
			const outcomes: Array<BatchOutcome<Membership, RecordResult>> = [];
			for (const [listId, group] of byList) {
				outcomes.push(
					...(await sendInBatches<Membership, RecordResult>(group, {
						size: MAX_BATCH,
						parallel: client.settings.maxConcurrent,
						keyOf: (m) => String(m.leadId),
						resultKeyOf: (r) => (r.id === undefined ? undefined : String(r.id)),
						continueOnFail: context.continueOnFail,
						send: async (members) => {
							const answer = await client.request<RecordResult>({
								method: spec.method,
								// adding a member twice, or removing it twice, leaves the list the same
								repeatable: true,
								path: `/rest/v1/lists/${listId}${spec.suffix}`,
								qs: { id: repeated(members.map((m) => m.leadId)) },
								errorHint: `'List': static list ${listId}.`,
							});
							return answer.result ?? [];
						},
					})),
				);
			}
			const identify = (m: Membership): IDataObject => ({ listId: m.listId, leadId: m.leadId });
			return outcomeItems(context, outcomes, rejected, identify, (m, result) => {
				// Marketo's `id` is the lead id: report it as leadId next to the list
				const json = recordResultJson(result);
				delete json.id;
				return { ...identify(m), ...json };
			});
		},
	};
}
