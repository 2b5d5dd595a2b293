/**
 * The queue-mode load: several executions at once, on different workers, each adding its own range of lead ids to
 * one static list through the Marketo node, against one sandbox that enforces Marketo's per-instance limits (100 calls
 * per 20 s, 10 in flight). Shared by `npm run test:queue` (which asserts the outcome) and `bench/queue-mode.ts`
 * (which prints the figures for both pacing modes).
 *
 * Each execution is a production webhook call: Webhook (POST {first, count}) -> "Lead IDs" (one item per id) ->
 * "Marketo" (List Membership > Add Leads, Continue On Fail so that a failed call shows up as items) -> "Summary"
 * (one item: the execution's id and its items counted by status), which the webhook answers with.
 */
import { randomUUID } from 'node:crypto';

import { idealMs, logFigures, MARKETO_LIMITS, MAX_BATCH, missingMembers, type LogFigures } from '../../bench/lib';
import type { RequestLogEntry } from '../../sandbox';
import { codeNode, marketoNode, triggeredWorkflow, type CredentialData, type NodeSpec, type Workflow } from '../e2e/rig';
import { QueueCluster } from './cluster';

export const LIST_ID = 1021;
export const WEBHOOK_PATH = 'marketo-queue-add-leads';

export interface ListLoadOptions {
	/** executions started at once (one per worker) */
	executions: number;
	/** lead ids each execution adds */
	idsPerExecution: number;
	/** sandbox time scale: the rate window is 20 s × scale; the credential's Rate Window follows it */
	timeScale: number;
	/** sandbox processing time of each call, real ms */
	latencyMs: number;
	/** extra credential fields (e.g. its share of the limits) */
	credential?: Partial<CredentialData>;
	/** extra environment of every n8n process */
	env?: NodeJS.ProcessEnv;
	/** progress lines (stderr) */
	log?: (message: string) => void;
}

/** What one execution's webhook answered ("Summary" node). */
export interface ExecutionSummary {
	executionId: string;
	items: number;
	byStatus: Record<string, number>;
	/** the message of each failed item's error, with how many items carry it */
	errors: Record<string, number>;
}

export interface ListLoadResult {
	/** HTTP status and summary of each webhook call, in the order they were sent */
	answers: Array<{ status: number; summary?: ExecutionSummary; text: string }>;
	/** execution id -> indexes of the workers whose log says they started it */
	executionWorkers: Map<string, number[]>;
	/** execution ids that some worker logged as finished */
	finishedOnWorkers: string[];
	/** execution ids the main process logged as enqueued */
	enqueuedByMain: string[];
	workers: number;
	/** what the sandbox saw of the Add Leads calls */
	calls: LogFigures;
	/** the same calls per rate window from the first one: admitted, answered 606, answered 615 */
	perWindow: Array<{ admitted: number; rate606: number; conc615: number }>;
	/** token requests (each worker fetches and keeps its own) */
	tokenCalls: number;
	/** ids of the whole range not in the list afterwards */
	missingMembers: number;
	/** from sending the webhook calls to the last answer, ms */
	wallMs: number;
	/** the least time Marketo's rate limit allows for the calls the ids need (first window's calls at once), ms */
	idealMs: number;
	/** the same at Marketo's steady rate (100 calls per 20 s throughout), ms */
	steadyMs: number;
	windowSeconds: number;
}

/** Calls counted per rate window from the first call's arrival (how the pace moved over the run). */
function callsPerWindow(entries: RequestLogEntry[], windowMs: number): ListLoadResult['perWindow'] {
	const first = Math.min(...entries.map((e) => Date.parse(e.time)));
	const windows: ListLoadResult['perWindow'] = [];
	for (const e of entries) {
		const w = (windows[Math.floor((Date.parse(e.time) - first) / windowMs)] ??= { admitted: 0, rate606: 0, conc615: 0 });
		if (e.code === '606') w.rate606++;
		else if (e.code === '615') w.conc615++;
		else w.admitted++;
	}
	return Array.from(windows, (w) => w ?? { admitted: 0, rate606: 0, conc615: 0 });
}

function isSummary(json: unknown): json is ExecutionSummary {
	const summary = json as ExecutionSummary | undefined;
	return typeof summary?.executionId === 'string' && typeof summary.byStatus === 'object';
}

/** The webhook workflow; `first`/`count` come from the request body. */
export function addLeadsOnWebhook(credential: { id: string; name: string }): Workflow {
	const webhook = {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path: WEBHOOK_PATH, responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} },
	} as NodeSpec;
	const ids = codeNode(
		'Lead IDs',
		"const { first, count } = $('Webhook').first().json.body;\nreturn Array.from({ length: count }, (_, i) => ({ json: { id: first + i } }));",
	);
	const add = marketoNode(
		credential,
		{ resource: 'listMembership', operation: 'add', list: { __rl: true, mode: 'id', value: String(LIST_ID) }, leadId: '={{ $json.id }}' },
		{ onError: 'continueRegularOutput' },
	);
	const summary = codeNode(
		'Summary',
		'const byStatus = {};\nconst errors = {};\n' +
			'for (const item of $input.all()) {\n' +
			"\tconst s = item.json.status ?? (item.json.error ? 'error' : 'none');\n" +
			'\tbyStatus[s] = (byStatus[s] ?? 0) + 1;\n' +
			'\tif (item.json.error) errors[String(item.json.error)] = (errors[String(item.json.error)] ?? 0) + 1;\n' +
			'}\n' +
			'return [{ json: { executionId: String($execution.id), items: $input.all().length, byStatus, errors } }];',
	);
	return triggeredWorkflow('Marketo queue mode: add leads', webhook, ids, add, summary);
}

/** Runs the load in a fresh queue-mode cluster and returns what was seen; the cluster is gone afterwards. */
export async function runListLoad(options: ListLoadOptions): Promise<ListLoadResult> {
	const log = options.log ?? (() => undefined);
	const total = options.executions * options.idsPerExecution;
	const windowSeconds = MARKETO_LIMITS.windowSeconds * options.timeScale;
	log(`starting Redis, PostgreSQL and a user folder (sandbox: ${total} leads, time scale ${options.timeScale})`);
	const cluster = await QueueCluster.create({
		workers: options.executions,
		workerConcurrency: 1,
		sandbox: { seedLeads: total, timeScale: options.timeScale, latencyMs: options.latencyMs, maxLogEntries: 100_000 },
		credential: { rateWindowSeconds: windowSeconds, ...options.credential },
		env: options.env,
	});
	try {
		await cluster.publish([addLeadsOnWebhook(cluster.rig.credential)]);
		log(`starting n8n main and ${options.executions} workers`);
		await cluster.start();
		const sandbox = cluster.rig.sandbox!;
		sandbox.clearLog();

		log(`${options.executions} webhook calls at once, ${options.idsPerExecution} ids each`);
		const started = Date.now();
		const raw = await Promise.all(
			Array.from({ length: options.executions }, (_, i) =>
				cluster.callWebhook(WEBHOOK_PATH, { first: 1 + i * options.idsPerExecution, count: options.idsPerExecution }),
			),
		);
		const wallMs = Date.now() - started;
		const answers = raw.map(({ status, json, text }) => ({ status, text, summary: isSummary(json) ? json : undefined }));
		const ids = answers.map((a) => a.summary?.executionId).filter((id): id is string => !!id);
		await cluster.waitForFinishedLines(ids).catch((error: Error) => log(error.message));

		const executionWorkers = cluster.executionsByWorker();
		const mainLog = cluster.main?.output() ?? '';
		const listCalls = sandbox.requestLog.filter((e) => e.path === `/rest/v1/lists/${LIST_ID}/leads.json`);
		const calls = logFigures(listCalls);
		const neededCalls = Math.ceil(options.idsPerExecution / MAX_BATCH) * options.executions;
		if (answers.some((a) => !a.summary)) {
			// an execution failed as a whole: what its worker said is the only trace left once the cluster is gone
			cluster.workers.forEach((w, i) => log(`worker ${i + 1} log (end):\n${w.output().slice(-3000)}`));
		}
		return {
			answers,
			executionWorkers,
			finishedOnWorkers: ids.filter((id) => (executionWorkers.get(id) ?? []).some((w) => cluster.finishedBy(w, id))),
			enqueuedByMain: [...mainLog.matchAll(/Enqueued execution (\d+) \(job/g)].map((m) => m[1]),
			workers: cluster.workers.length,
			calls,
			perWindow: callsPerWindow(listCalls, windowSeconds * 1000),
			tokenCalls: sandbox.requestLog.filter((e) => e.path === '/identity/oauth/token').length,
			missingMembers: missingMembers(sandbox, LIST_ID, total),
			wallMs,
			idealMs: idealMs(neededCalls, MARKETO_LIMITS.calls, windowSeconds),
			steadyMs: (neededCalls / MARKETO_LIMITS.calls) * windowSeconds * 1000,
			windowSeconds,
		};
	} finally {
		await cluster.dispose();
	}
}
