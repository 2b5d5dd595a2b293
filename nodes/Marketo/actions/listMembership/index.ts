import type { ResourceDeclaration } from '../types';
import { getLeads } from './getLeads.operation';
import { memberCall } from './memberCall';

export const listMembership: ResourceDeclaration = {
	value: 'listMembership',
	name: 'List Membership',
	description: 'Leads in static lists: add, remove, check, read',
	operations: [
		memberCall({
			value: 'add',
			name: 'Add Leads',
			action: 'Add leads to a static list',
			description: 'Add leads to a static list',
			method: 'POST',
			suffix: '/leads.json',
		}),
		memberCall({
			value: 'isMember',
			name: 'Check Membership',
			action: 'Check whether leads are in a static list',
			description: 'Tell for each lead whether it is a member of the list (memberof / notmemberof)',
			method: 'GET',
			suffix: '/leads/ismember.json',
		}),
		getLeads,
		memberCall({
			value: 'remove',
			name: 'Remove Leads',
			action: 'Remove leads from a static list',
			description: 'Remove leads from a static list',
			method: 'DELETE',
			suffix: '/leads.json',
		}),
	],
	defaultOperation: 'add',
};
