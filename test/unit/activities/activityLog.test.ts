/** The shared activity-log reader against a scripted Marketo: the corners the sandbox does not produce. */
import { readActivities } from '../../../nodes/Marketo/actions/shared/activityLog';
import { ok, scriptedMarketo } from '../helpers/fakeMarketo';

const activity = (n: number) => ({ id: n, marketoGUID: String(n), leadId: 1, activityDate: '2026-12-01T00:00:00Z', activityTypeId: 2, attributes: [] });
const param = (url: string, name: string) => new URL(url).searchParams.get(name);

describe('readActivities', () => {
	it('goes on through empty pages while moreResult is true, and keeps the token of the last answer', async () => {
		const m = scriptedMarketo((r, call) => {
			if (r.url.includes('pagingtoken')) return ok([], { nextPageToken: 'P0' });
			// T1: empty but more; T2: one record but more; T3: the end, with no token in the answer
			if (call === 2) return ok([], { nextPageToken: 'P1', moreResult: true });
			if (call === 3) return ok([activity(7)], { nextPageToken: 'P2', moreResult: true });
			return ok([activity(8)], { moreResult: false });
		});
		const read = await m.clock.run(readActivities(m.client, { sinceDatetime: '2026-12-01T00:00:00Z', activityTypeIds: [2, 1], leadIds: [5, 6] }));
		expect(read.activities.map((a) => a.id)).toEqual([7, 8]);
		expect(read).toMatchObject({ nextPageToken: 'P2', moreResult: false, pages: 3 });
		expect(m.requests.map((r) => param(r.url, 'nextPageToken'))).toEqual([null, 'P0', 'P1', 'P2']);
		expect(param(m.requests[1].url, 'activityTypeIds')).toBe('2,1');
		expect(param(m.requests[1].url, 'leadIds')).toBe('5,6');
		expect(param(m.requests[0].url, 'sinceDatetime')).toBe('2026-12-01T00:00:00Z');
	});

	it('gives up, saying why, when Marketo keeps answering the same empty page with "more"', async () => {
		const m = scriptedMarketo(() => ok([], { nextPageToken: 'SAME', moreResult: true }));
		await expect(m.clock.run(readActivities(m.client, { nextPageToken: 'SAME', activityTypeIds: [2] }))).rejects.toThrow(/same empty activity page 3 times/);
		expect(m.requests).toHaveLength(3);
	});

	it('stops after maxPages with the token to go on from', async () => {
		const m = scriptedMarketo((_r, call) => ok([activity(call)], { nextPageToken: `T${call}`, moreResult: true }));
		const read = await m.clock.run(readActivities(m.client, { nextPageToken: 'T0', activityTypeIds: [2], maxPages: 2 }));
		expect(read).toMatchObject({ nextPageToken: 'T2', moreResult: true, pages: 2 });
	});

	it('refuses more than 10 types or 30 leads before any call', async () => {
		const m = scriptedMarketo(() => ok([]));
		await expect(readActivities(m.client, { nextPageToken: 'T', activityTypeIds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] })).rejects.toThrow(/1 to 10 activity types/);
		await expect(readActivities(m.client, { nextPageToken: 'T', activityTypeIds: [1], leadIds: Array.from({ length: 31 }, (_, i) => i + 1) })).rejects.toThrow(
			/at most 30 leads/,
		);
		expect(m.requests).toHaveLength(0);
	});
});
