import { MAX_ACTIVITY_TYPES } from '../Marketo/actions/shared/activityLog';
import { InputError, parseId } from '../Marketo/actions/shared/values';
import type { MarketoActivity } from './activityPoll';

/** The trigger's events on leads and their activities (the bulk job events live in exportJobs.ts/importBatches.ts). */
export const ACTIVITY_EVENTS = ['newLead', 'leadChanged', 'formFilledOut', 'addedToList', 'newActivity'] as const;
export type ActivityEvent = (typeof ACTIVITY_EVENTS)[number];

export function isActivityEvent(event: string): event is ActivityEvent {
	return (ACTIVITY_EVENTS as readonly string[]).includes(event);
}

/** Marketo's standard activity types the fixed events watch (ids are the same in every instance). */
export const ACTIVITY_TYPE = { fillOutForm: 2, newLead: 12, changeDataValue: 13, addToList: 24 } as const;

export const DEFAULT_TRIGGER_LEAD_FIELDS = ['email', 'firstName', 'lastName', 'company'];

/** The node's settings for an activity event, as read from its parameters (before any check). */
export interface ActivitySettings {
	leadFields?: unknown;
	fieldsToWatch?: unknown;
	form?: unknown;
	list?: unknown;
	activityTypeIds?: unknown;
}

/** What to read from Marketo for an event: activity types (or, for lead changes, fields) and Marketo's filters. */
export interface ActivityRead {
	/** `activities.json` (1 to 10 types) */
	activityTypeIds?: number[];
	/** `activities/leadchanges.json` instead: the lead fields whose changes are read */
	fields?: string[];
	/** only activities whose primary asset is this form or list */
	assetIds?: number[];
	/** only activities of members of this static list */
	listId?: number;
}

/** What to read for an event, and which of the activities read fire. */
export interface ActivityWatch {
	event: ActivityEvent;
	read: ActivityRead;
	/** the activity types that can fire (their names go in the items) */
	typeIds: number[];
	/** the event's test on an activity Marketo returned (what the read cannot filter by itself) */
	matches: (activity: MarketoActivity) => boolean;
	/** lead fields to attach to each item (`id` is always there) */
	leadFields: string[];
	/** how the user would say it, for messages: "form fill-out" */
	noun: string;
}

function textList(value: unknown): string[] {
	const parts = Array.isArray(value) ? value.map(String) : String(value ?? '').split(',');
	return [...new Set(parts.map((p) => p.trim()).filter((p) => p !== ''))];
}

/** An optional static list (the list picker, an ID, or a pasted URL's id): undefined when left empty. */
function optionalListId(value: unknown, field: string): number | undefined {
	const text = typeof value === 'string' ? value.trim() : value;
	if (text === undefined || text === null || text === '') return undefined;
	return parseId(text, field);
}

/** A form given by ID (filtered by Marketo) or by name (compared here, also as `<program>.<name>` for program forms). */
function formMatcher(value: unknown): { assetId?: number; matches: (a: MarketoActivity) => boolean } {
	const text = String(value ?? '').trim();
	if (text === '') return { matches: () => true };
	if (/^\d+$/.test(text)) {
		const id = parseId(text, 'Form');
		return { assetId: id, matches: (a) => Number(a.primaryAttributeValueId) === id };
	}
	const name = text.toLowerCase();
	return {
		matches: (a) => {
			const filled = String(a.primaryAttributeValue ?? '').toLowerCase();
			return filled === name || filled.endsWith(`.${name}`);
		},
	};
}

/**
 * The watch for an event, checked before any call: each problem names the field to correct. `activityTypeIds`
 * only for New Activity (1 to 10 types), `fieldsToWatch` only for Lead Changed (at least one).
 */
export function activityWatch(event: ActivityEvent, settings: ActivitySettings): ActivityWatch {
	const picked = textList(settings.leadFields);
	const leadFields = picked.length > 0 ? picked : DEFAULT_TRIGGER_LEAD_FIELDS;
	const base = { event, leadFields };
	switch (event) {
		case 'newLead':
			return {
				...base,
				read: { activityTypeIds: [ACTIVITY_TYPE.newLead] },
				typeIds: [ACTIVITY_TYPE.newLead],
				matches: (a) => a.activityTypeId === ACTIVITY_TYPE.newLead,
				noun: 'new lead',
			};
		case 'leadChanged': {
			const fields = textList(settings.fieldsToWatch);
			if (fields.length === 0) throw new InputError("'Watched Field Names or IDs' is empty: choose at least one lead field whose changes start the workflow");
			// Marketo's lead changes also include New Lead activities: only changes of a watched field fire
			const watched = new Set(fields.map((f) => f.toLowerCase()));
			return {
				...base,
				read: { fields },
				typeIds: [ACTIVITY_TYPE.changeDataValue],
				matches: (a) => a.activityTypeId === ACTIVITY_TYPE.changeDataValue && (a.fields ?? []).some((f) => watched.has(String(f.name).toLowerCase())),
				noun: `change of ${fields.join(', ')}`,
			};
		}
		case 'formFilledOut': {
			const form = formMatcher(settings.form);
			return {
				...base,
				read: { activityTypeIds: [ACTIVITY_TYPE.fillOutForm], assetIds: form.assetId === undefined ? undefined : [form.assetId] },
				typeIds: [ACTIVITY_TYPE.fillOutForm],
				matches: (a) => a.activityTypeId === ACTIVITY_TYPE.fillOutForm && form.matches(a),
				noun: 'form fill-out',
			};
		}
		case 'addedToList': {
			// the list a lead was added to is the activity's primary asset: `assetIds`, not `listId` (members of a list)
			const listId = optionalListId(settings.list, 'List');
			return {
				...base,
				read: { activityTypeIds: [ACTIVITY_TYPE.addToList], assetIds: listId === undefined ? undefined : [listId] },
				typeIds: [ACTIVITY_TYPE.addToList],
				matches: (a) => a.activityTypeId === ACTIVITY_TYPE.addToList && (listId === undefined || Number(a.primaryAttributeValueId) === listId),
				noun: 'addition to a list',
			};
		}
		case 'newActivity': {
			const types = textList(settings.activityTypeIds).map((t) => parseId(t, 'Activity Type Names or IDs'));
			if (types.length === 0) throw new InputError("'Activity Type Names or IDs' is empty: choose at least one activity type");
			if (types.length > MAX_ACTIVITY_TYPES) {
				throw new InputError(`'Activity Type Names or IDs' has ${types.length} types: Marketo reads at most ${MAX_ACTIVITY_TYPES} per call, so choose ${MAX_ACTIVITY_TYPES} or fewer (or use a second trigger)`);
			}
			const listId = optionalListId(settings.list, 'Only Members of List');
			const wanted = new Set(types);
			return {
				...base,
				read: { activityTypeIds: types, listId },
				typeIds: types,
				matches: (a) => wanted.has(Number(a.activityTypeId)),
				noun: 'activity of the chosen types',
			};
		}
	}
}
