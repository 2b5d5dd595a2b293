import type { IDataObject, INode } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { isOutcomeUnknown, MarketoApiError } from '../../transport';
import { leadIdField } from '../shared/fields';
import { sendGrouped } from '../shared/grouped';
import { collectEntries, outcomeItems } from '../shared/items';
import type { RecordResult } from '../shared/items';
import { itemValueReader, readPerItem } from '../shared/parameters';
import { stillUnknown } from '../shared/recovery';
import { parseIdList } from '../shared/values';
import { campaignId, campaignLocator, myTokensField, readTokens } from './fields';
import type { MyToken } from './fields';

/** Marketo runs a requested campaign for at most 100 leads per call. */
export const MAX_REQUEST_LEADS = 100;

interface CampaignLead {
	campaignId: number;
	leadId: number;
	tokens: MyToken[];
}

const HOW_TO_MAKE_REQUESTABLE =
	"Only an active trigger campaign whose Smart List has the trigger 'Campaign is Requested' with Source 'Web Service API' can be requested. In Marketo, open the campaign, add that trigger on its Smart List tab, then activate the campaign on its Schedule tab. The Campaign list of this node offers only campaigns that can be requested.";

/**
 * Marketo refuses a campaign without the Campaign is Requested / Web Service API trigger (or inactive, or a batch
 * campaign) with 1003 and a terse message; say what is wrong and how to fix it in Marketo.
 */
function explainRefusal(node: INode, error: unknown, id: number): unknown {
	if (!(error instanceof MarketoApiError) || error.marketoCode !== '1003') return error;
	const marketoSays = error.message.replace(/^Marketo error \d+: /, '');
	return new MarketoApiError(node, {
		code: '1003',
		message: `campaign ${id} cannot be requested through the API: it must be active and have a 'Campaign is Requested' trigger with source 'Web Service API' (Marketo says: ${marketoSays})`,
		hint: HOW_TO_MAKE_REQUESTABLE,
	});
}

export const request: OperationDeclaration = {
	value: 'request',
	name: 'Request',
	action: 'Run a smart campaign for leads',
	description: "Run leads through a trigger campaign's flow (100 leads per call, across all input items)",
	properties: [
		campaignLocator("Trigger campaign to run. It must be active and have a 'Campaign is Requested' trigger with source 'Web Service API'.", 'searchRequestableCampaigns'),
		leadIdField('ID of the lead to run through the campaign.'),
		myTokensField,
	],
	execute: async (context) => {
		const { fn, client } = context;
		const node = fn.getNode();
		const leadIdOf = itemValueReader(fn, 'leadId', context.items);
		const campaignOf = readPerItem(fn, 'campaign', (i) => campaignId(fn, i));
		const tokensOf = readPerItem(fn, 'tokens', (i) => readTokens(fn, i));
		const { entries, rejected } = collectEntries<CampaignLead>(context, (i) => {
			const campaign = campaignOf(i);
			const tokens = tokensOf(i);
			return parseIdList(leadIdOf(i), 'Lead ID').map((leadId) => ({ campaignId: campaign, leadId, tokens }));
		});
		// one call carries one campaign and one set of tokens: items that share both share calls
		const outcomes = await sendGrouped<CampaignLead, RecordResult>(
			entries,
			(r) => `${r.campaignId}|${JSON.stringify(r.tokens)}`,
			({ campaignId: id, tokens }) => ({
				size: MAX_REQUEST_LEADS,
				parallel: client.settings.maxConcurrent,
				// a lead named twice for the same run is sent once, and both items get its outcome
				keyOf: (r) => String(r.leadId),
				continueOnFail: context.continueOnFail,
				send: async (leads) => {
					try {
						await client.request({
							method: 'POST',
							// it runs the campaign's flow (emails, score changes): never sent twice blindly
							repeatable: false,
							path: `/rest/v1/campaigns/${id}/trigger.json`,
							body: { input: { leads: leads.map((l) => ({ id: l.leadId })), ...(tokens.length ? { tokens } : {}) } },
							errorHint: `'Campaign': campaign ${id}.`,
						});
					} catch (error) {
						if (isOutcomeUnknown(error)) {
							throw stillUnknown(
								node,
								error,
								`Request Campaign ${id} for ${leads.length} leads got no answer`,
								"Marketo keeps no record of API requests that the node could read. Look at the campaign's Results tab (or the leads' activity log) in Marketo to see whether these leads ran through it before requesting them again.",
							);
						}
						throw explainRefusal(node, error, id);
					}
					// Marketo answers the call, not each lead: every lead in it was handed to the campaign
					return leads.map((): RecordResult => ({ status: 'requested' }));
				},
			}),
		);
		const identify = (r: CampaignLead): IDataObject => ({ campaignId: r.campaignId, leadId: r.leadId });
		return outcomeItems(context, outcomes, rejected, identify);
	},
};
