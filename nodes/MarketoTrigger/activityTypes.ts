import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { marketoClient } from '../Marketo/transport';
import type { MarketoClient } from '../Marketo/transport';

/** An activity type as `activities/types.json` describes it. */
export interface ActivityType {
	id: number;
	name: string;
	description?: string;
}

/** The instance's activity types (standard and custom), one call. */
export async function activityTypes(client: MarketoClient): Promise<ActivityType[]> {
	const answer = await client.request<ActivityType>({ method: 'GET', path: '/rest/v1/activities/types.json' });
	return answer.result ?? [];
}

/** Activity type id -> name, for the items of New Activity. */
export async function activityTypeNames(client: MarketoClient): Promise<Record<string, string>> {
	return Object.fromEntries((await activityTypes(client)).map((t) => [String(t.id), t.name]));
}

/** The picker of the New Activity event: the instance's activity types by name. */
export async function getActivityTypes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return (await activityTypes(await marketoClient(this)))
		.map((t) => ({ name: t.name, value: t.id, description: t.description || `Activity type ${t.id}` }))
		.sort((a, b) => a.name.localeCompare(b.name));
}
