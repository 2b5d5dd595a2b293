/**
 * Ceiling: 90,000 lead ids added to a static list through the Marketo node (List Membership > Add Leads) in a real
 * n8n, against the sandbox with Marketo's limits on (100 calls per 20 s, 10 in flight). Marketo's limits allow
 * it in 300 calls; the table compares the node's time with the least time the rate limit allows for 300 calls,
 * with the credential at Marketo's full limit (100 / 20 s, 10 in flight) and at its default share (50 / 20 s, 5).
 *
 *   npx tsx bench/ceiling.ts                    real time (about 4 minutes)
 *   BENCH_TIME_SCALE=0.25 npx tsx bench/ceiling.ts
 *                                               every Marketo duration × 0.25 (5 s window), the credential's
 *                                               Rate Window set to match
 *   BENCH_LEADS=30000                           fewer ids
 *   BENCH_CEILING_RUNS=1,3                      only some of the runs (1: 100 / 20 s, 2: 50 / 20 s, 3: 100 / 20 s
 *                                               with 300 ids per item)
 */
import { describeFailure, itemsOf, type Workflow } from '../test/e2e/rig';
import {
	addLeadsWorkflow,
	DEFAULT_SHARE,
	envNumber,
	executeLarge,
	idealMs,
	int,
	logFigures,
	machine,
	main,
	MARKETO_LIMITS,
	MAX_BATCH,
	missingMembers,
	nodeTimeMs,
	progress,
	ratio,
	report,
	rigWithSettings,
	seconds,
	table,
	timeScale,
	WHOLE_LIMIT,
	type LimitSetting,
} from './lib';

const LIST_ID = 1021;

interface Run {
	setting: LimitSetting;
	/** ids per input item: 1 (one item per lead), or 300 (comma-separated, the "several IDs" form) */
	idsPerItem: number;
}

const RUNS: Run[] = [
	{ setting: WHOLE_LIMIT, idsPerItem: 1 },
	{ setting: DEFAULT_SHARE, idsPerItem: 1 },
	// the same calls with 300 times fewer parameter reads: what the transport alone achieves
	{ setting: WHOLE_LIMIT, idsPerItem: 300 },
];

main(async () => {
	const leads = envNumber('BENCH_LEADS', 90_000, (n) => Number.isInteger(n) && n > 0);
	const scale = timeScale(1);
	const windowSeconds = MARKETO_LIMITS.windowSeconds * scale;
	const idealCalls = Math.ceil(leads / MAX_BATCH);
	const only = (process.env.BENCH_CEILING_RUNS ?? '').split(',').filter(Boolean).map(Number);
	const runs = only.length ? RUNS.filter((_, i) => only.includes(i + 1)) : RUNS;

	const { rig, credentials } = await rigWithSettings([WHOLE_LIMIT, DEFAULT_SHARE], scale, { seedLeads: leads });
	try {
		const sandbox = rig.sandbox!;
		const workflows: Workflow[] = runs.map((run, i) =>
			addLeadsWorkflow(`Bench ceiling ${i + 1}`, credentials.get(run.setting)!, leads, LIST_ID, run.idsPerItem),
		);
		await rig.importWorkflows(workflows);

		const rows: string[][] = [];
		const notes: string[] = [];
		for (const [i, run] of runs.entries()) {
			const { setting } = run;
			const items = Math.ceil(leads / run.idsPerItem);
			const label = `${setting.label}; ${int(items)} items of ${run.idsPerItem === 1 ? '1 id' : `${run.idsPerItem} ids`}`;
			// a clean sandbox: empty rate window, log and list
			sandbox.reset();
			const load = machine();
			progress(`adding ${int(leads)} ids: ${label}`);
			const result = await executeLarge(rig, workflows[i].id, 9 * 60_000);
			if (!result.ok) throw new Error(`the workflow failed:\n${describeFailure(result)}`);

			const output = itemsOf(result, 'Marketo');
			const added = output.filter((item) => item.json.status === 'added').length;
			const missing = missingMembers(sandbox, LIST_ID, leads);

			const log = sandbox.requestLog;
			const writes = logFigures(log.filter((e) => e.path === `/rest/v1/lists/${LIST_ID}/leads.json`));
			const all = logFigures(log.filter((e) => e.path.startsWith('/rest/')));
			const tokens = log.filter((e) => e.path === '/identity/oauth/token').length;
			const nodeMs = nodeTimeMs(result, 'Marketo');
			// where the node's time went: before its first call, the calls, after its last answer
			const task = result.run!.data.resultData.runData.Marketo[0];
			const firstCall = Math.min(...log.filter((e) => e.path.startsWith('/rest/')).map((e) => Date.parse(e.time)));
			const before = firstCall - task.startTime;
			const after = task.startTime + task.executionTime - (firstCall + all.spanMs);
			const ideal100 = idealMs(idealCalls, 100, windowSeconds);
			const idealOwn = idealMs(idealCalls, setting.calls, windowSeconds);
			rows.push([
				label,
				`${int(all.calls)} + ${int(tokens)} token`,
				seconds(nodeMs),
				`${seconds(before)} + ${seconds(all.spanMs)} + ${seconds(after)}`,
				`${seconds(idealOwn, 0)}: ${ratio(nodeMs / idealOwn)}`,
				setting.calls === 100 ? '(same)' : `${seconds(ideal100, 0)}: ${ratio(nodeMs / ideal100)}`,
				int(all.rate606),
				int(all.conc615),
				`${int(added)} / ${int(leads)}`,
			]);
			notes.push(
				`${label}: ${int(writes.calls)} Add calls carrying ${int(writes.records)} ids, ${int(missing)} ids missing from the list; ` +
					`\`n8n execute\` took ${seconds(result.durationMs)} (boot included); machine: ${load}`,
			);
		}

		report(
			`Ceiling: ${int(leads)} lead ids added to a static list (ideal ${int(idealCalls)} calls)`,
			table(
				[
					'credential; input',
					'calls',
					`node time (sandbox at time scale ${scale}${scale === 1 ? ': real time' : ''})`,
					'before first call + calls + after last answer',
					'ideal at the credential’s rate: ratio',
					'ideal at 100 / 20 s: ratio',
					'606',
					'615',
					'output items “added”',
				],
				rows,
			),
			[
				scale === 1
					? 'Real time: the sandbox’s window is Marketo’s 20 s.'
					: `Sandbox time scale ${scale}: the rate window is ${windowSeconds} s instead of 20 s, and the credential’s Rate Window (Seconds) is ${windowSeconds} to match; multiply times by ${1 / scale} for real time.`,
				'Sandbox limits: 100 calls per window, 10 in flight, 5 ms processing per call. Ideal = (calls ÷ calls per window, rounded up, − 1) × window: the time the rate limit itself needs.',
				'Node time is n8n’s execution time of the Marketo node. Before the first call: token and reading every item’s List and Lead ID parameters (the List without an expression is read once, `{{ $json.id }}` straight from each item); after the last answer: one output item per id, paired to its input item.',
				...notes,
			],
		);
	} finally {
		await rig.dispose();
	}
});
