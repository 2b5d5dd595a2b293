/**
 * The instance's activity types (read once per execution) and activities as output items: the type's name, the
 * primary attribute's name, and every attribute as a plain field a spreadsheet can take, next to the raw ones.
 */
import type { IDataObject } from 'n8n-workflow';

import type { MarketoClient } from '../../transport';
import type { ActivityRecord } from './activityLog';
import { once } from './marketoData';

export interface ActivityType {
	id: number;
	name: string;
	description?: string;
	primaryAttribute?: { name: string; dataType: string };
	attributes?: Array<{ name: string; dataType: string }>;
}

const typesByClient = new WeakMap<MarketoClient, Promise<ActivityType[]>>();

/** `GET /rest/v1/activities/types.json`, once per client (so once per execution, whatever the number of items). */
export async function activityTypes(client: MarketoClient): Promise<ActivityType[]> {
	return await once(typesByClient, client, async () => {
		const answer = await client.request<ActivityType>({ method: 'GET', path: '/rest/v1/activities/types.json' });
		return answer.result ?? [];
	});
}

/** Keys Marketo's activity record itself uses; an attribute of the same name goes in as `attribute: <name>`. */
const RECORD_KEYS = new Set([
	'id',
	'marketoGUID',
	'leadId',
	'activityDate',
	'activityTypeId',
	'activityType',
	'campaignId',
	'primaryAttributeName',
	'primaryAttributeValueId',
	'primaryAttributeValue',
	'attributes',
	'fields',
]);

/**
 * One activity as an output item: `activityType` (the type's name) and `primaryAttributeName` (e.g. "Webform ID")
 * from the instance's types, then each attribute as `name: value` (e.g. "Client IP Address": "10.0.0.1"); the raw
 * `attributes` array stays, as does `fields` for lead changes.
 */
export function activityItem(activity: ActivityRecord, types: Map<number, ActivityType>): IDataObject {
	const type = types.get(Number(activity.activityTypeId));
	const json: IDataObject = {
		marketoGUID: activity.marketoGUID,
		id: activity.id,
		leadId: activity.leadId,
		activityDate: activity.activityDate,
		activityTypeId: activity.activityTypeId,
		activityType: type?.name,
		campaignId: activity.campaignId,
		primaryAttributeName: type?.primaryAttribute?.name,
		primaryAttributeValueId: activity.primaryAttributeValueId,
		primaryAttributeValue: activity.primaryAttributeValue,
	};
	for (const key of Object.keys(json)) if (json[key] === undefined) delete json[key];
	for (const attribute of activity.attributes ?? []) {
		const key = RECORD_KEYS.has(attribute.name) ? `attribute: ${attribute.name}` : attribute.name;
		json[key] = attribute.value;
	}
	json.attributes = activity.attributes ?? [];
	if (activity.fields) json.fields = activity.fields;
	return json;
}

export function typesById(types: ActivityType[]): Map<number, ActivityType> {
	return new Map(types.map((t) => [Number(t.id), t]));
}
