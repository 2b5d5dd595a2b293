/**
 * Marketo Trigger in a running n8n, poll by poll, against a sandbox whose clock runs 5 minutes behind the host's:
 *
 * - Import trigger: calls per poll, counted in the sandbox's request log. A watched batch that has fired is not asked
 *   about again, a batch Marketo forgets (as it does after 7 days) is dropped with a logged reason instead of failing
 *   every later poll, and each poll asks only about the unfinished watched batches.
 * - Export trigger: a job finishing just after activation fires although Marketo's finishedAt is 5 minutes behind
 *   n8n's clock (the trigger compares Marketo's times only).
 *
 * Both workflows poll as often as the release allows (RELEASE.pollSeconds: every 30 s with a custom cron where it
 * accepts one, n8n's shortest built-in interval being a minute; else every minute). Each firing runs a
 * Marketo node searching leads by `<batchId or exportId>@fired.test`, so the request log shows what fired and how
 * often. The jobs are made in the sandbox directly, so the request log holds only n8n's calls. Takes about four minutes
 * with 30 s polls.
 */
import type { MarketoSandbox } from '../../sandbox';
import type { RequestLogEntry } from '../../sandbox/log';
import { CREDENTIAL_TYPE, E2eRig, NEEDS_SANDBOX, RELEASE, buildWorkflow, describeSandbox, marketoNode, waitFor, type StartedN8n, type Workflow } from './rig';

const TRIGGER_TYPE = 'n8n-nodes-marketo.marketoTrigger';
const CLIENT_ID = 'sandbox-client-id';
/** one poll interval, ms: timeouts that wait for polls grow with it */
const POLL_MS = RELEASE.pollSeconds * 1000;

/** Trigger "Start" -> "Mark" (searches leads by `<id>@fired.test`: one search per firing in the request log). */
function triggerWorkflow(credential: { id: string; name: string }, name: string, trigger: Record<string, unknown>, idExpression: string): Workflow {
	const mark = marketoNode(
		credential,
		{ resource: 'lead', operation: 'getAll', filterType: 'email', filterValues: `={{ ${idExpression} }}@fired.test`, returnAll: true },
		{ name: 'Mark' },
	);
	const workflow = buildWorkflow(name, [mark]);
	workflow.nodes[0] = {
		...workflow.nodes[0],
		type: TRIGGER_TYPE,
		typeVersion: 1,
		parameters: { ...trigger, pollTimes: RELEASE.pollTimes() },
		credentials: { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
	};
	return workflow;
}

/** An import of `rows` new leads, as the API user; returns its batch id. */
function importBatch(sb: MarketoSandbox, tag: string, rows: number): number {
	const lines = Array.from({ length: rows }, (_, i) => `${tag}-${i}@polls.test`);
	return sb.state.imports.create({ clientId: CLIENT_ID, format: 'CSV', text: ['email', ...lines].join('\n'), lookupField: 'email' }).batchId;
}

/** An export job of the API user, enqueued; resolves with its id once Completed. */
async function finishedExport(sb: MarketoSandbox): Promise<string> {
	const now = Date.now();
	const job = sb.state.exports.create({
		clientId: CLIENT_ID,
		format: 'CSV',
		fields: ['id', 'email'],
		headers: ['id', 'email'],
		filter: { kind: 'createdAt', startMs: now - 86400000, endMs: now + 86400000 },
	});
	sb.state.exports.enqueue(job);
	await waitFor(`export ${job.exportId} to complete`, () => job.status === 'Completed', 60_000);
	return job.exportId;
}

const BATCH_STATUS = /^\/bulk\/v1\/leads\/batch\/(\d+)\.json$/;

describeSandbox(`${NEEDS_SANDBOX.data} (forgets a batch, runs its clock 5 minutes behind), ${NEEDS_SANDBOX.log}`)('Marketo Trigger poll by poll', () => {
	let rig: E2eRig;
	let sb: MarketoSandbox;
	let n8n: StartedN8n | undefined;
	/** request log entries before n8n started (none of n8n's) */
	let logStart = 0;
	const batches = { unfinished: 0, doneA: 0, doneB: 0, forgotten: 0, queued: 0 };
	let historyExport = '';

	const log = (): RequestLogEntry[] => sb.requestLog.slice(logStart);
	const firings = (id: string | number): number =>
		log().filter((e) => e.path === '/rest/v1/leads.json' && JSON.stringify(e.query).includes(`${id}@fired.test`)).length;
	const exportPolls = (): number => log().filter((e) => e.path === '/bulk/v1/leads/export.json' && e.method === 'GET').length;
	const statusCalls = (): Array<{ batchId: number; code: string | null }> =>
		log().flatMap((e) => {
			const m = e.method === 'GET' ? BATCH_STATUS.exec(e.path) : null;
			return m ? [{ batchId: Number(m[1]), code: e.code }] : [];
		});
	/** The import trigger's status calls, one list per poll: every poll asks about the never-finishing batch first. */
	const importPolls = (): Array<Array<{ batchId: number; code: string | null }>> => {
		const polls: Array<Array<{ batchId: number; code: string | null }>> = [];
		for (const call of statusCalls()) {
			if (call.batchId === batches.unfinished) polls.push([]);
			polls.at(-1)?.push(call);
		}
		return polls;
	};

	beforeAll(async () => {
		rig = await E2eRig.create({
			sandbox: {
				seedLeads: 20,
				clockOffsetSeconds: -300,
				bulk: { minPhaseMs: 50 },
			},
		});
		sb = rig.sandbox as MarketoSandbox;
		batches.doneA = importBatch(sb, 'a', 1);
		batches.doneB = importBatch(sb, 'b', 1);
		await waitFor('batches A and B to complete', () => [batches.doneA, batches.doneB].every((id) => sb.state.imports.get(id)?.status === 'Complete'), 60_000);
		// no import starts from now on (the sandbox reads its limits at every tick): the batches below stay Queued
		sb.options.limits.importProcessing = 0;
		batches.unfinished = importBatch(sb, 'u', 1);
		batches.forgotten = importBatch(sb, 'f', 1);
		batches.queued = importBatch(sb, 'q', 1);
		historyExport = await finishedExport(sb); // finished before activation: never fires

		// the never-finishing batch first: each poll's calls start with it
		const watched = [batches.unfinished, batches.doneA, batches.doneB, batches.forgotten, batches.queued].join(', ');
		const imports = triggerWorkflow(rig.credential, 'Import batches finished -> mark', { event: 'importFinished', batchIds: watched }, '$json.batchId');
		const exports = triggerWorkflow(rig.credential, 'Export finished -> mark', { event: 'exportFinished', statuses: ['Completed'] }, '$json.exportId');
		await rig.importWorkflows([imports, exports]);
		for (const workflow of [imports, exports]) expect((await rig.activateWorkflow(workflow.id)).code).toBe(0);
		logStart = sb.requestLog.length;
		n8n = await rig.startN8n();
		await waitFor('the activation polls of both triggers', () => importPolls().length > 0 && exportPolls() > 0);
	}, 5 * 60_000);

	afterAll(async () => {
		await n8n?.stop();
		await rig?.dispose();
	});

	it(
		'import trigger: a fired batch is not asked again, a forgotten one is dropped with a logged reason, calls per poll <= unfinished batches',
		async () => {
			await waitFor('batches A and B to fire', () => firings(batches.doneA) > 0 && firings(batches.doneB) > 0);
			sb.forgetImport(batches.forgotten); // as Marketo does 7 days after the import
			const pollsBefore = importPolls().length;
			await waitFor('five more polls of the import trigger', () => importPolls().length >= pollsBefore + 5, 5 * POLL_MS + 150_000);

			// the latest poll may still be asking (a poll is known by its first call): only the ones before it are complete
			const polls = importPolls().slice(0, -1);
			const callsPerPoll = polls.map((p) => p.length);
			process.stderr.write(`import trigger, status calls per poll (5 watched, 2 finished, 1 forgotten): ${callsPerPoll.join(', ')}\n`);
			// activation: all 5 asked (A and B fire); then only the 3 unfinished until the forgotten one is dropped; then 2
			expect(callsPerPoll.join(',')).toMatch(/^5(,3)+(,2){3,}$/);
			const calls = polls.flat();
			expect(calls.filter((c) => c.batchId === batches.doneA || c.batchId === batches.doneB)).toHaveLength(2);
			const forgottenCalls = calls.filter((c) => c.batchId === batches.forgotten);
			expect(forgottenCalls.at(-1)?.code).toBe('1003');
			expect(forgottenCalls.filter((c) => c.code !== null)).toHaveLength(1);
			expect([firings(batches.doneA), firings(batches.doneB), firings(batches.forgotten)]).toEqual([1, 1, 0]);
			expect(n8n?.output()).toContain(`no longer knows import batch ${batches.forgotten}`);
		},
		7 * POLL_MS + 150_000,
	);

	it(
		"export trigger: with Marketo's clock 5 minutes behind n8n's, a job finishing just after activation fires (history does not)",
		async () => {
			const fresh = await finishedExport(sb);
			const polls = exportPolls();
			await waitFor('two more polls of the export trigger', () => exportPolls() >= polls + 2, 2 * POLL_MS + 120_000);
			expect([firings(historyExport), firings(fresh)]).toEqual([0, 1]);
		},
		2 * POLL_MS + 180_000,
	);
});
