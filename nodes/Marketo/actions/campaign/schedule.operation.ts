import type { IDataObject, INode } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { isOutcomeUnknown } from '../../transport';
import { forEachCheckedItem } from '../shared/items';
import { stillUnknown } from '../shared/recovery';
import { isoDateTime } from '../shared/values';
import { campaignId, campaignLocator, myTokensField, readTokens } from './fields';

/** An unanswered schedule may have been made: say where to look before scheduling again. */
function scheduleFailure(node: INode, error: unknown, id: number): unknown {
	if (!isOutcomeUnknown(error)) return error;
	return stillUnknown(node, error, `Schedule Campaign ${id} got no answer`, "Look at the campaign's Schedule tab in Marketo to see whether the run was scheduled before scheduling it again.");
}

export const schedule: OperationDeclaration = {
	value: 'schedule',
	name: 'Schedule',
	action: 'Schedule a batch smart campaign',
	description: 'Schedule a batch campaign to run at a given time, with My Tokens for that run (one call per item)',
	properties: [
		campaignLocator('Batch campaign to schedule', 'searchCampaigns'),
		{
			displayName: 'Run At',
			name: 'runAt',
			type: 'dateTime',
			default: '',
			description: 'When the campaign runs. Empty: now, which for Marketo means in five minutes (the earliest it runs a campaign scheduled through the API). At most two years ahead.',
		},
		myTokensField,
		{
			displayName: 'Clone to Program Name',
			name: 'cloneToProgramName',
			type: 'string',
			default: '',
			placeholder: 'e.g. Summer Webinar - June Rerun',
			description:
				"Optional. Marketo first copies the campaign's program, with all its assets, under this new name and schedules the copy's campaign. Marketo allows 20 such calls a day; programs with static lists, snippets or reports cannot be copied this way.",
		},
	],
	execute: async (context) => {
		const { fn, client } = context;
		return await forEachCheckedItem(
			context,
			(i) => ({
				id: campaignId(fn, i),
				runAt: isoDateTime(fn.getNodeParameter('runAt', i, ''), 'Run At'),
				tokens: readTokens(fn, i),
				cloneToProgramName: String(fn.getNodeParameter('cloneToProgramName', i, '') ?? '').trim() || undefined,
			}),
			async ({ id, runAt, tokens, cloneToProgramName }) => {
				const input: IDataObject = {};
				if (runAt) input.runAt = runAt;
				if (tokens.length) input.tokens = tokens;
				if (cloneToProgramName) input.cloneToProgramName = cloneToProgramName;
				let answer;
				try {
					answer = await client.request<IDataObject>({
						method: 'POST',
						// a second schedule is a second run of the whole campaign
						repeatable: false,
						path: `/rest/v1/campaigns/${id}/schedule.json`,
						body: { input },
						errorHint: `'Campaign': campaign ${id} (only a batch campaign can be scheduled).`,
					});
				} catch (error) {
					throw scheduleFailure(fn.getNode(), error, id);
				}
				const scheduled = answer.result?.[0]?.id;
				return { campaignId: id, scheduled: true, scheduledCampaignId: scheduled ?? id, runAt: runAt ?? null, ...(cloneToProgramName ? { cloneToProgramName } : {}) };
			},
		);
	},
};
