import { AdaptiveRate } from '../../../nodes/Marketo/transport/adaptiveRate';

/** The pace's decisions on their own, without a limiter or a simulated instance. */
const SHARE = { callsPerWindow: 50, maxConcurrent: 5, windowMs: 20_000 };

describe('AdaptiveRate', () => {
	it('cuts the first full window to exactly its part and later ones to 90 % of it', () => {
		const rate = new AdaptiveRate(SHARE);
		expect(rate.rateLimited(1_000, 25)).toBe(true);
		expect(rate.callsPerWindow()).toBe(25);
		// another 606 of the same moment: the same full window, no further cut
		expect(rate.rateLimited(1_020, 25)).toBe(false);
		expect(rate.callsPerWindow()).toBe(25);
		expect(rate.rateLimited(60_000, 25)).toBe(true);
		expect(rate.callsPerWindow()).toBe(22);
	});

	it('a process that had a part of the full window does not probe', () => {
		const rate = new AdaptiveRate(SHARE);
		rate.rateLimited(1_000, 25);
		expect(rate.mayProbe(30_000)).toBe(false);
	});

	it('a process refused with next to nothing of the full window probes a window later, one call at a time', () => {
		const rate = new AdaptiveRate(SHARE);
		rate.rateLimited(1_000, 1);
		expect(rate.callsPerWindow()).toBe(5);
		expect(rate.mayProbe(2_000)).toBe(false);
		expect(rate.mayProbe(21_000)).toBe(true);
		// each admitted probe keeps its slot in the pace
		rate.probeAdmitted();
		rate.probeAdmitted();
		expect(rate.callsPerWindow()).toBe(7);
		// a refused probe leaves the pace, and the next waits a window, then two
		rate.probeRefused(22_000);
		expect(rate.callsPerWindow()).toBe(7);
		expect(rate.mayProbe(41_000)).toBe(false);
		expect(rate.mayProbe(42_000)).toBe(true);
		rate.probeRefused(42_000);
		expect(rate.mayProbe(81_000)).toBe(false);
		expect(rate.mayProbe(82_000)).toBe(true);
	});

	it('before any refusal keeps 2 in 5 of its calls in flight, one more per tenth of its share admitted in its window', () => {
		const rate = new AdaptiveRate(SHARE);
		// answers of 500 ms: the pace alone would want all 5 in flight
		for (let i = 0; i < 10; i++) rate.answered(500);
		expect(rate.maxConcurrent(0)).toBe(2);
		expect(rate.maxConcurrent(29)).toBe(2);
		expect(rate.maxConcurrent(30)).toBe(3);
		expect(rate.maxConcurrent(49)).toBe(4);
		expect(rate.maxConcurrent(50)).toBe(5);
	});

	it("at Marketo's whole limit (alone by the credential's word) holds no calls in flight back before a refusal", () => {
		const rate = new AdaptiveRate({ callsPerWindow: 100, maxConcurrent: 10, windowMs: 20_000 });
		for (let i = 0; i < 10; i++) rate.answered(500);
		expect(rate.maxConcurrent(0)).toBe(10);
		rate.rateLimited(6_000, 40);
		// after a 606 it keeps the part of them that its pace is of its share
		expect(rate.maxConcurrent(40)).toBe(4);
	});

	it('after a 606 keeps the part of its calls in flight that its pace is of its share', () => {
		const rate = new AdaptiveRate(SHARE);
		for (let i = 0; i < 10; i++) rate.answered(500);
		rate.rateLimited(6_000, 25);
		// 25 of 50 calls: 2 of 5 in flight (floor), however full its window
		expect(rate.maxConcurrent(25)).toBe(2);
		const larger = new AdaptiveRate(SHARE);
		for (let i = 0; i < 10; i++) larger.answered(500);
		larger.rateLimited(6_000, 40);
		expect(larger.maxConcurrent(40)).toBe(4);
	});

	it('waits 3 clean windows after the first cut before it climbs, then by half of what is left up to its share', () => {
		const rate = new AdaptiveRate(SHARE);
		rate.rateLimited(1_000, 25);
		// windows in which it used all its calls without a refusal (each counted when the next begins)
		for (let window = 1; window <= 3; window++) {
			rate.waited('rate', 1_000 + window * 20_000);
			expect(rate.callsPerWindow()).toBe(25);
		}
		rate.waited('rate', 1_000 + 4 * 20_000);
		expect(rate.callsPerWindow()).toBe(37);
	});

	it('stops probing once a cut finds it with more than the floor in the window', () => {
		const rate = new AdaptiveRate(SHARE);
		rate.rateLimited(1_000, 1);
		// still at the floor a window later: the others still fill the window
		rate.rateLimited(30_000, 5);
		expect(rate.mayProbe(51_000)).toBe(true);
		rate.rateLimited(60_000, 20);
		expect(rate.mayProbe(200_000)).toBe(false);
	});
});
