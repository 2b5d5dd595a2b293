import { NodeOperationError } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { MAX_BATCH, sendInRounds } from '../../transport';
import { leadIdField, partitionNameField } from '../shared/fields';
import { collectEntries, outcomeItems } from '../shared/items';
import type { RecordResult } from '../shared/items';
import { leadPartitions, partitionNamed } from '../shared/marketoData';
import { itemValueReader, readPerItem } from '../shared/parameters';
import { parseIdList, requireText } from '../shared/values';

interface PartitionMove {
	id: number;
	partitionName: string;
}

export const update: OperationDeclaration = {
	value: 'update',
	name: 'Update',
	action: 'Move leads to a partition',
	description: 'Move leads to another lead partition (300 leads per call, across all input items)',
	properties: [
		leadIdField('ID of the lead to move.'),
		partitionNameField(true, 'Partition to move the lead to.'),
	],
	execute: async (context) => {
		const { fn, client } = context;
		const leadIdOf = itemValueReader(fn, 'leadId', context.items);
		const partitionNameOf = readPerItem(fn, 'partitionName', (i) => requireText(fn.getNodeParameter('partitionName', i), 'Partition'));
		const { entries, rejected } = collectEntries<PartitionMove>(context, (i) => {
			const partitionName = partitionNameOf(i);
			return parseIdList(leadIdOf(i), 'Lead ID').map((id) => ({ id, partitionName }));
		});
		if (entries.length === 0) return outcomeItems(context, [], rejected, () => ({}));

		// an unknown partition would be skipped by Marketo lead by lead; say so once, before any update
		const partitions = await leadPartitions(client);
		const unknown = [...new Set(entries.map((e) => e.record.partitionName))].filter((name) => !partitionNamed(partitions, name));
		if (unknown.length > 0) {
			throw new NodeOperationError(fn.getNode(), `'Partition': no partition named ${unknown.map((n) => `"${n}"`).join(', ')} on this instance`, {
				description: `Partitions on this instance: ${partitions.map((p) => `${p.name} (ID ${p.id})`).join(', ') || 'none'}. Partition names are case-sensitive.`,
			});
		}
		// a partition given by ID goes to Marketo by its name
		for (const entry of entries) entry.record.partitionName = partitionNamed(partitions, entry.record.partitionName)?.name ?? entry.record.partitionName;

		// a lead moved to two partitions in one run: the moves go out one after the other, in input order, so each
		// result is its own and the last item wins (see sendInRounds)
		const outcomes = await sendInRounds<PartitionMove, RecordResult>(entries, (r) => `${r.id}`, {
			size: MAX_BATCH,
			parallel: client.settings.maxConcurrent,
			keyOf: (r) => `${r.id}\u0000${r.partitionName}`,
			matchKeyOf: (r) => `${r.id}`,
			resultKeyOf: (r) => (r.id === undefined ? undefined : `${r.id}`),
			continueOnFail: context.continueOnFail,
			send: async (input) => {
				const answer = await client.request<RecordResult>({ method: 'POST', path: '/rest/v1/leads/partitions.json', body: { input }, repeatable: true });
				return answer.result ?? [];
			},
		});
		return outcomeItems(context, outcomes, rejected, (r) => ({ id: r.id, partitionName: r.partitionName }));
	},
};
