import { DailyBudgetError, describeReset, nextCentralMidnight, resetUsage, sendInBatches } from '../../../nodes/Marketo/transport';
import { ok, scriptedMarketo } from '../helpers/fakeMarketo';

const USAGE = '/rest/v1/stats/usage.json';
const leads = { method: 'GET' as const, path: '/rest/v1/leads.json' };

/** A Marketo whose daily count is `others` (other integrations) plus every call this client made before. */
function instanceWithUsage(budget: number, others: (reading: number) => number) {
	resetUsage();
	let counted = 0;
	let readings = 0;
	const m = scriptedMarketo(
		(request) => {
			if (request.url.includes(USAGE)) {
				readings++;
				const total = counted + others(readings);
				counted++;
				return ok([{ date: '2026-12-02', total, users: [] }]);
			}
			counted++;
			return ok([{ id: 1 }]);
		},
		{ settings: { dailyBudget: budget } },
	);
	return { ...m, readings: () => readings, counted: () => counted };
}

describe('daily call budget', () => {
	it.each([
		['2026-12-02T14:25:00Z', '2026-12-03T06:00:00.000Z'], // winter: CST, UTC-6
		['2026-07-01T12:00:00Z', '2026-07-02T05:00:00.000Z'], // summer: CDT, UTC-5
		['2026-03-08T05:30:00Z', '2026-03-08T06:00:00.000Z'], // 23:30 CST the evening before daylight saving starts
		['2026-03-08T06:30:00Z', '2026-03-09T05:00:00.000Z'], // 00:30 CST on the day it starts
		['2026-11-01T04:30:00Z', '2026-11-01T05:00:00.000Z'], // 23:30 CDT, the evening before it ends
		['2026-11-01T12:00:00Z', '2026-11-02T06:00:00.000Z'], // the day it ends
	])('at %s Marketo’s quota resets at %s (midnight America/Chicago)', (now, reset) => {
		expect(new Date(nextCentralMidnight(Date.parse(now))).toISOString()).toBe(reset);
	});

	it('says when the quota resets in the workflow’s time zone and in US Central time', () => {
		expect(describeReset(Date.parse('2026-12-02T14:25:00Z'), 'Europe/Berlin')).toBe(
			'Dec 3, 2026, 7:00 AM Europe/Berlin time, Dec 3, 2026, 12:00 AM US Central time (midnight), in 15.6 hours',
		);
		expect(describeReset(Date.parse('2026-12-03T05:30:00Z'), 'America/Chicago')).toBe('Dec 3, 2026, 12:00 AM US Central time (midnight), in 30 minutes');
	});

	it('reads Marketo’s count first and stops before the call that would cross the budget, never after it', async () => {
		const m = instanceWithUsage(10, () => 5);
		const sent: number[] = [];
		let failure: unknown;
		await m.clock.run(
			(async () => {
				try {
					for (let i = 0; i < 10; i++) {
						await m.client.request(leads);
						sent.push(i);
					}
				} catch (error) {
					failure = error;
				}
			})(),
		);
		// 5 calls of others + the reading + 4 calls = 10: the budget, reached exactly
		expect(m.readings()).toBe(1);
		expect(sent).toHaveLength(4);
		expect(5 + m.counted()).toBe(10);
		expect(failure).toBeInstanceOf(DailyBudgetError);
		expect((failure as Error).message).toBe(
			'Daily Call Budget reached: 10 of the 10 Marketo API calls allowed today have been used on this instance, so the next call was not sent',
		);
		expect((failure as DailyBudgetError).description).toMatch(/resets .*US Central time \(midnight\)/);
	});

	it('reads the count again every 200 calls, so that other integrations’ calls in between are seen', async () => {
		// the other integrations spend 100 calls between two readings
		const m = instanceWithUsage(1000, (reading) => 100 * (reading - 1));
		let failure: unknown;
		await m.clock.run(
			(async () => {
				try {
					for (;;) await m.client.request(leads);
				} catch (error) {
					failure = error;
				}
			})(),
		);
		expect(failure).toBeInstanceOf(DailyBudgetError);
		// readings before calls 1, 201, 401, 601: the 4th says 603 of ours + 300 of others, then 96 more calls
		expect(m.readings()).toBe(4);
		expect(m.counted() + 300).toBe(1000);
	});

	it('with Continue On Fail, every batch not sent carries the budget error, paired to its items', async () => {
		const m = instanceWithUsage(5, () => 0);
		const entries = Array.from({ length: 8 }, (_v, itemIndex) => ({ itemIndex, record: { id: itemIndex } }));
		const outcomes = await m.clock.run(
			sendInBatches(entries, { size: 1, parallel: 1, continueOnFail: true, send: async () => (await m.client.request(leads)).result ?? [] }),
		);
		// the reading + 4 batches = 5
		expect(outcomes.map((o) => (o.error ? 'budget' : 'sent'))).toEqual(['sent', 'sent', 'sent', 'sent', 'budget', 'budget', 'budget', 'budget']);
		for (const outcome of outcomes.slice(4)) expect(outcome.error).toBeInstanceOf(DailyBudgetError);
		expect(m.counted()).toBe(5);
	});

	it('without a budget, never reads the count', async () => {
		const m = instanceWithUsage(10, () => 0);
		const plain = scriptedMarketo(() => ok([{ id: 1 }]));
		await plain.clock.run(plain.client.request(leads));
		expect(plain.requests.map((r) => new URL(r.url).pathname)).toEqual(['/rest/v1/leads.json']);
		expect(m.readings()).toBe(0);
	});
});
