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
