import type { INodeProperties } from 'n8n-workflow';

import { leadIdField, returnAllAndLimit, staticListLocator } from '../shared/fields';

/** Fields of Activity > Get Many. */
export const getManyFields: INodeProperties[] = [
	{
		displayName: 'Activity Type Names or IDs',
		name: 'activityTypeIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getActivityTypes' },
		required: true,
		default: [],
		description:
			'Kinds of activity to read, at most 10 (e.g. Fill Out Form, Visit Webpage, Add to List). Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Since',
		name: 'since',
		type: 'dateTime',
		required: true,
		default: '',
		placeholder: "e.g. {{ $now.minus(1, 'day') }}",
		description:
			'Activities from this moment on, oldest first, e.g. 2026-12-01T00:00:00Z. Give a time zone (Z or +01:00) to be exact: a date without one is read in the time zone of the machine n8n runs on.',
	},
	{
		displayName: 'Leads',
		name: 'leadFilter',
		type: 'options',
		options: [
			{ name: 'All Leads', value: 'all', description: 'Activities of every lead' },
			{ name: 'Lead IDs', value: 'leadIds', description: 'Activities of the leads of the input items' },
			{ name: 'Members of a Static List', value: 'list', description: 'Activities of the leads in a static list' },
		],
		default: 'all',
		description: 'Whose activities to read',
	},
	{
		...leadIdField(
			'Lead whose activities to read. The leads of all input items are read together, 30 per call, and each activity comes out paired to the item of its lead.',
		),
		displayOptions: { show: { leadFilter: ['leadIds'] } },
	},
	{
		...staticListLocator('Static list whose members\u2019 activities are read. From 30 December 2026 Marketo refuses lists of 10,000 leads or more here.'),
		displayOptions: { show: { leadFilter: ['list'] } },
	},
	...returnAllAndLimit(),
];
