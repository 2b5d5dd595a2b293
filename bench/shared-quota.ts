/**
 * Shared quota: while the Marketo node adds 30,000 lead ids to a static list in a real n8n, a second client on the
 * same sandbox (a plain fetch loop in this process, with its own API user, as another integration of the same
 * Marketo instance) spends 60 of the 100 calls per window (BENCH_OTHER_PER_WINDOW), evenly spaced. Marketo's limits
 * are per instance, so the two share 100 calls per window and 10 in flight. The node must slow down, not fail: every
 * item added, no failed item. Run four times: credential at Marketo's whole limit (100 / window, so 606s are bound to
 * happen and must be absorbed) and at its default share (50 / window, 5 in flight), each with the adaptive pacing on
 * and off.
 *
 *   npx tsx bench/shared-quota.ts                real time (about 5 minutes)
 *   BENCH_TIME_SCALE=0.25 npx tsx bench/shared-quota.ts   every Marketo duration × 0.25 (5 s window)
 */
import { describeFailure, itemsOf, type Workflow } from '../test/e2e/rig';
import type { RequestLogEntry } from '../sandbox';
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
	sleep,
	table,
	timeScale,
	WHOLE_LIMIT,
} from './lib';

const LIST_ID = 1021;
const OTHER = { clientId: 'other-integration-id', clientSecret: 'other-integration-secret', email: 'other@sandbox.example.com' };
/** each share with the adaptive pacing on (the default) and off (a fixed share, as before it) */
const SETTINGS = [WHOLE_LIMIT, DEFAULT_SHARE].flatMap((share) => [
	share,
	{ ...share, adaptive: false, label: `${share.label}, adaptation off` },
]);

/** The other integration: `perWindow` calls per window, evenly spaced, until stopped. */
function otherClient(baseUrl: string, perWindow: number, windowMs: number): { stop: () => Promise<number> } {
	let running = true;
	let sent = 0;
	const loop = (async () => {
		const tokenResponse = await fetch(`${baseUrl}/identity/oauth/token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ grant_type: 'client_credentials', client_id: OTHER.clientId, client_secret: OTHER.clientSecret }),
		});
		const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
		const interval = windowMs / perWindow;
		const started = Date.now();
		const pending: Array<Promise<unknown>> = [];
		while (running) {
			pending.push(
				fetch(`${baseUrl}/rest/v1/leads/partitions.json`, { headers: { Authorization: `Bearer ${token}` } })
					.then(async (r) => await r.text())
					.catch(() => undefined),
			);
			sent++;
			// evenly spaced on a fixed schedule, whatever the answers
			await sleep(Math.max(0, started + sent * interval - Date.now()));
		}
		await Promise.all(pending);
	})();
	return {
		stop: async () => {
			running = false;
			await loop;
			return sent;
		},
	};
}

main(async () => {
	const leads = envNumber('BENCH_LEADS', 30_000, (n) => Number.isInteger(n) && n > 0);
	const scale = timeScale(1);
	const windowSeconds = MARKETO_LIMITS.windowSeconds * scale;
	const windowMs = windowSeconds * 1000;
	// the other integration's calls per window (BENCH_OTHER_PER_WINDOW, default 60 of Marketo's 100)
	const otherPerWindow = envNumber('BENCH_OTHER_PER_WINDOW', 60, (n) => Number.isInteger(n) && n > 0 && n < MARKETO_LIMITS.calls);
	const calls = Math.ceil(leads / MAX_BATCH);

	const { rig, credentials } = await rigWithSettings(SETTINGS, scale, { seedLeads: leads, apiUsers: [OTHER] });
	try {
		const sandbox = rig.sandbox!;
		const workflows: Workflow[] = SETTINGS.map((setting) =>
			addLeadsWorkflow(`Bench shared quota ${setting.calls}`, credentials.get(setting)!, leads, LIST_ID),
		);
		await rig.importWorkflows(workflows);

		const rows: string[][] = [];
		const notes: string[] = [];
		for (const [i, setting] of SETTINGS.entries()) {
			sandbox.reset();
			const load = machine();
			progress(`adding ${int(leads)} ids with the credential at ${setting.label}, another client at ${otherPerWindow} calls per window`);
			const otherLoop = otherClient(rig.baseUrl, otherPerWindow, windowMs);
			// the other integration is already steady (60 calls in the window) when the workflow starts: on a machine that
			// boots n8n in a few seconds, the node would otherwise find most of the window free and take it
			await sleep(windowMs);
			const result = await executeLarge(rig, workflows[i].id, 9 * 60_000);
			const otherSent = await otherLoop.stop();
			if (!result.run) throw new Error(`n8n printed no run:\n${describeFailure(result)}`);

			const items = itemsOf(result, 'Marketo');
			const added = items.filter((item) => item.json.status === 'added').length;
			const missing = missingMembers(sandbox, LIST_ID, leads);

			const log = sandbox.requestLog;
			const ofNode = (e: RequestLogEntry) => e.path.startsWith('/rest/') && e.clientId !== OTHER.clientId;
			const ofOther = (e: RequestLogEntry) => e.path.startsWith('/rest/') && e.clientId === OTHER.clientId;
			const node = logFigures(log.filter(ofNode));
			// the other client's calls while the node was working
			const task = result.run.data.resultData.runData.Marketo?.[0];
			const from = task?.startTime ?? 0;
			const to = from + (task?.executionTime ?? 0);
			const other = logFigures(log.filter((e) => ofOther(e) && Date.parse(e.time) >= from && Date.parse(e.time) <= to));
			const nodeMs = nodeTimeMs(result, 'Marketo');
			const alone = idealMs(calls, setting.calls, windowSeconds);
			const shared = idealMs(calls, MARKETO_LIMITS.calls - otherPerWindow, windowSeconds);
			rows.push([
				setting.label,
				result.ok ? 'finished' : `failed: ${result.error?.message ?? 'no run'}`,
				`${int(added)} / ${int(leads)}`,
				int(items.length - added),
				`${int(node.calls)} (${int(node.calls - node.rate606 - node.conc615)} admitted)`,
				int(node.rate606),
				int(node.conc615),
				seconds(nodeMs),
				`${seconds(shared, 0)} / ${ratio(nodeMs / shared)}`,
				`${int(other.calls)} (${int(other.rate606)} × 606, ${int(other.conc615)} × 615)`,
			]);
			notes.push(
				`${setting.label}: ideal alone ${seconds(alone, 0)}; ${int(missing)} ids missing from the list; the other client sent ${int(otherSent)} calls in all; machine: ${load}`,
			);
		}

		report(
			`Shared quota: ${int(leads)} lead ids added while another integration uses ${otherPerWindow} of the ${MARKETO_LIMITS.calls} calls per window`,
			table(
				[
					'node credential',
					'node',
					'items added',
					'failed items',
					'node calls',
					'node 606',
					'node 615',
					`node time (sandbox at time scale ${scale}${scale === 1 ? ': real time' : ''})`,
					`ideal with ${MARKETO_LIMITS.calls - otherPerWindow} / window left, ratio`,
					'other client’s calls during the node (606, 615)',
				],
				rows,
			),
			[
				`The other client: its own API user, ${otherPerWindow} calls per window evenly spaced (GET /rest/v1/leads/partitions.json), from a window before n8n starts until the node has finished; it does not retry.`,
				scale === 1
					? 'Real time: the sandbox’s window is Marketo’s 20 s.'
					: `Sandbox time scale ${scale}: the rate window is ${windowSeconds} s instead of 20 s, and the credential’s Rate Window (Seconds) is ${windowSeconds} to match; multiply times by ${1 / scale} for real time.`,
				'Sandbox limits: 100 calls per window and 10 in flight for the instance, shared by both clients; 606 and 615 answers do not count against the window.',
				...notes,
			],
		);
	} finally {
		await rig.dispose();
	}
});
