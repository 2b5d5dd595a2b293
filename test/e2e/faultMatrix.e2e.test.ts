/**
 * Fault matrix: for each failure Marketo or the network produces, a representative workflow runs in a real n8n
 * against the sandbox with the fault injected in the middle of the run. Recoverable faults must leave every record
 * accounted for with the right result; the others must fail with a clear message. (1016, 1029 and the truncated
 * download are covered with the bulk operations in bulkImport/bulkExport e2e tests.)
 *
 * The workflow: 600 input items -> List Membership > Add Leads to list 1021 -> 2 calls of 300; the fault hits
 * the second call.
 */
import { describeFailure, describeSandbox, E2eRig, itemsOf, marketoWorkflow, NEEDS_SANDBOX, pairedIndexes } from './rig';
import type { FaultSpec } from '../../sandbox';

const LIST = 1021;
const IDS = 600;
const ADD_PATH = `/rest/v1/lists/${LIST}/leads.json`;

type Injected = Record<string, unknown> & { kind: FaultSpec['kind']; times?: number };

const TOKEN_FAULTS = ['601', '602'];

const RECOVERED: Array<[string, Injected]> = [
	['601 access token invalid', { kind: 'error', code: '601', message: 'Access token invalid' }],
	['602 access token expired mid-run', { kind: 'error', code: '602', message: 'Access token expired' }],
	['604 request timed out', { kind: 'error', code: '604', message: 'Request timed out' }],
	['606 rate limit', { kind: 'error', code: '606', message: "Max rate limit '100' exceeded with in '20' secs" }],
	['608 API temporarily unavailable', { kind: 'error', code: '608', message: 'API Temporarily Unavailable' }],
	['611 system error (twice)', { kind: 'error', code: '611', message: 'System error', times: 2 }],
	['615 concurrent access limit', { kind: 'error', code: '615', message: 'Concurrent access limit reached' }],
	['713 transient error', { kind: 'error', code: '713', message: 'Transient Error' }],
	['HTTP 502', { kind: 'http', status: 502 }],
	['HTTP 503', { kind: 'http', status: 503 }],
	['a dropped connection', { kind: 'drop' }],
];

const FAILING: Array<[string, Injected, RegExp]> = [
	['603 access denied', { kind: 'error', code: '603', message: 'Access denied' }, /Marketo error 603[\s\S]*Read-Write Lead/],
	['607 daily quota reached', { kind: 'error', code: '607', message: 'Daily quota reached' }, /Marketo error 607[\s\S]*midnight US Central/],
];

describeSandbox(NEEDS_SANDBOX.faults)('fault matrix in a real n8n', () => {
	let rig: E2eRig;
	const addWorkflow = () =>
		marketoWorkflow(rig.credential, { resource: 'listMembership', operation: 'add', list: { __rl: true, mode: 'id', value: String(LIST) }, leadId: '={{ $json.id }}' }, { count: IDS, make: '(i) => ({ id: i + 1 })' });
	const inject = (fault: Injected) => {
		const { times, ...rest } = fault;
		rig.sandbox!.injectFault({ ...(rest as FaultSpec), method: 'POST', path: ADD_PATH, skip: 1, times: times ?? 1 } as FaultSpec);
	};

	beforeAll(async () => {
		rig = await E2eRig.create({ sandbox: { seedLeads: IDS, timeScale: 0.1 } });
	});
	afterAll(async () => {
		await rig?.dispose();
	});
	beforeEach(() => {
		rig.sandbox!.reset();
	});

	it.each(RECOVERED)(`%s: retried, all ${IDS} records added and paired`, async (_name, fault) => {
		inject(fault);
		const result = await rig.execute(addWorkflow());
		if (!result.ok) throw new Error(describeFailure(result));
		const items = itemsOf(result, 'Marketo');
		expect(items).toHaveLength(IDS);
		expect(items.every((item) => item.json.status === 'added')).toBe(true);
		expect(items.map((item) => pairedIndexes(item)[0])).toEqual(Array.from({ length: IDS }, (_, i) => i));
		expect(rig.sandbox!.assets.memberIds(LIST)).toHaveLength(IDS);
		const posts = rig.sandbox!.requestLog.filter((e) => e.path === ADD_PATH && e.method === 'POST');
		expect(posts.length).toBe(2 + (fault.times ?? 1));
		// the sandbox refuses a token it reported invalid or expired from then on: the retry that succeeded went out
		// with a second token
		const tokens = rig.sandbox!.requestLog.filter((e) => e.path === '/identity/oauth/token');
		expect(tokens).toHaveLength(TOKEN_FAULTS.includes(String(fault.code)) ? 2 : 1);
	});

	it.each(FAILING)('%s: fails with a clear message, not retried', async (_name, fault, message) => {
		inject(fault);
		const result = await rig.execute(addWorkflow());
		expect(result.ok).toBe(false);
		expect(`${result.error?.message ?? ''} ${result.error?.description ?? ''}`).toMatch(message);
		expect(rig.sandbox!.requestLog.filter((e) => e.path === ADD_PATH && e.method === 'POST')).toHaveLength(2);
	});
});

describeSandbox(NEEDS_SANDBOX.clock)('token expiry between calls (short token lifetime) in a real n8n', () => {
	let rig: E2eRig;
	beforeAll(async () => {
		// tokens live 2 s; each call takes 0.8 s, one at a time: the 5 calls need more than one token
		rig = await E2eRig.create({ sandbox: { seedLeads: 1500, tokenLifetimeSeconds: 2, latencyMs: 800 }, credential: { maxConcurrent: 1 } });
	});
	afterAll(async () => {
		await rig?.dispose();
	});

	it('renews the token as it expires; every record is added', async () => {
		const result = await rig.execute(
			marketoWorkflow(
				rig.credential,
				{ resource: 'listMembership', operation: 'add', list: { __rl: true, mode: 'id', value: String(LIST) }, leadId: '={{ $json.id }}' },
				{ count: 1500, make: '(i) => ({ id: i + 1 })' },
			),
		);
		if (!result.ok) throw new Error(describeFailure(result));
		expect(itemsOf(result, 'Marketo').filter((i) => i.json.status === 'added')).toHaveLength(1500);
		expect(rig.sandbox!.assets.memberIds(LIST)).toHaveLength(1500);
		const tokenCalls = rig.sandbox!.requestLog.filter((e) => e.path === '/identity/oauth/token');
		const expired = rig.sandbox!.requestLog.filter((e) => e.code === '602');
		// no call was refused for an expired token more than once in a row, and more than one token was used
		expect(tokenCalls.length + expired.length).toBeGreaterThanOrEqual(2);
	});
});

describeSandbox(NEEDS_SANDBOX.faults)('bulk queue faults in a real n8n (1029)', () => {
	let rig: E2eRig;
	const ENQUEUE = /\/bulk\/v1\/leads\/export\/[^/]+\/enqueue\.json$/;
	const exportWorkflow = () =>
		marketoWorkflow(rig.credential, {
			resource: 'bulkExport',
			operation: 'exportLeads',
			fields: ['id', 'email'],
			filterType: 'staticList',
			list: { __rl: true, mode: 'id', value: String(LIST) },
			output: 'items',
			options: { pollInterval: 1 },
		});

	beforeAll(async () => {
		rig = await E2eRig.create({ sandbox: { seedLeads: 50, bulk: { minPhaseMs: 50 } } });
	});
	afterAll(async () => {
		await rig?.dispose();
	});
	beforeEach(() => {
		rig.sandbox!.reset();
		rig.sandbox!.assets.addMember(LIST, 7);
		rig.sandbox!.assets.addMember(LIST, 8);
	});

	it('1029 export queue full: waits for a place, enqueues again, exports every member', async () => {
		rig.sandbox!.injectFault({ method: 'POST', path: ENQUEUE, kind: 'error', code: '1029', message: 'Export queue full', times: 2 });
		const result = await rig.execute(exportWorkflow());
		if (!result.ok) throw new Error(describeFailure(result));
		expect(itemsOf(result, 'Marketo').map((i) => Number(i.json.id)).sort((a, b) => a - b)).toEqual([7, 8]);
		expect(rig.sandbox!.requestLog.filter((e) => ENQUEUE.test(e.path))).toHaveLength(3);
	});

	it('1029 daily export quota: fails at once with a clear message', async () => {
		rig.sandbox!.injectFault({ method: 'POST', path: ENQUEUE, kind: 'error', code: '1029', message: 'Export daily quota 500MB exceeded', times: 1 });
		const result = await rig.execute(exportWorkflow());
		expect(result.ok).toBe(false);
		expect(`${result.error?.message ?? ''} ${result.error?.description ?? ''}`).toMatch(/quota/i);
		expect(rig.sandbox!.requestLog.filter((e) => ENQUEUE.test(e.path))).toHaveLength(1);
	});
});
