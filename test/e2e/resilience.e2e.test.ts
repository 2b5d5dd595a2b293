/**
 * Token refresh, retries and errors end to end: faults injected into the sandbox while a real n8n runs the
 * packed node. Fault tests need the sandbox (itSandbox); the bad-input tests also run against a real Marketo.
 */
import {
	buildWorkflow,
	describeFailure,
	E2eRig,
	errorOf,
	itemsNode,
	itSandbox,
	marketoNode,
	marketoWorkflow,
	newId,
	outputOf,
	type RunResult,
	type Workflow,
} from './rig';
import type { FaultSpec, RequestLogEntry } from '../../sandbox';

const PARTITIONS = '/rest/v1/leads/partitions.json';
const LEADS = '/rest/v1/leads.json';
const TOKEN = '/identity/oauth/token';

describe('Marketo node resilience in a real n8n', () => {
	let rig: E2eRig;
	let ids: number[] = [];

	const log = (): RequestLogEntry[] => rig.requestLog() ?? [];
	const calls = (path: string, method?: string) => log().filter((e) => e.path === path && (!method || e.method === method));

	/** Moving `count` seeded leads to "Canada" (one or more calls of 300). */
	const moveWorkflow = (count: number): Workflow =>
		marketoWorkflow(rig.credential, { resource: 'leadPartition', operation: 'update', leadId: '={{ $json.id }}', partitionName: 'Canada' }, { items: ids.slice(0, count).map((id) => ({ id })) });

	/** Run with faults injected; the log is cleared first, the faults after. */
	const runWithFaults = async (workflow: Workflow, ...faults: FaultSpec[]): Promise<RunResult> => {
		const sandbox = rig.sandbox!;
		sandbox.clearLog();
		sandbox.clearFaults();
		for (const f of faults) sandbox.injectFault(f);
		try {
			return await rig.execute(workflow);
		} finally {
			sandbox.clearFaults();
		}
	};

	const expectAllUpdated = (result: RunResult, count: number) => {
		if (!result.ok) throw new Error(describeFailure(result));
		const out = outputOf(result, 'Marketo');
		expect(out).toHaveLength(count);
		expect(out.every((o) => o.status === 'updated')).toBe(true);
	};

	beforeAll(async () => {
		// time scale 0.05: Marketo's 20-second rate window is 1 s, so a 606 costs a second, not twenty
		rig = await E2eRig.create({ sandbox: { timeScale: 0.05 } });
		if (rig.sandbox) {
			const { firstId, lastId } = rig.sandbox.seedLeads(600);
			ids = Array.from({ length: lastId - firstId + 1 }, (_, i) => firstId + i);
		}
	});

	afterAll(async () => {
		await rig?.dispose();
	});

	itSandbox('602 (token expired) in the middle of a run: a new token is fetched and the call retried once', async () => {
		const result = await runWithFaults(moveWorkflow(600), { kind: 'error', code: 602, path: PARTITIONS, method: 'POST', skip: 1 });
		expectAllUpdated(result, 600);
		const moves = calls(PARTITIONS, 'POST');
		expect(moves.map((m) => m.code)).toEqual(expect.arrayContaining(['602']));
		expect(moves.filter((m) => m.status === 200 && m.code === null)).toHaveLength(2);
		expect(moves).toHaveLength(3);
		const expired = log().findIndex((e) => e.code === '602');
		expect(log().slice(expired + 1).some((e) => e.path === TOKEN)).toBe(true);
		expect(calls(TOKEN)).toHaveLength(2);
	});

	itSandbox('601 (token invalid) on a read: new token, one retry, the leads come back', async () => {
		const result = await runWithFaults(
			marketoWorkflow(rig.credential, { resource: 'lead', operation: 'get', leadId: '={{ $json.id }}' }, { items: [{ id: ids[0] }, { id: ids[1] }] }),
			{ kind: 'error', code: 601, path: LEADS, method: 'GET' },
		);
		if (!result.ok) throw new Error(describeFailure(result));
		expect(outputOf(result, 'Marketo').map((l) => l.id)).toEqual([ids[0], ids[1]]);
		expect(calls(LEADS, 'GET').map((c) => c.code)).toEqual(['601', null]);
		expect(calls(TOKEN)).toHaveLength(2);
	});

	itSandbox('tokens expired by the sandbox between calls are replaced (602 on use)', async () => {
		// the first partition call goes through, then every issued token expires (as when one outlives its hour)
		const sandbox = rig.sandbox!;
		sandbox.clearLog();
		// hold the first call (the partition list) for a second, and expire the token while it waits
		sandbox.injectFault({ kind: 'delay', ms: 1500, path: PARTITIONS, method: 'GET' });
		const running = rig.execute(moveWorkflow(600));
		const deadline = Date.now() + 60_000;
		while (!log().some((e) => e.path === TOKEN) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
		await new Promise((r) => setTimeout(r, 300));
		sandbox.expireTokens();
		const result = await running;
		sandbox.clearFaults();
		expectAllUpdated(result, 600);
		expect(log().filter((e) => e.code === '602').length).toBeGreaterThan(0);
		expect(calls(TOKEN)).toHaveLength(2);
		expect(calls(PARTITIONS, 'POST').filter((m) => m.code === null)).toHaveLength(2);
	});

	itSandbox('606 (rate limit) is waited out and retried', async () => {
		const result = await runWithFaults(moveWorkflow(300), { kind: 'error', code: 606, path: PARTITIONS, method: 'POST' });
		expectAllUpdated(result, 300);
		expect(calls(PARTITIONS, 'POST').map((c) => c.code)).toEqual(['606', null]);
	});

	itSandbox('HTTP 502 and a dropped connection are retried with backoff', async () => {
		const result = await runWithFaults(
			moveWorkflow(300),
			{ kind: 'http', status: 502, path: PARTITIONS, method: 'POST' },
			{ kind: 'drop', path: PARTITIONS, method: 'POST' },
		);
		expectAllUpdated(result, 300);
		expect(calls(PARTITIONS, 'POST').map((c) => c.status)).toEqual([502, 0, 200]);
	});

	itSandbox('603 (access denied) is not retried and fails with Marketo\'s code and a hint', async () => {
		const result = await runWithFaults(moveWorkflow(10), { kind: 'error', code: 603, message: 'Access denied', path: PARTITIONS, method: 'POST' });
		expect(result.ok).toBe(false);
		const error = errorOf(result, 'Marketo');
		expect(error?.message).toMatch(/603/);
		expect(error?.message).toMatch(/Access denied/);
		expect(`${error?.description ?? ''}`).toMatch(/permission|role/i);
		expect(calls(PARTITIONS, 'POST')).toHaveLength(1);
	});

	it('a lead ID that is not a number fails before any call, naming the field and the value', async () => {
		rig.sandbox?.clearLog();
		const result = await rig.execute(
			marketoWorkflow(rig.credential, { resource: 'leadPartition', operation: 'update', leadId: '={{ $json.id }}', partitionName: 'Default' }, { items: [{ id: 12 }, { id: 'abc' }] }),
		);
		expect(result.ok).toBe(false);
		const error = errorOf(result, 'Marketo');
		expect(error?.message).toMatch(/'Lead ID' must be a Marketo ID/);
		expect(error?.message).toMatch(/"abc"/);
		rig.sandboxOnly(() => expect(calls(PARTITIONS, 'POST')).toHaveLength(0));
	});

	it('with "continue" on error, a bad item becomes an error item and the others are still sent', async () => {
		rig.sandbox?.clearLog();
		const good = rig.sandbox ? ids[0] : 999999990;
		const result = await rig.execute(
			marketoWorkflow(
				rig.credential,
				{ resource: 'leadPartition', operation: 'update', leadId: '={{ $json.id }}', partitionName: 'Default' },
				{ items: [{ id: good }, { id: 'abc' }] },
				{ onError: 'continueRegularOutput' },
			),
		);
		if (!result.ok) throw new Error(describeFailure(result));
		const [first, second] = outputOf(result, 'Marketo');
		expect(first).toEqual(expect.objectContaining({ id: good }));
		expect(String(second.error)).toMatch(/'Lead ID' must be a Marketo ID/);
		rig.sandboxOnly(() => expect(calls(PARTITIONS, 'POST').map((c) => c.recordCount)).toEqual([1]));
	});

	it('an unknown partition name fails with the partitions that exist', async () => {
		const result = await rig.execute(
			marketoWorkflow(rig.credential, { resource: 'leadPartition', operation: 'update', leadId: '={{ $json.id }}', partitionName: 'No Such Partition' }, { items: [{ id: 1 }] }),
		);
		expect(result.ok).toBe(false);
		const error = errorOf(result, 'Marketo');
		expect(error?.message).toMatch(/no partition named "No Such Partition"/);
		expect(`${error?.description}`).toMatch(/Default/);
	});

	it('an unknown lead field fails before anything is written, naming the field', async () => {
		rig.sandbox?.clearLog();
		const result = await rig.execute(
			marketoWorkflow(rig.credential, { resource: 'lead', operation: 'upsert', action: 'createOrUpdate', lookupField: 'email', dataMode: 'autoMap' }, { items: [{ email: 'x@example.com', favouriteColour: 'green' }] }),
		);
		expect(result.ok).toBe(false);
		expect(errorOf(result, 'Marketo')?.message).toMatch(/'favouriteColour'/);
		rig.sandboxOnly(() => expect(calls(LEADS, 'POST')).toHaveLength(0));
	});

	it('a wrong client secret fails with Marketo\'s identity message', async () => {
		const wrong = { id: newId(), name: 'Marketo wrong secret' };
		await rig.importCredential(wrong, { ...rig.credentialData, clientSecret: 'not-the-secret' });
		const result = await rig.execute(
			buildWorkflow('wrong secret', [itemsNode('Items', [{}]), marketoNode(wrong, { resource: 'leadPartition', operation: 'getAll' })]),
		);
		expect(result.ok).toBe(false);
		const error = errorOf(result, 'Marketo');
		expect(`${error?.message} ${error?.description}`).toMatch(/client|credential|secret/i);
	});
});
