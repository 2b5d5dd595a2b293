/**
 * Queue mode: n8n main + 4 workers (Redis, PostgreSQL), 4 executions at once, each adding 30,000 lead ids to one static
 * list (120,000 ids, 400 calls), the sandbox enforcing Marketo's per-instance limits (100 calls per window, 10 in
 * flight). Each worker paces itself at the credential's default share (50 / window, 5 in flight) without knowing of
 * the others: together they ask for twice what Marketo allows, and adapt their pace to the 606/615 answers (or, with
 * the credential's 'Adapt Pace to Other Integrations' off, keep it). One row per pacing mode, each in a fresh cluster
 * (test/queue/listLoad.ts, the same load `npm run test:queue` checks).
 *
 *   npx tsx bench/queue-mode.ts                       Marketo's real 20 s window (a row took 5 to 9 minutes on a busy
 *                                                     2-core machine, about 2 of them booting the cluster)
 *   BENCH_TIME_SCALE=0.25 npx tsx bench/queue-mode.ts a 5 s window (the time scale of npm run test:queue)
 *   BENCH_LEADS=12000                                 ids per execution
 *   BENCH_QUEUE_MODES=1,3                             only some of the rows (1 adaptive, 2 fixed, 3 a quarter share)
 */
import { runListLoad, type ListLoadResult } from '../test/queue/listLoad';
import { envNumber, int, machine, main, preparePackage, progress, ratio, report, seconds, table, timeScale } from './lib';

const EXECUTIONS = 4;

/** The pacing modes compared; each row runs in a fresh cluster. */
const MODES: Array<{ label: string; credential: Record<string, unknown> }> = [
	{ label: 'adaptive pace (credential default)', credential: { adaptivePacing: true } },
	{ label: 'fixed share (Adapt Pace to Other Integrations off)', credential: { adaptivePacing: false } },
	{ label: 'a quarter of the limits each: 25 / window, 2 in flight (adaptive)', credential: { rateLimitCalls: 25, maxConcurrent: 2, adaptivePacing: true } },
];

function percent(part: number, whole: number): string {
	return `${((part / Math.max(1, whole)) * 100).toFixed(1)} %`;
}

main(async () => {
	const ids = envNumber('BENCH_LEADS', 30_000, (n) => Number.isInteger(n) && n > 0);
	const scale = timeScale(1);
	await preparePackage();
	const rows: string[][] = [];
	const loads: string[] = [];
	const errorNotes: string[] = [];
	let last: ListLoadResult | undefined;
	const only = (process.env.BENCH_QUEUE_MODES ?? '').split(',').filter(Boolean).map(Number);
	for (const mode of only.length ? MODES.filter((_, i) => only.includes(i + 1)) : MODES) {
		progress(`${mode.label}: ${EXECUTIONS} executions × ${int(ids)} ids`);
		loads.push(machine());
		const r = await runListLoad({
			executions: EXECUTIONS,
			idsPerExecution: ids,
			timeScale: scale,
			latencyMs: Math.round(500 * scale),
			credential: mode.credential,
			log: progress,
		});
		last = r;
		const errors = new Map<string, number>();
		for (const a of r.answers) for (const [message, n] of Object.entries(a.summary?.errors ?? {})) errors.set(message, (errors.get(message) ?? 0) + n);
		for (const [message, n] of errors) errorNotes.push(`${mode.label}: ${int(n)} items failed with “${message}”.`);
		const paces = r.perWindow.map((w) => `${w.admitted}${w.rate606 + w.conc615 ? ` (+${w.rate606}×606, ${w.conc615}×615)` : ''}`);
		errorNotes.push(`${mode.label}: calls admitted per ${r.windowSeconds} s window: ${paces.join(', ')}.`);
		for (const a of r.answers.filter((answer) => !answer.summary)) errorNotes.push(`${mode.label}: an execution failed as a whole (HTTP ${a.status}: ${a.text.slice(0, 300)}).`);
		const failed = r.answers.reduce((sum, a) => sum + (a.summary ? a.summary.items - (a.summary.byStatus.added ?? 0) : ids), 0);
		const workers = new Set([...r.executionWorkers.values()].flat()).size;
		const c = r.calls;
		rows.push([
			mode.label,
			`${workers} / ${EXECUTIONS}`,
			int(c.calls),
			int(c.rate606),
			int(c.conc615),
			percent(c.rate606 + c.conc615, c.calls),
			int(failed),
			`${int(EXECUTIONS * ids - r.missingMembers)} / ${int(EXECUTIONS * ids)}`,
			seconds(c.spanMs),
			ratio(c.spanMs / r.idealMs),
			seconds(c.spanMs / scale, 0),
			seconds(r.wallMs),
		]);
	}
	const window = last?.windowSeconds ?? 20 * scale;
	report(
		`Queue mode: ${EXECUTIONS} workers, ${EXECUTIONS} executions at once, ${int(EXECUTIONS * ids)} lead ids added to one list`,
		table(
			['pacing', 'workers used', 'Add calls', '606', '615', '606/615', 'failed items', 'ids in the list', 'calls took', 'vs ideal', 'at Marketo’s 20 s', 'webhooks answered'],
			rows,
		),
		[
			`n8n main + ${EXECUTIONS} \`n8n worker --concurrency=1\`, Redis and PostgreSQL on one machine; executions started by ${EXECUTIONS} production webhook calls at once; credential at its default share (50 calls / window, 5 in flight) in every worker unless the row says otherwise.`,
			`${scale === 1 ? 'Real time: the sandbox’s window is Marketo’s 20 s' : `Sandbox time scale ${scale}: a ${window} s rate window instead of 20 s`}, each call held ${Math.round(500 * scale)} ms (taken as Marketo’s time for a 300-id list call: 0.5 s, scaled); the credential’s Rate Window is ${window} s.`,
			`Ideal: ${last ? seconds(last.idealMs) : '–'} (the least the window allows for ${int(Math.ceil(ids / 300) * EXECUTIONS)} calls: the first 100 at once, each further 100 one window later); at Marketo’s steady 100 calls per 20 s they take ${last ? seconds(last.steadyMs / scale, 0) : '–'}.`,
			'Calls took: from the first Add Leads call reaching the sandbox to the last answer; “at Marketo’s 20 s” divides it by the time scale. Webhooks answered: from the four calls to the last answer (n8n’s work included).',
			...errorNotes,
			`Machine: ${loads.join('; ')}.`,
		],
	);
});
