import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { isOutcomeUnknown, MAX_BATCH, sendInRounds } from '../../transport';
import { partitionNameField } from '../shared/fields';
import { collectEntries, errorItem, outcomeItems } from '../shared/items';
import type { RecordResult } from '../shared/items';
import { leadPartitions, partitionNamed, unknownLeadFields } from '../shared/marketoData';
import { itemFieldReader, itemFieldsProperties } from '../shared/itemFields';
import { InputError } from '../shared/values';
import { columnMapperProperties, columnMapperReader, MAPPER_MODE, mappedLookupField, mapperModeOption } from './columnMapper';
import { recoverSync } from './recoverSync';
import type { LeadRecord } from './recoverSync';

/** The lead to send from one item's (name, value) pairs: plain values only. */
function leadFromEntries(entries: Array<[string, unknown]>): LeadRecord {
	const lead: LeadRecord = {};
	for (const [name, value] of entries) {
		if (value !== null && typeof value === 'object') {
			throw new InputError(`Field '${name}' holds an object or a list; Marketo lead fields take text, numbers, booleans or dates. Map it to a plain value or add it to 'Fields to Ignore'.`);
		}
		lead[name] = value === undefined ? null : (value as string | number | boolean | null);
	}
	if (Object.keys(lead).length === 0) throw new InputError('The item has no fields to send to Marketo');
	return lead;
}

export const createOrUpdate: OperationDeclaration = {
	value: 'upsert',
	name: 'Create or Update',
	action: 'Create or update leads',
	// n8n's wording for every upsert operation; the Action field below says what Marketo's sync does
	description: 'Create a new record, or update the current one if it already exists (upsert)',
	properties: [
		{
			displayName: 'If the Lead Exists',
			name: 'action',
			type: 'options',
			options: [
				{ name: 'Update It (Create New Ones)', value: 'createOrUpdate', description: 'Update the lead found by the lookup field; create the leads not found', action: 'Create or update a lead' },
				{ name: 'Skip It (Create New Ones Only)', value: 'createOnly', description: 'Create new leads; a lead that already exists is skipped', action: 'Create new leads only' },
				{ name: 'Update It (Never Create)', value: 'updateOnly', description: 'Update existing leads; a lead not found is skipped', action: 'Update existing leads only' },
				{ name: 'Create a Duplicate', value: 'createDuplicate', description: 'Always create a new lead, even if one with the same lookup value exists', action: 'Always create a new lead' },
			],
			default: 'createOrUpdate',
			description: 'What Marketo does when a lead with the same lookup value already exists',
		},
		{
			displayName: 'Lookup Field Name or ID',
			name: 'lookupField',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getSearchableFields' },
			default: 'email',
			description: 'Field that identifies an existing lead (usually email; "ID" means update only). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			displayOptions: { hide: { action: ['createDuplicate'], dataMode: [MAPPER_MODE] } },
		},
		partitionNameField(false, 'Partition new leads are created in, and existing leads are looked up in. Leave empty for the API user\'s default partition.'),
		...itemFieldsProperties({
			autoMap: 'Send every field of the input item',
			fieldsMethod: 'getUpdateableLeadFields',
			fieldDescription: 'Marketo lead field.',
			valueDescription: 'Value to set; an empty value clears the field',
			ignoreDescription: 'Comma-separated input fields not to send to Marketo',
			moreModes: [mapperModeOption],
		}),
		...columnMapperProperties,
	],
	execute: async (context) => {
		const { fn, client } = context;
		const action = fn.getNodeParameter('action', 0) as string;
		const mapped = fn.getNodeParameter('dataMode', 0, 'autoMap') === MAPPER_MODE;
		const chosenLookup = mapped ? mappedLookupField(fn) : (fn.getNodeParameter('lookupField', 0, 'email') as string);
		const lookupField = action === 'createDuplicate' ? undefined : chosenLookup;
		const partitionName = (fn.getNodeParameter('partitionName', 0, '') as string) || undefined;

		const fieldsOf = mapped ? await columnMapperReader(fn, client, lookupField) : itemFieldReader(fn);
		const { entries, rejected } = collectEntries<LeadRecord>(context, (i) => {
			const lead = leadFromEntries(fieldsOf(i, context.items[i].json));
			if (lookupField) {
				const key = lead[lookupField];
				if (key === undefined || key === null || key === '') {
					throw new InputError(`The item has no value for the lookup field '${lookupField}'; Marketo needs it to find the lead`);
				}
			}
			return lead;
		});
		if (entries.length === 0) return outcomeItems(context, [], rejected, () => ({}));

		// unknown field names would fail a whole call of 300 leads (1006): name them now, before anything is sent;
		// with Continue On Fail only the items that carry them fail
		const unknown = new Set(await unknownLeadFields(client, entries.flatMap((e) => Object.keys(e.record))));
		const unknownIn = (lead: LeadRecord) => Object.keys(lead).filter((name) => unknown.has(name));
		for (const entry of unknown.size > 0 ? [...entries] : []) {
			const names = unknownIn(entry.record);
			if (names.length === 0) continue;
			const error = new NodeOperationError(fn.getNode(), `Not lead fields of this Marketo instance: ${names.map((n) => `'${n}'`).join(', ')}`, {
				itemIndex: entry.itemIndex,
				description: "Use Marketo's REST API field names (Admin > Field Management, or the list under 'Define Below'), or leave these out with 'Fields to Ignore'.",
			});
			if (!context.continueOnFail) throw error;
			rejected.set(entry.itemIndex, errorItem(error, entry.itemIndex));
			entries.splice(entries.indexOf(entry), 1);
		}
		if (entries.length === 0) return outcomeItems(context, [], rejected, () => ({}));
		const partition = partitionName ? partitionNamed(await leadPartitions(client), partitionName) : undefined;
		if (partitionName && !partition) {
			throw new NodeOperationError(fn.getNode(), `'Partition': no partition named "${partitionName}" on this instance`);
		}
		// Create Only and Create Duplicate make leads: sent twice, the second call skips or duplicates them
		const creating = action === 'createOnly' || action === 'createDuplicate' ? (action as 'createOnly' | 'createDuplicate') : undefined;

		// the same lookup value twice goes out in separate, consecutive calls (see sendInRounds); Marketo matches
		// emails regardless of case
		const lookupValue = (lead: LeadRecord) => (lookupField ? String(lead[lookupField]).toLowerCase() : undefined);
		const outcomes = await sendInRounds<LeadRecord, RecordResult>(entries, lookupValue, {
			size: MAX_BATCH,
			parallel: client.settings.maxConcurrent,
			continueOnFail: context.continueOnFail,
			send: async (input) => {
				const body: IDataObject = { action, input };
				if (lookupField) body.lookupField = lookupField;
				if (partition) body.partitionName = partition.name;
				const sent = client.request<RecordResult>({ method: 'POST', path: '/rest/v1/leads.json', body, repeatable: !creating });
				return await sent.then(
					(answer) => answer.result ?? [],
					async (error: unknown) => {
						if (!creating || !isOutcomeUnknown(error)) return await Promise.reject(error);
						const recovery = { client, unanswered: error, action: creating, field: lookupField ?? 'email', partitionId: partition?.id };
						return await recoverSync(recovery, input);
					},
				);
			},
		});
		return outcomeItems(context, outcomes, rejected, (lead) => (lookupField ? { [lookupField]: lead[lookupField] } : {}));
	},
};
