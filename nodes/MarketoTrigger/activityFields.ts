import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { staticListLocator } from '../Marketo/actions/shared/fields';
import { MAX_ACTIVITY_TYPES } from '../Marketo/actions/shared/activityLog';
import type { ActivityEvent } from './activityEvents';

/** The activity events in the trigger's Event list. */
export const activityEventOptions: INodePropertyOptions[] = [
	{ name: 'New Lead', value: 'newLead', description: 'A lead was created in Marketo (by a form, an import, a sync, by hand)' },
	{ name: 'Lead Changed', value: 'leadChanged', description: 'One of the chosen lead fields changed value' },
	{ name: 'Form Filled Out', value: 'formFilledOut', description: 'A lead filled out a Marketo form (any form, or one you name)' },
	{ name: 'Added to List', value: 'addedToList', description: 'A lead was added to a static list (any list, or one you pick)' },
	{ name: 'New Activity', value: 'newActivity', description: `A lead has a new activity of up to ${MAX_ACTIVITY_TYPES} types you choose` },
];

const show = (...events: ActivityEvent[]) => ({ show: { event: events } });

/** An optional static list picker: the package's list picker, left empty for any list. */
function optionalList(displayName: string, description: string, events: ActivityEvent[]): INodeProperties {
	return { ...staticListLocator(description), displayName, required: false, displayOptions: show(...events) };
}

/** The fields of the activity events (the node adds the Event list itself). */
export const activityFields: INodeProperties[] = [
	{
		displayName: 'Watched Field Names or IDs',
		name: 'fieldsToWatch',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getLeadFields' },
		required: true,
		default: [],
		description: 'A change of any of these lead fields starts the workflow, once per change. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: show('leadChanged'),
	},
	{
		displayName: 'Form',
		name: 'form',
		type: 'string',
		default: '',
		placeholder: 'e.g. Contact Us or 1043',
		description:
			"Only fill-outs of this form: its name as Marketo shows it, or its ID (from the form's URL in Marketo). A form inside a program matches by its own name too. Leave empty for any form.",
		displayOptions: show('formFilledOut'),
	},
	optionalList('List', 'Only additions to this static list. Leave empty for additions to any static list.', ['addedToList']),
	{
		displayName: 'Activity Type Names or IDs',
		name: 'activityTypeIds',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getActivityTypes' },
		required: true,
		default: [],
		description: 'The activities that start the workflow (at most 10), from your instance\'s standard and custom activity types. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: show('newActivity'),
	},
	optionalList(
		'Only Members of List',
		'Only activities of leads who are members of this static list. Leave empty for all leads. Adobe announced that from 2026-12-30 Marketo refuses this filter (error 1003) for a list of 10,000 leads or more: use it with smaller lists only.',
		['newActivity'],
	),
	{
		displayName: 'Lead Field Names or IDs',
		name: 'leadFields',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getLeadFields' },
		default: ['email', 'firstName', 'lastName', 'company'],
		description: 'Fields of the lead to put in each item (under "lead"), read in one call per 300 leads. Empty: email, first name, last name and company. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		displayOptions: show('newLead', 'leadChanged', 'formFilledOut', 'addedToList', 'newActivity'),
	},
];
