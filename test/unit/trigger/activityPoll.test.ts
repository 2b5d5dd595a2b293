import { activityWatch } from '../../../nodes/MarketoTrigger/activityEvents';
import {
	activitiesToFire,
	activityKey,
	changedValue,
	distinctLeadIds,
	newestActivity,
	RECENT_GUIDS,
	sinceDatetime,
} from '../../../nodes/MarketoTrigger/activityPoll';
import type { ActivityWatchState, MarketoActivity } from '../../../nodes/MarketoTrigger/activityPoll';

const activity = (guid: number, typeId = 12, extra: Partial<MarketoActivity> = {}): MarketoActivity => ({
	marketoGUID: String(guid),
	id: guid,
	leadId: 1000 + (guid % 7),
	activityDate: new Date(Date.UTC(2026, 11, 2, 10, 0, guid)).toISOString().replace('.000', ''),
	activityTypeId: typeId,
	...extra,
});

describe('activity trigger poll logic', () => {
	const all = () => true;

	it('fires each activity once across polls whose reads overlap, in Marketo order, and keeps the last token', () => {
		let state: ActivityWatchState = { token: 'T0', recent: [] };
		const first = activitiesToFire(state, [activity(1), activity(2), activity(3)], all, 'T3');
		expect(first.fire.map(activityKey)).toEqual(['1', '2', '3']);
		expect(first.next.token).toBe('T3');
		state = first.next;
		// Marketo hands back the activities of the boundary second again: they do not fire twice
		const second = activitiesToFire(state, [activity(3), activity(4), activity(4)], all, 'T5');
		expect(second.fire.map(activityKey)).toEqual(['4']);
		expect(second.next.recent).toEqual(['1', '2', '3', '4']);
	});

	it('remembers at most RECENT_GUIDS fired activities, the latest ones', () => {
		const read = Array.from({ length: RECENT_GUIDS + 250 }, (_, i) => activity(i + 1));
		const { fire, next } = activitiesToFire({ token: 'T0', recent: ['old'] }, read, all, 'T9');
		expect(fire).toHaveLength(RECENT_GUIDS + 250);
		expect(next.recent).toHaveLength(RECENT_GUIDS);
		expect(next.recent.at(-1)).toBe(String(RECENT_GUIDS + 250));
		expect(next.recent).not.toContain('old');
	});

	it('keeps what the state carries besides token and GUIDs (the watched types)', () => {
		const { next } = activitiesToFire({ token: 'T0', recent: [], types: [{ id: 12, name: 'New Lead' }] }, [activity(1)], all, 'T1');
		expect(next.types).toEqual([{ id: 12, name: 'New Lead' }]);
	});

	it('an activity without marketoGUID is identified by id, lead, type and date', () => {
		const a = activity(5, 12, { marketoGUID: undefined });
		expect(activityKey(a)).toBe(`5|${a.leadId}|12|${a.activityDate}`);
	});

	it('gives a lead change as changedField, oldValue, newValue', () => {
		expect(changedValue(activity(8, 13, { fields: [{ id: 48, name: 'firstName', oldValue: 'Ana', newValue: 'Anna' }] }))).toEqual({
			changedField: 'firstName',
			oldValue: 'Ana',
			newValue: 'Anna',
		});
		expect(changedValue(activity(9, 12))).toEqual({});
	});

	it('looks each lead up once', () => {
		expect(distinctLeadIds([activity(1), activity(8), activity(2), activity(15)])).toEqual([1001, 1002]);
	});

	it('picks the newest activity for Fetch Test Event and writes sinceDatetime to the second', () => {
		expect(newestActivity([activity(3), activity(9), activity(4)])?.marketoGUID).toBe('9');
		expect(newestActivity([])).toBeUndefined();
		expect(sinceDatetime(Date.UTC(2026, 11, 2, 14, 25, 7, 900))).toBe('2026-12-02T14:25:07Z');
	});
});

describe('activity events: what is read and what fires', () => {
	it('New Lead reads type 12 with the default lead fields', () => {
		const watch = activityWatch('newLead', {});
		expect(watch).toMatchObject({ read: { activityTypeIds: [12] }, typeIds: [12], leadFields: ['email', 'firstName', 'lastName', 'company'] });
		expect([watch.matches(activity(1, 12)), watch.matches(activity(2, 13))]).toEqual([true, false]);
	});

	it('Lead Changed reads lead changes of the watched fields; New Lead records there do not fire', () => {
		const watch = activityWatch('leadChanged', { fieldsToWatch: ['firstName', 'company'], leadFields: ['email'] });
		expect(watch).toMatchObject({ read: { fields: ['firstName', 'company'] }, typeIds: [13], leadFields: ['email'] });
		const change = (name: string) => activity(3, 13, { fields: [{ id: 1, name, oldValue: 'a', newValue: 'b' }] });
		expect([watch.matches(change('company')), watch.matches(change('lastName')), watch.matches(activity(4, 12))]).toEqual([true, false, false]);
		expect(() => activityWatch('leadChanged', { fieldsToWatch: [] })).toThrow("'Watched Field Names or IDs' is empty");
	});

	it('Form Filled Out: a form ID is filtered by Marketo (assetIds), a name here, also inside a program', () => {
		const byId = activityWatch('formFilledOut', { form: '1043' });
		expect(byId.read).toEqual({ activityTypeIds: [2], assetIds: [1043] });
		expect(byId.matches(activity(1, 2, { primaryAttributeValueId: 1043 }))).toBe(true);
		const byName = activityWatch('formFilledOut', { form: 'Contact Us' });
		expect(byName.read.assetIds).toBeUndefined();
		const filled = (name: string) => activity(2, 2, { primaryAttributeValue: name });
		expect(['Contact Us', 'Webinar 2026.contact us', 'Contact Us 2'].map((n) => byName.matches(filled(n)))).toEqual([true, true, false]);
		expect(activityWatch('formFilledOut', { form: '' }).matches(filled('anything'))).toBe(true);
	});

	it('Added to List: the list is the primary asset (assetIds), never listId', () => {
		const watch = activityWatch('addedToList', { list: '1021' });
		expect(watch.read).toEqual({ activityTypeIds: [24], assetIds: [1021] });
		expect([watch.matches(activity(1, 24, { primaryAttributeValueId: 1021 })), watch.matches(activity(2, 24, { primaryAttributeValueId: 1022 }))]).toEqual([true, false]);
		expect(activityWatch('addedToList', { list: '' }).read.assetIds).toBeUndefined();
		expect(() => activityWatch('addedToList', { list: 'abc' })).toThrow("'List' must be a Marketo ID");
	});

	it('New Activity: 1 to 10 types, optionally members of a list', () => {
		const watch = activityWatch('newActivity', { activityTypeIds: [1, 2, '46'], list: '1021' });
		expect(watch.read).toEqual({ activityTypeIds: [1, 2, 46], listId: 1021 });
		expect([watch.matches(activity(1, 46)), watch.matches(activity(2, 12))]).toEqual([true, false]);
		expect(() => activityWatch('newActivity', { activityTypeIds: [] })).toThrow("'Activity Type Names or IDs' is empty");
		expect(() => activityWatch('newActivity', { activityTypeIds: Array.from({ length: 11 }, (_, i) => i + 1) })).toThrow('at most 10');
	});
});
