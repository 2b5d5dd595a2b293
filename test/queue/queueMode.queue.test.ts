/**
 * n8n queue mode: one main process, four `n8n worker` processes (one execution each), Redis and PostgreSQL, and four
 * executions started at once by production webhook calls, each adding 30,000 lead ids to one static list. Marketo's
 * limits belong to the instance, so the four workers (each with its own limiter and token) share 100 calls per window
 * and 10 in flight in the sandbox. The figures (time against the ideal, share of 606/615 answers) are printed and
 * reported by `npm run bench -- queue-mode`; the test holds the outcome: where the executions ran, every id added,
 * every item paired with its Marketo status.
 *
 * Sandbox time scale 0.25 (a 5 s window instead of 20 s): 400 calls need at least 15 s instead of 60 s.
 */
import { describeSandbox, NEEDS_SANDBOX } from '../e2e/rig';
import { int, ratio, seconds } from '../../bench/lib';
import { runListLoad, type ListLoadResult } from './listLoad';

const EXECUTIONS = 4;
const IDS_PER_EXECUTION = 30_000;
const TIME_SCALE = 0.25;
/** Each call held 0.5 s, taken as Marketo's time for a 300-id list call, scaled like the window. */
const LATENCY_MS = Math.round(500 * TIME_SCALE);

describeSandbox(NEEDS_SANDBOX.seeds)('queue mode: 4 executions at once on 4 workers, one Marketo instance', () => {
	let result: ListLoadResult;

	beforeAll(async () => {
		result = await runListLoad({
			executions: EXECUTIONS,
			idsPerExecution: IDS_PER_EXECUTION,
			timeScale: TIME_SCALE,
			latencyMs: LATENCY_MS,
			log: (message) => process.stderr.write(`[queue] ${message}\n`),
		});
		const c = result.calls;
		process.stderr.write(
			`[queue] ${int(c.calls)} Add Leads calls (${int(c.rate606)} answered 606, ${int(c.conc615)} answered 615: ` +
				`${(((c.rate606 + c.conc615) / Math.max(1, c.calls)) * 100).toFixed(1)} %), ${int(result.tokenCalls)} token calls; ` +
				`calls spanned ${seconds(c.spanMs)} against an ideal of ${seconds(result.idealMs)} (${ratio(c.spanMs / result.idealMs)}), ` +
				`webhook calls answered after ${seconds(result.wallMs)} (window ${result.windowSeconds} s)\n`,
		);
	});

	it('runs every execution on a worker, each on a different one, enqueued by the main process', () => {
		const ids = result.answers.map((a) => a.summary?.executionId);
		expect(result.answers.map((a) => a.status)).toEqual(Array(EXECUTIONS).fill(200));
		expect(new Set(ids).size).toBe(EXECUTIONS);
		for (const id of ids) {
			expect(result.enqueuedByMain).toContain(id);
			expect(result.executionWorkers.get(id!)).toHaveLength(1);
		}
		const workers = ids.map((id) => result.executionWorkers.get(id!)![0]);
		expect(new Set(workers).size).toBe(EXECUTIONS);
		expect(result.finishedOnWorkers.sort()).toEqual([...(ids as string[])].sort());
	});

	it('adds all 120,000 ids to the list: every item comes back "added", none failed', () => {
		for (const answer of result.answers) {
			expect(answer.summary).toMatchObject({ items: IDS_PER_EXECUTION, byStatus: { added: IDS_PER_EXECUTION } });
		}
		expect(result.missingMembers).toBe(0);
		// every id went to Marketo once, in full batches of 300: retries after 606/615 resent only refused calls
		expect(result.calls.records).toBe(EXECUTIONS * IDS_PER_EXECUTION);
		expect(result.calls.otherErrors).toBe(0);
	});
});
