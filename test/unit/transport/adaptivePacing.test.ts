import { resetLimiters, resetTokens } from '../../../nodes/Marketo/transport';
import { FakeClock } from '../helpers/fakeClock';
import { countIn, keepBusy, sendCalls, SimulatedInstance } from '../helpers/simulatedInstance';

/**
 * Adaptive pacing against one simulated Marketo instance (100 calls per 20 s sliding window, 10 in flight, 250 ms
 * per call) on a fake clock: several processes, each with its own limiter and each allowed the instance's whole
 * limit, must settle on fair shares with almost no 606; one process alone must still run at the limit.
 */
const WINDOW = 20_000;

function fresh(): { clock: FakeClock; instance: SimulatedInstance } {
	resetLimiters();
	resetTokens();
	const clock = new FakeClock();
	return { clock, instance: new SimulatedInstance(clock) };
}

/** Runs `processes` processes, each keeping 10 calls going, for `windows` windows; figures over the second half. */
async function shareAmong(processes: number, windows: number) {
	const { clock, instance } = fresh();
	const start = clock.now();
	const end = start + windows * WINDOW;
	const names = Array.from({ length: processes }, (_v, i) => `worker-${i + 1}`);
	await clock.run(Promise.all(names.map(async (name) => await keepBusy(instance.processClient(name), clock, 10, end))));
	// converged: the second half of the run
	const from = start + (windows / 2) * WINDOW;
	const perProcess = names.map((name) => countIn(instance.tally(name).admittedAt, from, end));
	const refused = names.reduce((sum, name) => sum + countIn(instance.tally(name).rate606At, from, end), 0);
	const admitted = perProcess.reduce((a, b) => a + b, 0);
	return { perProcess, admitted, refused, capacity: (windows / 2) * 100, tallies: names.map((name) => instance.tally(name)) };
}

describe('adaptive pacing (fake clock, simulated instance)', () => {
	it('one process alone reaches the limit: no 606, at most 1.05 × the ideal time at the whole limit, 1.1 × at the default share', async () => {
		for (const share of [
			{ callsPerWindow: 100, maxConcurrent: 10 },
			{ callsPerWindow: 50, maxConcurrent: 5 },
		]) {
			const { clock, instance } = fresh();
			const calls = 400;
			const start = clock.now();
			await clock.run(sendCalls(instance.processClient('alone', share), share.maxConcurrent, calls));
			const elapsed = clock.now() - start;
			// Marketo's limits allow one window's calls every window; the last window's calls take their own time
			const ideal = (Math.ceil(calls / share.callsPerWindow) - 1) * WINDOW + (share.callsPerWindow / share.maxConcurrent) * instance.limits.latencyMs;
			const tally = instance.tally('alone');
			process.stdout.write(`alone, share ${share.callsPerWindow}, 250 ms: ${calls} calls in ${(elapsed / 1000).toFixed(1)} s (${(elapsed / ideal).toFixed(3)} × the ideal)\n`);
			expect({ admitted: tally.admitted, rate606: tally.rate606, conc615: tally.conc615 }).toEqual({ admitted: calls, rate606: 0, conc615: 0 });
			// below Marketo's whole limit, before any refusal it keeps 2 in 5 of its share's calls in flight, more as its calls
			// fill the window: at these 250 ms answers its first window's calls take a few seconds more to send, and every
			// window repeats that rhythm (measured 1.03 × at share 50; 1.02 × at Marketo's whole limit, which holds nothing
			// back; 1.05 × at most for both before that start, which had 615s where processes started together)
			expect(elapsed / ideal).toBeLessThanOrEqual(share.callsPerWindow < 100 ? 1.1 : 1.05);
		}
	});

	// 300 simulated windows take 5 to 20 s of a loaded machine's time
	it.each([2, 4])('%i processes each allowed the whole limit converge on fair shares, few answered 606', async (processes) => {
		const { perProcess, admitted, refused, capacity, tallies } = await shareAmong(processes, 300);
		const fair = admitted / processes;
		process.stdout.write(
			`${processes} processes, windows 150-300: admitted ${perProcess.join(' / ')} (fair ${fair.toFixed(0)}), ${(admitted / capacity * 100).toFixed(1)} % of the limit used, ${refused} × 606 (${((refused / (admitted + refused)) * 100).toFixed(2)} %), 615 in all: ${tallies.map((t) => t.conc615).join(' / ')}\n`,
		);
		// every process probes one call above its part per clean window, and a probe that finds the instance full is one
		// refusal: 2 processes stay under 1 %, 4 under 2 % (measured 0.73 % and 1.86 %); the short runs the goals
		// are about are in adaptivePacingRuns.test.ts. Which process takes a freed slot first is left to chance (see
		// limiter.ts), so shares wander within 30 % of equal (measured 26 % at most with 4: with the first climb after 3
		// clean windows they mix more slowly; 12 % and 22 % with earlier pacing)
		for (const count of perProcess) {
			expect(count).toBeGreaterThanOrEqual(fair * 0.7);
			expect(count).toBeLessThanOrEqual(fair * 1.3);
		}
		expect(refused / (admitted + refused)).toBeLessThanOrEqual(processes <= 2 ? 0.01 : 0.02);
		// the instance stays well used: adaptation must not starve it
		expect(admitted / capacity).toBeGreaterThanOrEqual(0.6);
		// nothing failed: every call was eventually admitted
		for (const tally of tallies) expect(tally.sent).toBe(tally.admitted + tally.rate606 + tally.conc615);

	}, 180_000);

	it.each([
		{ callsPerWindow: 50, maxConcurrent: 5 },
		{ callsPerWindow: 100, maxConcurrent: 10 },
	])('beside a foreign client using 60 of 100 calls per window (share $callsPerWindow): ≤ 1 % of our calls answered 606', async (share) => {
		const { clock, instance } = fresh();
		const start = clock.now();
		// the foreign client has been running for a window already when the node starts
		const foreign = instance.foreignClient('foreign', 60, start + 40 * WINDOW);
		const node = (async () => {
			await clock.sleep(WINDOW);
			await keepBusy(instance.processClient('node', share), clock, share.maxConcurrent, start + 40 * WINDOW);
		})();
		await clock.run(Promise.all([foreign, node]));
		const tally = instance.tally('node');
		expect(tally.rate606 / tally.sent).toBeLessThanOrEqual(0.01);
		// it still gets a useful part of the 40 calls per window left
		expect(tally.admitted / (39 * 40)).toBeGreaterThanOrEqual(0.5);
		process.stdout.write(
			`beside a foreign client at 60 / window, share ${share.callsPerWindow}: ${tally.admitted} calls admitted in 39 windows (${(tally.admitted / 39).toFixed(1)} per window of the 40 left), ${tally.rate606} × 606 of ${tally.sent} (${((tally.rate606 / tally.sent) * 100).toFixed(2)} %), ${tally.conc615} × 615\n`,
		);
	});
});
