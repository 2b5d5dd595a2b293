/** Marketo's standard activity types, as Get Activity Types describes them (a subset of a real instance's list). */

export interface ActivityAttributeDef {
	name: string;
	dataType: string;
}

export interface ActivityTypeDef {
	id: number;
	name: string;
	description: string;
	primaryAttribute?: ActivityAttributeDef;
	attributes: ActivityAttributeDef[];
}

const str = (name: string): ActivityAttributeDef => ({ name, dataType: 'string' });
const int = (name: string): ActivityAttributeDef => ({ name, dataType: 'integer' });

const WEB = [str('Client IP Address'), str('Query Parameters'), str('Referrer URL'), str('User Agent')];
const EMAIL_RUN = [int('Campaign Run ID'), int('Choice Number'), int('Step ID')];
const EMAIL_DEVICE = [str('Device'), { name: 'Is Mobile Device', dataType: 'boolean' }, str('Platform'), str('User Agent')];
const API_CHANGE = [str('Api Method Name'), str('Modifying User'), str('Request Id'), str('Source')];

export const ACTIVITY_TYPES: ActivityTypeDef[] = [
	{
		id: 1,
		name: 'Visit Webpage',
		description: 'User visits a web page',
		primaryAttribute: int('Webpage ID'),
		attributes: [...WEB, str('Search Engine'), str('Search Query'), str('Webpage URL')],
	},
	{
		id: 2,
		name: 'Fill Out Form',
		description: 'User fills out and submits form on web page',
		primaryAttribute: int('Webform ID'),
		attributes: [str('Client IP Address'), { name: 'Form Fields', dataType: 'text' }, str('Query Parameters'), str('Referrer URL'), str('User Agent'), int('Webpage ID')],
	},
	{ id: 3, name: 'Click Link', description: 'User clicks link on a page', primaryAttribute: int('Link ID'), attributes: [...WEB, int('Webpage ID')] },
	{ id: 6, name: 'Send Email', description: 'Send Marketo Email to a person', primaryAttribute: int('Mailing ID'), attributes: EMAIL_RUN },
	{ id: 7, name: 'Email Delivered', description: 'Marketo Email is delivered to a person', primaryAttribute: int('Mailing ID'), attributes: EMAIL_RUN },
	{
		id: 8,
		name: 'Email Bounced',
		description: 'Marketo Email bounces',
		primaryAttribute: int('Mailing ID'),
		attributes: [...EMAIL_RUN, str('Category'), str('Details'), str('Email'), str('Subcategory')],
	},
	{ id: 9, name: 'Unsubscribe Email', description: 'Person unsubscribes from Marketo Emails', primaryAttribute: int('Mailing ID'), attributes: [...EMAIL_RUN, ...WEB] },
	{ id: 10, name: 'Open Email', description: 'Person opens Marketo Email', primaryAttribute: int('Mailing ID'), attributes: [...EMAIL_RUN, ...EMAIL_DEVICE] },
	{ id: 11, name: 'Click Email', description: 'Person clicks on a link in a Marketo Email', primaryAttribute: int('Mailing ID'), attributes: [...EMAIL_RUN, ...EMAIL_DEVICE, str('Link')] },
	{
		id: 12,
		name: 'New Lead',
		description: 'New person/record is added to the lead database',
		attributes: [{ name: 'Created Date', dataType: 'date' }, str('Form Name'), str('Lead Source'), str('List Name'), str('SFDC Type'), str('Source Type'), ...API_CHANGE],
	},
	{
		id: 13,
		name: 'Change Data Value',
		description: 'Changed attribute value for a person',
		primaryAttribute: int('Attribute Name'),
		attributes: [str('New Value'), str('Old Value'), str('Reason'), ...API_CHANGE],
	},
	{ id: 22, name: 'Change Score', description: 'Change score value for a person', primaryAttribute: int('Score Name'), attributes: [str('Change Value'), int('New Value'), int('Old Value'), str('Reason')] },
	{ id: 24, name: 'Add to List', description: 'Person is added to a list', primaryAttribute: int('List ID'), attributes: API_CHANGE },
	{ id: 25, name: 'Remove from List', description: 'Person is removed from a list', primaryAttribute: int('List ID'), attributes: API_CHANGE },
	{ id: 46, name: 'Interesting Moment', description: 'Interesting moment', primaryAttribute: int('Milestone ID'), attributes: [str('Description'), str('Source'), str('Type')] },
	{ id: 104, name: 'Change Status in Progression', description: 'Change a person\u2019s program status', primaryAttribute: int('Program ID'), attributes: [str('Acquired By'), str('New Status'), str('Old Status'), str('Reason'), str('Success')] },
];

const BY_ID = new Map(ACTIVITY_TYPES.map((t) => [t.id, t]));

export function activityType(id: number): ActivityTypeDef | undefined {
	return BY_ID.get(id);
}

/** Forms of the sandbox instance: Fill Out Form activities name one of them as their primary attribute value. */
export const FORMS: { id: number; name: string }[] = [
	{ id: 1001, name: 'Contact Us Form' },
	{ id: 1002, name: 'Webinar Registration Form' },
	{ id: 1003, name: 'Newsletter Signup Form' },
];

/** Primary attribute an added activity gets when it names none: a form, a page, an email of the sandbox. */
export const DEFAULT_PRIMARY: Record<number, { id: number; value: string }> = {
	1: { id: 71, value: 'www.sandbox.example.com/pricing.html' },
	2: { id: FORMS[0].id, value: FORMS[0].name },
	3: { id: 81, value: 'www.sandbox.example.com/download.pdf' },
	6: { id: 2001, value: 'Summer Webinar - Invitation' },
	7: { id: 2001, value: 'Summer Webinar - Invitation' },
	8: { id: 2001, value: 'Summer Webinar - Invitation' },
	9: { id: 2001, value: 'Summer Webinar - Invitation' },
	10: { id: 2001, value: 'Summer Webinar - Invitation' },
	11: { id: 2001, value: 'Summer Webinar - Invitation' },
	22: { id: 60, value: 'Lead Score' },
	46: { id: 3, value: 'Web' },
	104: { id: 1034, value: 'Summer Webinar' },
};
