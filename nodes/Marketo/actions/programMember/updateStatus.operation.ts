import type { OperationDeclaration } from '../types';
import { leadIdField } from '../shared/fields';
import { readPerItem } from '../shared/parameters';
import { programLocator } from '../shared/programs';
import { requireText } from '../shared/values';
import { writeMembers } from './memberWrite';

export const updateStatus: OperationDeclaration = {
	value: 'updateStatus',
	name: 'Update Status',
	action: 'Set the program status of leads',
	description: "Set leads' status in a program, adding them to it if needed (300 leads per call, across all input items)",
	properties: [
		programLocator('Program whose members to update'),
		{
			displayName: 'Status Name or ID',
			name: 'statusName',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getProgramStatuses', loadOptionsDependsOn: ['program.value'] },
			required: true,
			default: '',
			description:
				'Status from the program\'s channel, e.g. Registered or Attended for a webinar. A lead already at this status or a later one is skipped, not moved back. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		leadIdField('ID of the lead whose status to set.'),
	],
	execute: async (context) => {
		const { fn } = context;
		const statusOf = readPerItem(fn, 'statusName', (i) => requireText(fn.getNodeParameter('statusName', i), 'Status'));
		return await writeMembers(context, {
			// one call carries one status: items with different statuses go in different calls
			callOf: (i) => ({ statusName: statusOf(i) }),
			path: (id) => `/rest/v1/programs/${id}/members/status.json`,
			body: (input, call) => ({ statusName: call.statusName, input }),
			errorHint: (id) => `'Status': a status of the channel of program ${id}.`,
		});
	},
};
