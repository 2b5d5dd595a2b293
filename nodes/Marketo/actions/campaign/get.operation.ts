import type { IDataObject } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { forEachCheckedItem } from '../shared/items';
import { InputError } from '../shared/values';
import { campaignId, campaignLocator } from './fields';

export const get: OperationDeclaration = {
	value: 'get',
	name: 'Get',
	action: 'Get a smart campaign',
	description: 'Get one smart campaign by ID or URL, or picked from the list',
	properties: [campaignLocator('Smart campaign to get', 'searchCampaigns')],
	execute: async (context) => {
		const { fn, client } = context;
		return await forEachCheckedItem(
			context,
			(i) => campaignId(fn, i),
			async (id) => {
				const answer = await client.request<IDataObject>({
					method: 'GET',
					path: `/rest/v1/campaigns/${id}.json`,
					errorHint: `'Campaign': campaign ${id}.`,
					acceptCodes: ['1013', '702'],
				});
				const campaign = answer.success ? answer.result?.[0] : undefined;
				if (!campaign) throw new InputError(`'Campaign': no smart campaign with ID ${id}`);
				return campaign;
			},
		);
	},
};
