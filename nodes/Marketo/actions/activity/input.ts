import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { MAX_ACTIVITY_TYPES } from '../shared/activityLog';
import type { ActivityType } from '../shared/activityTypes';
import { staticListId } from '../shared/lists';
import { itemValueReader, readPerItem } from '../shared/parameters';
import { InputError, isoDateTime, parseIdList } from '../shared/values';

/** What one input item asks of Activity > Get Many, checked. */
export interface ActivityInput {
	activityTypeIds: number[];
	sinceDatetime: string;
	listId?: number;
	/** empty: every lead */
	leadIds: number[];
	returnAll: boolean;
	limit: number;
}

/**
 * Reads and checks one item's fields before any activity is read: 1 to 10 types the instance has, a date, lead IDs
 * or a list when asked for. Errors name the field.
 */
export function readActivityInput(
	fn: IExecuteFunctions,
	items: INodeExecutionData[],
	types: Map<number, ActivityType>,
): (itemIndex: number) => ActivityInput {
	const typesOf = readPerItem(fn, 'activityTypeIds', (i) => fn.getNodeParameter('activityTypeIds', i, []));
	const sinceOf = readPerItem(fn, 'since', (i) => fn.getNodeParameter('since', i, ''));
	const filterOf = readPerItem(fn, 'leadFilter', (i) => fn.getNodeParameter('leadFilter', i, 'all') as string);
	const leadIdsOf = itemValueReader(fn, 'leadId', items);
	const listOf = readPerItem(fn, 'list', (i) => staticListId(fn, i));
	return (i) => {
		const raw = typesOf(i);
		const activityTypeIds = [...new Set(parseIdList(raw, 'Activity Type Names or IDs'))];
		if (activityTypeIds.length > MAX_ACTIVITY_TYPES) {
			throw new InputError(`'Activity Type Names or IDs': Marketo reads at most ${MAX_ACTIVITY_TYPES} types at a time; ${activityTypeIds.length} are chosen`);
		}
		const unknown = activityTypeIds.filter((id) => !types.has(id));
		if (unknown.length) {
			throw new InputError(`'Activity Type Names or IDs': ${unknown.join(', ')} ${unknown.length > 1 ? 'are not activity types' : 'is not an activity type'} of this Marketo instance`);
		}
		const sinceDatetime = isoDateTime(sinceOf(i), 'Since');
		if (!sinceDatetime) throw new InputError("'Since' is empty: give the date and time to read activities from");
		const filter = filterOf(i);
		const returnAll = fn.getNodeParameter('returnAll', i, false) as boolean;
		return {
			activityTypeIds,
			sinceDatetime,
			listId: filter === 'list' ? listOf(i) : undefined,
			leadIds: filter === 'leadIds' ? [...new Set(parseIdList(leadIdsOf(i), 'Lead ID'))] : [],
			returnAll,
			limit: returnAll ? 0 : (fn.getNodeParameter('limit', i, 50) as number),
		};
	};
}
