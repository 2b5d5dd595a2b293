import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { describeProgramMembers } from '../actions/shared/programs';
import type { ProgramMemberField } from '../actions/shared/programs';
import { marketoClient } from '../transport';

const fieldOption = (f: ProgramMemberField): INodePropertyOptions => ({
	name: f.displayName && f.displayName !== f.name ? `${f.displayName} (${f.name})` : f.name,
	value: f.name,
	description: f.dataType,
});

/** Pickers for the Program Member resource, filled from the instance's program member describe and channels. */
export const programLoadOptions = {
	/** Fields Marketo can filter program members by (single-field search keys of the describe). */
	async getProgramMemberSearchableFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		const describe = await describeProgramMembers(await marketoClient(this));
		const single = new Set((describe.searchableFields ?? []).filter((keys) => keys.length === 1).map((keys) => keys[0]));
		return (describe.fields ?? []).filter((f) => single.has(f.name)).map(fieldOption);
	},

	async getProgramMemberFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return ((await describeProgramMembers(await marketoClient(this))).fields ?? []).map(fieldOption);
	},

	async getUpdateableProgramMemberFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return ((await describeProgramMembers(await marketoClient(this))).fields ?? []).filter((f) => f.updateable === true).map(fieldOption);
	},

	/** The statuses of the chosen program's channel, in progression order (its channel is read from the program). */
	async getProgramStatuses(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		const raw = this.getCurrentNodeParameter('program', { extractValue: true }) as unknown;
		const id = String(raw ?? '').trim();
		if (!/^\d+$/.test(id)) return [];
		const client = await marketoClient(this);
		const program = (await client.request<IDataObject>({ method: 'GET', path: `/rest/asset/v1/program/${id}.json`, acceptCodes: ['702'] })).result?.[0];
		if (!program) throw new NodeOperationError(this.getNode(), `No program with ID ${id}`);
		const channel = (await client.request<IDataObject>({ method: 'GET', path: '/rest/asset/v1/channel/byName.json', qs: { name: String(program.channel) }, acceptCodes: ['702'] })).result?.[0];
		const statuses = (channel?.progressionStatuses as Array<{ name: string; step?: number; success?: boolean; hidden?: boolean }> | undefined) ?? [];
		return statuses
			.filter((s) => !s.hidden)
			.sort((a, b) => (a.step ?? 0) - (b.step ?? 0))
			.map((s) => ({ name: s.name, value: s.name, description: `Step ${s.step ?? 0} of channel ${String(program.channel)}${s.success ? ' (success)' : ''}` }));
	},
};
