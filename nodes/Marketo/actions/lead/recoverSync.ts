import { OUTCOME_UNKNOWN, pageByToken } from '../../transport';
import type { MarketoClient, MarketoOutcomeUnknownError } from '../../transport';
import type { RecordResult } from '../shared/items';
import { madeSince } from '../shared/recovery';

export type LeadRecord = Record<string, string | number | boolean | null>;

interface FoundLead {
	id: number;
	createdAt?: string;
	leadPartitionId?: number;
	[field: string]: unknown;
}

export interface SyncRecovery {
	client: MarketoClient;
	unanswered: MarketoOutcomeUnknownError;
	action: 'createOnly' | 'createDuplicate';
	/** Create Only: the lookup field; Create Duplicate: looked up by email */
	field: string;
	/** the partition new leads go to, when one was named */
	partitionId?: number;
}

const key = (value: unknown) => String(value ?? '').toLowerCase();

function unknown(message: string): RecordResult {
	return { status: 'unknown', reasons: [{ code: OUTCOME_UNKNOWN, message }] };
}

/**
 * A sync call that must not be repeated (Create Only, Create Duplicate) got no answer. The leads are looked up by
 * the field that identifies them, and a lead made since the call was sent is reported created, paired with the
 * record that asked for it. Create Only: a lead found but older was there before (Marketo's skip, 1005); none found
 * leaves the outcome unknown. Create Duplicate: the records with one email are created only when exactly as many
 * new leads with that email appeared; otherwise (none, fewer, more) the outcome stays unknown for them.
 */
export async function recoverSync(recovery: SyncRecovery, input: LeadRecord[]): Promise<RecordResult[]> {
	const { client, unanswered, field } = recovery;
	const values = [...new Set(input.map((r) => r[field]).filter((v) => v !== undefined && v !== null && v !== '').map(String))];
	const found = values.length
		? await pageByToken<FoundLead>(
				client,
				{ method: 'GET', path: '/rest/v1/leads.json', qs: { filterType: field, filterValues: values, fields: ['id', field, 'createdAt', 'leadPartitionId'] } },
				{ returnAll: true, limit: 0 },
			)
		: [];
	const inPartition = found.filter((lead) => recovery.partitionId === undefined || Number(lead.leadPartitionId) === recovery.partitionId);
	const byValue = new Map<string, FoundLead[]>();
	for (const lead of inPartition.sort((a, b) => a.id - b.id)) byValue.set(key(lead[field]), [...(byValue.get(key(lead[field])) ?? []), lead]);
	const created = (lead: FoundLead): RecordResult => ({ id: lead.id, status: 'created', recovered: true });

	if (recovery.action === 'createOnly') {
		return input.map((record) => {
			const leads = byValue.get(key(record[field])) ?? [];
			if (leads.length === 0) return unknown(`No answer from Marketo, and no lead with this ${field} exists: it was most likely not created. Run it again for this item.`);
			const made = leads.map((lead) => madeSince(client, unanswered, lead.createdAt));
			const fresh = leads.find((_lead, i) => made[i] === true);
			if (fresh) return created(fresh);
			if (made.every((m) => m === false)) {
				return { id: leads[0].id, status: 'skipped', recovered: true, reasons: [{ code: '1005', message: 'Lead already exists' }] };
			}
			return unknown(`No answer from Marketo; lead ${leads[0].id} has this ${field}, but whether this run made it cannot be told. Check it in Marketo.`);
		});
	}

	// Create Duplicate: the records of each email share the new leads with that email, in order
	const wanted = new Map<string, number>();
	for (const record of input) wanted.set(key(record[field]), (wanted.get(key(record[field])) ?? 0) + 1);
	const taken = new Map<string, number>();
	return input.map((record) => {
		const value = key(record[field]);
		if (!value) return unknown(`No answer from Marketo, and the lead has no ${field} to look it up by. Check in Marketo whether it was created.`);
		const fresh = (byValue.get(value) ?? []).filter((lead) => madeSince(client, unanswered, lead.createdAt) === true);
		const expected = wanted.get(value) ?? 0;
		if (fresh.length !== expected) {
			return unknown(
				`No answer from Marketo; ${fresh.length} lead(s) with this ${field} were made since, ${expected} expected. Check them in Marketo (duplicates, or leads not created) before running it again.`,
			);
		}
		const index = taken.get(value) ?? 0;
		taken.set(value, index + 1);
		return created(fresh[index]);
	});
}
