/**
 * Export Leads over a window longer than one job may span, in a real n8n against the sandbox: the pieces' shared
 * boundaries under both readings of Marketo's `endAt` (inclusive, exclusive), and a piece failing after others
 * finished. The sandbox runs at time scale 0.05 with job phases of at least one real second, and the node polls
 * every second (allowed only because the sandbox is a local test server), so a job takes a few seconds. The export
 * nodes follow the Manual Trigger directly (its one item): no Code node, whose task runner can time out under load.
 */
import {
	buildWorkflow,
	describeFailure,
	E2eRig,
	errorOf,
	itemsOf,
	describeSandbox,
	itSandbox,
	NEEDS_SANDBOX,
	marketoNode,
	outputOf,
	pairedIndexes,
	type RunResult,
	type Workflow,
} from './rig';

type Json = Record<string, unknown>;

const DAY = 86_400_000;
const SECOND = 1000;
const ENQUEUE = /\/bulk\/v1\/leads\/export\/[^/]+\/enqueue\.json$/;

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Export Leads parameters, polling every second. */
const exportParams = (extra: Json, options: Json = {}): Json => ({
	resource: 'bulkExport',
	operation: 'exportLeads',
	options: { pollInterval: 1, ...options },
	...extra,
});

/** How many times each value occurs. */
function counts(values: string[]): Map<string, number> {
	const seen = new Map<string, number>();
	for (const v of values) seen.set(v, (seen.get(v) ?? 0) + 1);
	return seen;
}

describeSandbox(NEEDS_SANDBOX.data)('Export Leads over windows cut into pieces, in a real n8n', () => {
	let rig: E2eRig;
	/** the export window: 70 days, whole seconds */
	const start = Math.floor((Date.now() - 80 * DAY) / SECOND) * SECOND;
	const end = start + 70 * DAY;
	/** email -> creation time of the leads placed on and around every boundary a splitter might pick */
	const placed = new Map<string, number>();

	beforeAll(async () => {
		rig = await E2eRig.create({ sandbox: { timeScale: 0.05, seedLeads: 0, bulk: { minPhaseMs: 20_000 } } });
		const sandbox = rig.sandbox!;
		// both ends of the window, and each 30- and 31-day mark with the seconds on either side
		const marks = [start, end];
		for (const days of [30, 31, 60, 62]) for (const offset of [-SECOND, 0, SECOND]) marks.push(start + days * DAY + offset);
		for (const at of marks) {
			const email = `boundary-${at}@example.com`;
			sandbox.leads.create({ email, firstName: 'Boundary' }, 1, at);
			placed.set(email, at);
		}
		// outside the window
		sandbox.leads.create({ email: 'before@example.com' }, 1, start - SECOND);
		sandbox.leads.create({ email: 'after@example.com' }, 1, end + SECOND);
	});

	afterAll(async () => {
		await rig?.dispose();
	});

	const run = async (workflow: Workflow): Promise<RunResult> => {
		rig.sandbox?.clearLog();
		const result = await rig.execute(workflow);
		if (!result.ok) throw new Error(`"${workflow.name}" failed:\n${describeFailure(result)}`);
		return result;
	};

	const windowWorkflow = (name: string) =>
		buildWorkflow(
			name,
			[
				// neither the id nor the date column asked for: the node adds them for the join and cuts them off again.
				// File and Items: the items are read from the very bytes that go into the file (no Code node to read the
				// file back: its task runner can time out on a loaded machine)
				marketoNode(
					rig.credential,
					exportParams({ fields: ['email', 'firstName'], filterType: 'createdAt', createdAfter: iso(start), createdBefore: iso(end), output: 'both' }),
					{ name: 'By Created At' },
				),
			],
			[
				marketoNode(
					rig.credential,
					exportParams({ fields: ['email', 'updatedAt'], filterType: 'updatedAt', updatedAfter: iso(start), updatedBefore: iso(end), output: 'items' }),
					{ name: 'By Updated At' },
				),
			],
		);

	/** Every placed lead once; the one at the window's very end only when Marketo includes `endAt`. */
	const expectEachLeadOnce = (result: RunResult, endInclusive: boolean, since: number) => {
		const expected = Object.fromEntries([...placed].filter(([, at]) => endInclusive || at < end).map(([email]) => [email, 1]));
		const rows = itemsOf(result, 'By Created At');
		// the file goes with the first lead; the pieces' windows are in the request log
		expect(Object.keys(rows[0].binary ?? {})).toEqual(['data']);
		expect(Object.keys(rows[0].json)).toEqual(['email', 'firstName']);
		expect(Object.fromEntries(counts(rows.map((r) => String(r.json.email))))).toEqual(expected);
		for (const row of rows) expect(pairedIndexes(row)).toEqual([0]);
		rig.sandboxOnly((sb) => {
			const windows = sb.state.exports
				.list(rig.credentialData.clientId)
				.filter((job) => job.createdAtMs >= since && job.filter.kind === 'createdAt')
				.map((job) => job.filter as { startMs: number; endMs: number });
			expect(windows).toHaveLength(3);
			// the pieces share their boundary instants and stay under 31 days
			for (let i = 1; i < windows.length; i++) expect(windows[i].startMs).toBe(windows[i - 1].endMs);
			for (const w of windows) expect(w.endMs - w.startMs).toBeLessThan(31 * DAY);
		});

		const leads = outputOf(result, 'By Updated At');
		expect(Object.keys(leads[0])).toEqual(['email', 'updatedAt']);
		expect(Object.fromEntries(counts(leads.map((l) => String(l.email))))).toEqual(expected);
		for (const item of itemsOf(result, 'By Updated At')) expect(pairedIndexes(item)).toEqual([0]);
	};

	itSandbox('Marketo reading endAt as inclusive and refusing exactly 31 days: each boundary lead exactly once (sandbox only: sets how Marketo reads endAt)', async () => {
		Object.assign(rig.sandbox!.options, { exportEndInclusive: true, strictWindow: true });
		const since = Date.now();
		const result = await run(windowWorkflow('inclusive endAt'));
		expectEachLeadOnce(result, true, since);
	});

	itSandbox('Marketo reading endAt as exclusive: each boundary lead exactly once, none lost (sandbox only: sets how Marketo reads endAt)', async () => {
		Object.assign(rig.sandbox!.options, { exportEndInclusive: false, strictWindow: false });
		const since = Date.now();
		const result = await run(windowWorkflow('exclusive endAt'));
		expectEachLeadOnce(result, false, since);
	});

	itSandbox('a piece failing after others finished hands over their export IDs, and with Continue On Fail their leads (sandbox only: injects the daily quota)', async () => {
		Object.assign(rig.sandbox!.options, { exportEndInclusive: true, strictWindow: false });
		// the daily export quota runs out at the second enqueue of each branch (enqueue calls 2 and 4)
		const quota = { method: 'POST', path: ENQUEUE, kind: 'error' as const, code: '1029', message: 'Export daily quota 500MB exceeded' };
		rig.sandbox!.injectFault({ ...quota, skip: 1 });
		rig.sandbox!.injectFault({ ...quota, skip: 3 });
		try {
			const result = await rig.execute(
				buildWorkflow(
					'quota runs out midway',
					[
						marketoNode(
							rig.credential,
							exportParams({ fields: ['email'], filterType: 'createdAt', createdAfter: iso(start), createdBefore: iso(end), output: 'items' }),
							{ name: 'Continue', onError: 'continueRegularOutput' },
						),
					],
					[
						marketoNode(rig.credential, exportParams({ fields: ['email'], filterType: 'createdAt', createdAfter: iso(start), createdBefore: iso(end) }), { name: 'Stop' }),
					],
				),
			);
			// Continue On Fail: the first piece's leads, then an item saying what failed and how to go on
			const items = itemsOf(result, 'Continue');
			for (const item of items) expect(pairedIndexes(item)).toEqual([0]);
			const last = items[items.length - 1].json;
			const firstPieceEnd = start + 30 * DAY;
			const inFirstPiece = [...placed].filter(([, at]) => at <= firstPieceEnd).map(([email]) => email);
			expect(items.slice(0, -1).map((i) => i.json.email).sort()).toEqual(inFirstPiece.sort());
			expect(last).toMatchObject({
				complete: false,
				failedJob: 2,
				finishedExportIds: [expect.any(String)],
				resumeFilter: { createdAt: { startAt: iso(firstPieceEnd), endAt: iso(end) } },
			});
			expect(String(last.error)).toMatch(/^Export job 2 of 3 .* did not finish: Marketo's daily bulk export quota is used up/);
			const [finished] = last.finishedExportIds as string[];
			expect(rig.sandbox!.state.exports.get(finished, rig.credentialData.clientId).status).toBe('Completed');

			// without it: the node fails, naming the finished export ID and how to resume
			const error = errorOf(result, 'Stop');
			expect(error?.message).toMatch(/^Export job 2 of 3 .* did not finish: .*Job 1 finished, export ID [0-9a-f-]{36}$/);
			const stopId = /export ID ([0-9a-f-]{36})$/.exec(String(error?.message))![1];
			expect(stopId).not.toBe(finished);
			expect(rig.sandbox!.state.exports.get(stopId, rig.credentialData.clientId).status).toBe('Completed');
			expect(String(error?.description)).toContain(`Download File (Export ID ${stopId})`);
			expect(String(error?.description)).toContain(`createdAt ${iso(firstPieceEnd)}..${iso(end)}`);
		} finally {
			rig.sandbox!.clearFaults();
		}
	});
});
