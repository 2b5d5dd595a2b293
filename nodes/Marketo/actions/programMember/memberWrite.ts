import type { IDataObject } from 'n8n-workflow';

import type { OperationContext } from '../types';
import { MAX_BATCH } from '../../transport';
import { sendGrouped } from '../shared/grouped';
import { collectEntries, outcomeItems, recordResultJson } from '../shared/items';
import type { RecordResult } from '../shared/items';
import { itemValueReader, readPerItem } from '../shared/parameters';
import { programId } from '../shared/programs';
import { parseIdList } from '../shared/values';

export interface MemberRecord {
	programId: number;
	leadId: number;
	/** what else goes into the lead's input record (member data fields) */
	fields?: IDataObject;
	/** what the whole call carries (the status): records with different ones go in different calls */
	call?: IDataObject;
}

/**
 * Status and data writes share one shape: lead ids from every input item, grouped by program, sent 300 per call as
 * `input: [{leadId, ...}]`. Marketo answers each record with `seq` (its place in the call) and, for a skipped one,
 * no leadId, so results are put back in input order by `seq` and matched by position.
 */
export async function writeMembers(
	context: OperationContext,
	spec: {
		/** extra fields of the lead's record, read per item before any call */
		fieldsOf?: (itemIndex: number) => IDataObject;
		/** call-level values of an item, read before any call */
		callOf?: (itemIndex: number) => IDataObject;
		path: (programId: number) => string;
		body: (input: IDataObject[], call: IDataObject) => IDataObject;
		errorHint: (programId: number) => string;
	},
): Promise<ReturnType<typeof outcomeItems>> {
	const { fn, client } = context;
	const leadIdOf = itemValueReader(fn, 'leadId', context.items);
	const programOf = readPerItem(fn, 'program', (i) => programId(fn, i));
	const { entries, rejected } = collectEntries<MemberRecord>(context, (i) => {
		const program = programOf(i);
		const fields = spec.fieldsOf?.(i);
		const call = spec.callOf?.(i);
		return parseIdList(leadIdOf(i), 'Lead ID').map((leadId) => ({ programId: program, leadId, fields, call }));
	});
	const outcomes = await sendGrouped<MemberRecord, RecordResult>(
		entries,
		(r) => `${r.programId}|${JSON.stringify(r.call ?? {})}`,
		({ programId: id, call }) => ({
			size: MAX_BATCH,
			parallel: client.settings.maxConcurrent,
			continueOnFail: context.continueOnFail,
			send: async (records) => {
				const answer = await client.request<RecordResult>({
					method: 'POST',
					// setting the same status or values again leaves the member as it is (Marketo skips a lead already at the status)
					repeatable: true,
					path: spec.path(id),
					body: spec.body(records.map((r) => ({ leadId: r.leadId, ...r.fields })), call ?? {}),
					errorHint: spec.errorHint(id),
				});
				const results = answer.result ?? [];
				return [...results].sort((a, b) => Number(a.seq ?? 0) - Number(b.seq ?? 0));
			},
		}),
	);
	const identify = (r: MemberRecord): IDataObject => ({ programId: r.programId, leadId: r.leadId, ...r.call });
	return outcomeItems(context, outcomes, rejected, identify, (r, result) => {
		const json = recordResultJson(result);
		// seq is the record's place in one call: meaningless in the output
		delete json.seq;
		return { ...identify(r), ...json };
	});
}
