import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { activityTypes } from '../actions/shared/activityTypes';
import { leadPartitions, leadSchema } from '../actions/shared/marketoData';
import type { LeadField } from '../actions/shared/marketoData';
import { marketoClient } from '../transport';

function fieldOptions(fields: LeadField[]): INodePropertyOptions[] {
	return fields
		.map((f) => ({ name: f.displayName && f.displayName !== f.name ? `${f.displayName} (${f.name})` : f.name, value: f.name, description: f.dataType }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** Pickers filled from the user's Marketo instance. */
export const loadOptions = {
	async getPartitionNames(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		const partitions = await leadPartitions(await marketoClient(this));
		return partitions.map((p) => ({ name: p.name, value: p.name, description: p.description || `Partition ${p.id}` }));
	},

	/** For an optional partition: the API user's default partition (empty value) first, then the instance's. */
	async getPartitionNamesOrDefault(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		const named = await loadOptions.getPartitionNames.call(this);
		return [{ name: "Default (the API User's Partition)", value: '', description: 'Leave it to Marketo: the partition of the API user' }, ...named];
	},

	async getLeadFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return fieldOptions((await leadSchema(await marketoClient(this))).fields);
	},

	async getUpdateableLeadFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return fieldOptions((await leadSchema(await marketoClient(this))).fields.filter((f) => f.updateable !== false));
	},

	/** The instance's activity types, by name (standard and custom ones). */
	async getActivityTypes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		const types = await activityTypes(await marketoClient(this));
		return types
			.map((t) => ({ name: t.name, value: t.id, description: t.description || `Activity type ${t.id}` }))
			.sort((a, b) => a.name.localeCompare(b.name));
	},

	/** Fields Marketo can look leads up by (single-field search keys of describe2). */
	async getSearchableFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		const schema = await leadSchema(await marketoClient(this));
		const single = new Set(schema.searchableFields.filter((keys) => keys.length === 1).map((keys) => keys[0]));
		return fieldOptions(schema.fields.filter((f) => single.has(f.name)));
	},
};
