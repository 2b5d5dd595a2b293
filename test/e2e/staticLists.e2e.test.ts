/**
 * Static lists and list membership end to end: the packed package in a real n8n against the sandbox (or a real
 * Marketo). Each `n8n execute` boots n8n, so related scenarios share one workflow (one branch per scenario) and
 * the tests of a group read that one run. The tests run in order and share the lists they create; against a real
 * Marketo every list and lead is created with a unique name (this run's tag) and removed again in afterAll.
 */
import {
	buildWorkflow,
	codeNode,
	describeFailure,
	E2eRig,
	errorOf,
	generatedItemsNode,
	itemsNode,
	itemsOf,
	itSandbox,
	NEEDS_SANDBOX,
	marketoNode,
	marketoWorkflow,
	newId,
	outputOf,
	pairedIndexes,
	uniqueName,
	type NodeSpec,
	type RunResult,
	type Workflow,
} from './rig';
import type { RequestLogEntry } from '../../sandbox';

/** Members added in the 1,000-item run, plus a few leads that stay outside the list. */
const MEMBERS = 1000;
const OUTSIDERS = 5;
/** Lists seeded in one folder for Get Many paging (maxReturn 200: three pages). */
const PAGING_LISTS = 450;
const BOGUS_LIST = 99999999;
const BOGUS_LEADS = [999999991, 999999992];
/** The sandbox's user whose role reads but does not write assets. */
const READ_ONLY_ASSETS = { clientId: 'e2e-read-only-assets', clientSecret: 'e2e-read-only-assets-secret' };

type Json = Record<string, unknown>;
interface Folder {
	id: number;
	type: 'Folder' | 'Program';
}

/** A resource locator value as n8n stores it in a workflow. */
const rl = (mode: 'list' | 'id' | 'url', value: string | number): Json => ({ __rl: true, mode, value: String(value) });

describe('Marketo static lists and list membership in a real n8n', () => {
	let rig: E2eRig;
	const tag = uniqueName('e2e-lists');
	/** Lead ids: MEMBERS that go into the list, then OUTSIDERS that never do. */
	let leadIds: number[] = [];
	/** Leads this run created (real Marketo only), removed in afterAll. */
	let createdLeadIds: number[] = [];
	/** Where lists are created: a folder and a program (the sandbox's seeds, or MARKETO_E2E_FOLDER). */
	let folder: Folder;
	let program: Folder;
	/** Folder holding PAGING_LISTS lists. */
	let pagingFolder: Folder;
	let pagingNames: string[] = [];
	/** A second credential, for the sandbox's API user without Read-Write Assets. */
	const readOnlyCredential = { id: newId(), name: 'Read-only assets' };
	/** Lists created by the Create tests: renamed later, and the ones membership runs use. */
	const lists: Record<'a' | 'b' | 'c' | 'members' | 'mixed', { id: number; name: string }> = {
		a: { id: 0, name: `${tag}-a` },
		b: { id: 0, name: `${tag}-b` },
		c: { id: 0, name: `${tag}-c` },
		members: { id: 0, name: `${tag}-members` },
		mixed: { id: 0, name: `${tag}-mixed` },
	};

	const snapshot = (): RequestLogEntry[] => [...(rig.requestLog() ?? [])];
	const select = (log: RequestLogEntry[], path: string, method?: string) =>
		log.filter((e) => e.path === path && (!method || e.method === method));
	const membersPath = (listId: number) => `/rest/v1/lists/${listId}/leads.json`;
	const folderValue = (f: Folder) => `${f.type}:${f.id}`;
	const node = (name: string, parameters: Json, options: Parameters<typeof marketoNode>[2] = {}): NodeSpec =>
		marketoNode(rig.credential, parameters, { ...options, name });

	/** The request log of the last `runLogged` run, for the request-log test that follows it. */
	let lastLog: RequestLogEntry[] = [];
	/** A test of the calls a run made: skipped against a real Marketo, with the reason in its name. */
	const itLog = itSandbox.because(NEEDS_SANDBOX.log);
	/** Run a workflow with a clean request log; returns the run and the log of just this run. */
	const runLogged = async (workflow: Workflow): Promise<{ result: RunResult; log: RequestLogEntry[] }> => {
		rig.sandbox?.clearLog();
		const result = await rig.execute(workflow);
		lastLog = snapshot();
		return { result, log: lastLog };
	};
	const mustRun = async (workflow: Workflow) => {
		const run = await runLogged(workflow);
		if (!run.result.ok) throw new Error(`"${workflow.name}" failed:\n${describeFailure(run.result)}`);
		return run;
	};
	/** The error of a node that stopped the workflow, with its description, as one text. */
	const failure = (result: RunResult, nodeName: string): string => {
		expect(result.ok).toBe(false);
		const error = errorOf(result, nodeName);
		if (!error) throw new Error(`"${nodeName}" did not fail:\n${describeFailure(result)}`);
		return `${error.message} | ${error.description ?? ''}`;
	};

	beforeAll(async () => {
		rig = await E2eRig.create({
			sandbox: {
				seedLeads: MEMBERS + OUTSIDERS + 100,
				apiUsers: [{ ...READ_ONLY_ASSETS, permissions: ['readWriteLead', 'readOnlyAssets'] }],
			},
		});
		if (rig.sandbox) {
			leadIds = Array.from({ length: MEMBERS + OUTSIDERS }, (_, i) => i + 1);
			folder = { id: 13, type: 'Folder' };
			program = { id: 1034, type: 'Program' };
			// enough lists for three pages of 200, in a folder of their own (fixture data, not under test)
			const assets = rig.sandbox.assets;
			const paging = assets.createFolder(`${tag} paging`, { id: 12, type: 'Folder' });
			pagingFolder = { id: paging.ref.id, type: 'Folder' };
			pagingNames = Array.from({ length: PAGING_LISTS }, (_, i) => `${tag}-page-${i}`);
			for (const name of pagingNames) assets.createList(name, paging.ref);
			await rig.importCredential(readOnlyCredential, { ...rig.credentialData, ...READ_ONLY_ASSETS });
			return;
		}
		await setUpRealMarketo();
	});

	/** Against a real Marketo: a folder to work in, leads to add, and the paging lists, all made by the node. */
	async function setUpRealMarketo(): Promise<void> {
		folder = await rig.listFolder();
		program = folder;
		pagingFolder = folder;

		const { result: leads } = await mustRun(
			marketoWorkflow(
				rig.credential,
				{ resource: 'lead', operation: 'upsert', action: 'createOnly', lookupField: 'email', dataMode: 'autoMap' },
				{ count: MEMBERS + OUTSIDERS, make: `(i) => ({ email: '${tag}-' + i + '@example.com', lastName: 'E2e ' + i })` },
			),
		);
		createdLeadIds = outputOf(leads, 'Marketo').map((l) => l.id as number);
		leadIds = [...createdLeadIds];
		if (leadIds.length !== MEMBERS + OUTSIDERS || leadIds.some((id) => typeof id !== 'number')) {
			throw new Error('Could not create the leads the membership tests use');
		}

		pagingNames = Array.from({ length: 2 * 200 + 1 }, (_, i) => `${tag}-page-${i}`);
		await mustRun(
			marketoWorkflow(
				rig.credential,
				{ resource: 'staticList', operation: 'create', folder: rl('id', folder.id), folderType: folder.type, name: '={{ $json.name }}' },
				{ items: pagingNames.map((name) => ({ name })) },
			),
		);
	}

	afterAll(async () => {
		// leave nothing behind in a real instance (the sandbox goes away with the rig): every list whose name starts
		// with this run's tag, also when a test failed half way, and the leads created
		if (rig && !rig.sandbox && folder) {
			const sweep = buildWorkflow('remove e2e lists', [
				node('Find', { resource: 'staticList', operation: 'getAll', folder: rl('id', folder.id), folderType: folder.type, returnAll: true }),
				codeNode('Ours', `return $input.all().filter((i) => String(i.json.name).startsWith(${JSON.stringify(tag)}));`),
				node('Remove', { resource: 'staticList', operation: 'delete', list: rl('id', '={{ $json.id }}') }, { onError: 'continueRegularOutput' }),
			]);
			await rig.execute(sweep).catch(() => undefined);
			if (createdLeadIds.length > 0) {
				await rig
					.execute(marketoWorkflow(rig.credential, { resource: 'lead', operation: 'delete', leadId: '={{ $json.id }}' }, { items: createdLeadIds.map((id) => ({ id })) }))
					.catch(() => undefined);
			}
		}
		await rig?.dispose();
	});

	/* ------------------------------------------------------------------ static lists */

	describe('Static List: create, get by the three locator modes and by name, update, browse', () => {
		let result: RunResult;
		let log: RequestLogEntry[];

		beforeAll(async () => {
			const create = (name: string, key: keyof typeof lists, parameters: Json): NodeSpec =>
				node(name, { resource: 'staticList', operation: 'create', name: lists[key].name, ...parameters });
			const urlOf = "={{ 'https://app-ab12.marketo.com/#ST' + $json.id + 'A1' }}";
			const workflow = buildWorkflow(
				'static lists',
				[
					// picked from the folder list: the value carries the type
					create('Create A', 'a', { folder: rl('list', folderValue(folder)), description: 'first' }),
					node('Get A By ID', { resource: 'staticList', operation: 'get', findBy: 'list', list: rl('id', '={{ $json.id }}') }),
					node('Get A By URL', { resource: 'staticList', operation: 'get', findBy: 'list', list: rl('url', urlOf) }),
					node('Get A From List', { resource: 'staticList', operation: 'get', findBy: 'list', list: rl('list', '={{ $json.id }}') }),
					node('Get A By Name', { resource: 'staticList', operation: 'get', findBy: 'name', name: lists.a.name }),
					node('Update A', {
						resource: 'staticList',
						operation: 'update',
						list: rl('id', '={{ $json.id }}'),
						updateFields: { name: `${lists.a.name}-renamed`, description: 'renamed' },
					}),
					node('Get A By New Name', { resource: 'staticList', operation: 'get', findBy: 'name', name: `${lists.a.name}-renamed` }),
				],
				// given by ID, with the Folder Type field
				[create('Create B', 'b', { folder: rl('id', program.id), folderType: program.type })],
				// a program picked from the list ("Program:<id>"): the Folder Type field is ignored
				[create('Create C', 'c', { folder: rl('list', folderValue(program)), folderType: 'Folder' })],
				[create('Create Members', 'members', { folder: rl('id', folder.id), folderType: folder.type })],
				[create('Create Mixed', 'mixed', { folder: rl('list', folderValue(folder)) })],
				[
					node('Update B Description', {
						resource: 'staticList',
						operation: 'update',
						list: rl('id', "={{ $('Create B').first().json.id }}"),
						updateFields: { description: 'only the description' },
					}),
				],
				[node('Get Many In Folder', { resource: 'staticList', operation: 'getAll', folder: rl('list', folderValue(folder)), returnAll: true })],
				[
					node('Get Many In Program', {
						resource: 'staticList',
						operation: 'getAll',
						folder: rl('id', program.id),
						folderType: program.type,
						returnAll: true,
					}),
				],
				// seeds updated on 2017-07-27 23:21 (1022) and 2017-07-28 00:11 (1023); 1021 was updated before the window
				...(rig.sandbox
					? [
							[
								node('Get Many Window', {
									resource: 'staticList',
									operation: 'getAll',
									earliestUpdatedAt: '2017-07-27T12:00:00.000Z',
									latestUpdatedAt: '2018-01-01T00:00:00.000Z',
									returnAll: true,
								}),
							],
						]
					: []),
				[node('Get Many Paging', { resource: 'staticList', operation: 'getAll', folder: rl('id', pagingFolder.id), folderType: pagingFolder.type, returnAll: true })],
				[node('Get Many Limit', { resource: 'staticList', operation: 'getAll', folder: rl('id', pagingFolder.id), folderType: pagingFolder.type, returnAll: false, limit: 250 })],
			);
			({ result, log } = await mustRun(workflow));
			const creators = { a: 'Create A', b: 'Create B', c: 'Create C', members: 'Create Members', mixed: 'Create Mixed' } as const;
			for (const key of Object.keys(lists) as Array<keyof typeof lists>) {
				const created = outputOf(result, creators[key])[0];
				if (typeof created?.id === 'number') lists[key].id = created.id;
			}
		});

		it('Create makes a list in a folder picked as "Folder:<id>", a program picked as "Program:<id>" and a program given by ID and type', () => {
			const a = outputOf(result, 'Create A');
			expect(a).toEqual([
				expect.objectContaining({ id: expect.any(Number), name: lists.a.name, description: 'first', folder: { id: folder.id, type: folder.type } }),
			]);
			for (const key of ['b', 'c'] as const) {
				expect(outputOf(result, `Create ${key.toUpperCase()}`)).toEqual([
					expect.objectContaining({ id: expect.any(Number), name: lists[key].name, folder: { id: program.id, type: program.type } }),
				]);
			}
			expect(new Set(Object.values(lists).map((l) => l.id)).size).toBe(5);
			rig.sandboxOnly(() => {
				const creates = select(log, '/rest/asset/v1/staticLists.json', 'POST');
				expect(creates).toHaveLength(5);
				expect(creates.every((c) => c.status === 200 && c.code === null)).toBe(true);
			});
		});

		it('Get finds the list by ID, by its Marketo URL, from the list mode and by exact name', () => {
			for (const name of ['Get A By ID', 'Get A By URL', 'Get A From List', 'Get A By Name']) {
				const items = itemsOf(result, name);
				expect(items).toHaveLength(1);
				expect(items[0].json).toEqual(
					expect.objectContaining({ id: lists.a.id, name: lists.a.name, description: 'first', folder: { id: folder.id, type: folder.type } }),
				);
				expect(pairedIndexes(items[0])).toEqual([0]);
			}
			expect(String(outputOf(result, 'Get A By ID')[0].computedUrl)).toMatch(new RegExp(`#ST${lists.a.id}A1$`));
			rig.sandboxOnly(() => {
				expect(select(log, `/rest/asset/v1/staticList/${lists.a.id}.json`, 'GET')).toHaveLength(3);
				const byName = select(log, '/rest/asset/v1/staticList/byName.json', 'GET');
				expect(byName.map((c) => c.query.name)).toEqual([lists.a.name, `${lists.a.name}-renamed`]);
			});
		});

		it('Update renames and describes the list; a description alone is changed without touching the name', () => {
			expect(outputOf(result, 'Update A')).toEqual([expect.objectContaining({ id: lists.a.id, name: `${lists.a.name}-renamed`, description: 'renamed' })]);
			expect(outputOf(result, 'Get A By New Name')).toEqual([expect.objectContaining({ id: lists.a.id, description: 'renamed' })]);
			lists.a.name = `${lists.a.name}-renamed`;
			expect(outputOf(result, 'Update B Description')).toEqual([
				expect.objectContaining({ id: lists.b.id, name: lists.b.name, description: 'only the description' }),
			]);
		});

		it('Get Many with a folder returns the lists in it; with a program, the lists in the program', () => {
			const inFolder = outputOf(result, 'Get Many In Folder');
			const ids = inFolder.map((l) => l.id);
			expect(ids).toEqual(expect.arrayContaining([lists.a.id, lists.members.id, lists.mixed.id]));
			const inProgram = outputOf(result, 'Get Many In Program').map((l) => l.id);
			expect(inProgram).toEqual(expect.arrayContaining([lists.b.id, lists.c.id]));
			rig.sandboxOnly(() => {
				// the seeds: 1021-1023 in folder 13, 1026 in program 1034
				expect(ids.sort()).toEqual([1021, 1022, 1023, lists.a.id, lists.members.id, lists.mixed.id].sort());
				expect(inProgram.sort()).toEqual([1026, lists.b.id, lists.c.id].sort());
				const browse = select(log, '/rest/asset/v1/staticLists.json', 'GET');
				expect(browse[0].query.folder).toBe(JSON.stringify(folder));
				expect(browse.some((c) => c.query.folder === JSON.stringify(program))).toBe(true);
			});
		});

		itSandbox.because(NEEDS_SANDBOX.seeds)('Get Many with an updated-at window returns only the lists updated in it', () => {
			expect(outputOf(result, 'Get Many Window').map((l) => l.id)).toEqual([1022, 1023]);
			const window = select(log, '/rest/asset/v1/staticLists.json', 'GET').find((c) => c.query.earliestUpdatedAt !== undefined);
			expect(window?.query).toEqual(expect.objectContaining({ earliestUpdatedAt: '2017-07-27T12:00:00Z', latestUpdatedAt: '2018-01-01T00:00:00Z' }));
		});

		it('Get Many with Return All pages through more than two pages of 200 lists; Limit stops at the limit', () => {
			const all = outputOf(result, 'Get Many Paging');
			const names = all.map((l) => l.name);
			expect(names).toEqual(expect.arrayContaining(pagingNames));
			expect(new Set(all.map((l) => l.id)).size).toBe(all.length);
			const limited = outputOf(result, 'Get Many Limit');
			expect(limited).toHaveLength(250);
			expect(limited.map((l) => l.id)).toEqual(all.slice(0, 250).map((l) => l.id));
		});

		itLog(`Get Many reads the ${PAGING_LISTS} lists in three pages of at most 200, and the limit of 250 in two`, () => {
			expect(outputOf(result, 'Get Many Paging')).toHaveLength(PAGING_LISTS);
			const pages = select(log, '/rest/asset/v1/staticLists.json', 'GET').filter((c) => c.query.folder === JSON.stringify(pagingFolder));
			// Return All: 0/200, 200/200, 400/200 (50 back, the end); Limit: 0/200, 200/50
			expect(pages.map((p) => [Number(p.query.offset), Number(p.query.maxReturn)])).toEqual([
				[0, 200],
				[200, 200],
				[400, 200],
				[0, 200],
				[200, 50],
			]);
		});
	});

	describe('Static List errors', () => {
		it('Create with a name already taken fails with 709, naming the name and the folder', async () => {
			const { result } = await runLogged(
				marketoWorkflow(rig.credential, { resource: 'staticList', operation: 'create', folder: rl('list', folderValue(folder)), name: lists.members.name }),
			);
			const text = failure(result, 'Marketo');
			expect(text).toMatch(/Marketo error 709/);
			expect(text).toContain(`"${lists.members.name}"`);
			expect(text).toMatch(/'Name'/);
			rig.sandboxOnly(() => expect(text).toMatch(/already exists/));
		});

		itSandbox.because(NEEDS_SANDBOX.seeds)("Delete of a list in use fails with Marketo's reason (709, naming what uses it)", async () => {
			const { result } = await runLogged(
				marketoWorkflow(rig.credential, { resource: 'staticList', operation: 'delete', list: rl('id', 1023) }),
			);
			const text = failure(result, 'Marketo');
			expect(text).toMatch(/Marketo error 709/);
			expect(text).toMatch(/used by Smart Campaign 'Nightly Dedupe'/);
			expect(text).toMatch(/static list 1023/);
		});

		itSandbox.because(NEEDS_SANDBOX.users)('a user without Read-Write Assets gets 603 on Create, with the permission named; reads still work', async () => {
			const readOnly = readOnlyCredential;
			const { result, log } = await runLogged(
				buildWorkflow(
					'read-only assets',
					[marketoNode(readOnly, { resource: 'staticList', operation: 'get', findBy: 'list', list: rl('id', lists.b.id) }, { name: 'Read' })],
					[marketoNode(readOnly, { resource: 'staticList', operation: 'create', folder: rl('list', folderValue(folder)), name: `${tag}-denied` }, { name: 'Write' })],
				),
			);
			expect(outputOf(result, 'Read')).toEqual([expect.objectContaining({ id: lists.b.id })]);
			const text = failure(result, 'Write');
			expect(text).toMatch(/Marketo error 603/);
			expect(text).toMatch(/Read-Write Assets/);
			expect(select(log, '/rest/asset/v1/staticLists.json', 'POST').map((c) => c.code)).toEqual(['603']);
		});
	});

	/* ------------------------------------------------------------------ list membership */

	describe('List Membership: add, check, read, remove', () => {
		let result: RunResult;
		let log: RequestLogEntry[];
		const members = () => leadIds.slice(0, MEMBERS);
		const outsiders = () => leadIds.slice(MEMBERS);
		/** The mixed run's input: known, unknown, duplicates, and three ids in one item. */
		const mixedInput = () => {
			const [x1, x2, x3, x4] = outsiders();
			return [{ id: x1 }, { id: BOGUS_LEADS[0] }, { id: x2 }, { id: x1 }, { id: `${x3}, ${x4}, ${x1}` }, { id: x2 }];
		};

		beforeAll(async () => {
			const membersList = rl('id', lists.members.id);
			const mixedList = rl('id', lists.mixed.id);
			const op = (operation: string, list: Json, extra: Json = {}) => ({ resource: 'listMembership', operation, list, leadId: '={{ $json.id }}', ...extra });
			const [m0, m1, m2] = members();
			const last = members()[MEMBERS - 1];
			const outside = outsiders()[0];
			const workflow = buildWorkflow(
				'list membership',
				[generatedItemsNode('Ids', MEMBERS, `(i) => ({ id: ${JSON.stringify(members())}[i] })`), node('Add 1000', op('add', membersList))],
				[itemsNode('Mixed Items', mixedInput()), node('Add Mixed', op('add', mixedList))],
				[itemsNode('Check Items', [{ id: m0 }, { id: last }, { id: outside }, { id: BOGUS_LEADS[1] }]), node('Check', op('isMember', membersList))],
				[node('Get Leads All', { resource: 'listMembership', operation: 'getLeads', list: membersList, fields: ['email', 'lastName'], returnAll: true })],
				[node('Get Leads Limit', { resource: 'listMembership', operation: 'getLeads', list: membersList, returnAll: false, limit: 650 })],
				[
					itemsNode('Remove Items', [{ id: m0 }, { id: m1 }, { id: outside }, { id: BOGUS_LEADS[0] }]),
					node('Remove', op('remove', membersList)),
					codeNode('Check After Remove Items', `return [${m0}, ${m2}].map((id) => ({ json: { id } }));`),
					node('Check After Remove', op('isMember', membersList)),
				],
			);
			({ result, log } = await mustRun(workflow));
		});

		it('Add Leads: 1,000 input items, every item paired with status added', () => {
			const items = itemsOf(result, 'Add 1000');
			expect(items).toHaveLength(MEMBERS);
			items.forEach((item, i) => {
				expect(pairedIndexes(item)).toEqual([i]);
				expect(item.json).toEqual({ listId: lists.members.id, leadId: members()[i], status: 'added', reasonCode: '', reasonMessage: '', reasons: [] });
			});
		});

		itLog('Add Leads sends the 1,000 ids in exactly 4 calls of at most 300', () => {
			const adds = select(log, membersPath(lists.members.id), 'POST');
			// batches go out in parallel: the log holds them in the order they were answered
			expect(adds.map((c) => c.recordCount).sort((a, b) => b! - a!)).toEqual([300, 300, 300, 100]);
			expect(adds.every((c) => c.status === 200 && c.code === null)).toBe(true);
			expect(rig.sandbox!.assets.memberIds(lists.members.id)).toHaveLength(MEMBERS - 2); // two removed later in the run
		});

		it('skipped records, duplicates and several ids in one item: every id reported for every item that gave it', () => {
			const [x1, x2, x3, x4] = outsiders();
			const items = itemsOf(result, 'Add Mixed');
			expect(items.map((i) => pairedIndexes(i)[0])).toEqual([0, 1, 2, 3, 4, 4, 4, 5]);
			expect(items.map((i) => [i.json.leadId, i.json.status])).toEqual([
				[x1, 'added'],
				[BOGUS_LEADS[0], 'skipped'],
				[x2, 'added'],
				[x1, 'added'],
				[x3, 'added'],
				[x4, 'added'],
				[x1, 'added'],
				[x2, 'added'],
			]);
			const skipped = items[1].json;
			expect(skipped).toEqual(expect.objectContaining({ listId: lists.mixed.id, reasonCode: '1004' }));
			expect(String(skipped.reasonMessage)).toMatch(/not found/i);
		});

		itLog('skipped records, duplicates and several ids in one item: one call, each id sent once', () => {
			// x1, bogus, x2, x3, x4
			expect(select(log, membersPath(lists.mixed.id), 'POST').map((c) => c.recordCount)).toEqual([5]);
		});

		it('Check Membership tells memberof / notmemberof per lead, and skips an unknown lead', () => {
			expect(outputOf(result, 'Check').map((o) => [o.leadId, o.status, o.reasonCode])).toEqual([
				[members()[0], 'memberof', ''],
				[members()[MEMBERS - 1], 'memberof', ''],
				[outsiders()[0], 'notmemberof', ''],
				[BOGUS_LEADS[1], 'skipped', '1004'],
			]);
			rig.sandboxOnly(() => expect(select(log, `/rest/v1/lists/${lists.members.id}/leads/ismember.json`, 'GET').map((c) => c.recordCount)).toEqual([4, 2]));
		});

		it('Get Leads with Return All returns every member in order; Limit stops at the limit', () => {
			const all = outputOf(result, 'Get Leads All');
			expect(all.map((l) => l.id)).toEqual(members());
			expect(all[0]).toEqual(expect.objectContaining({ id: members()[0], email: expect.any(String), lastName: expect.any(String) }));
			const limited = outputOf(result, 'Get Leads Limit');
			expect(limited.map((l) => l.id)).toEqual(members().slice(0, 650));
		});

		itLog('Get Leads pages through 4 pages of 300 with nextPageToken, and the limit of 650 in 3', () => {
			const pages = select(log, membersPath(lists.members.id), 'GET');
			expect(pages.map((p) => Number(p.query.batchSize))).toEqual([300, 300, 300, 300, 300, 300, 50]);
			const tokens = pages.map((p) => p.query.nextPageToken);
			for (const i of [0, 4]) expect(tokens[i]).toBeUndefined();
			for (const i of [1, 2, 3, 5, 6]) expect(tokens[i]).toEqual(expect.any(String));
			expect(pages[0].query.fields).toBe('email,lastName');
		});

		it('Remove Leads reports removed, not a member, and lead not found; membership follows', () => {
			const removed = outputOf(result, 'Remove');
			expect(removed.map((o) => [o.leadId, o.status])).toEqual([
				[members()[0], 'removed'],
				[members()[1], 'removed'],
				[outsiders()[0], expect.any(String)],
				[BOGUS_LEADS[0], 'skipped'],
			]);
			expect(removed[3].reasonCode).toBe('1004');
			rig.sandboxOnly(() => {
				expect(removed[2]).toEqual(expect.objectContaining({ status: 'skipped', reasonCode: '1015' }));
				expect(select(log, membersPath(lists.members.id), 'DELETE').map((c) => c.recordCount)).toEqual([4]);
			});
			expect(outputOf(result, 'Check After Remove').map((o) => o.status)).toEqual(['notmemberof', 'memberof']);
		});
	});

	describe('List Membership: bad input and failing calls', () => {
		const add = (list: Json = rl('id', lists.mixed.id)) => ({ resource: 'listMembership', operation: 'add', list, leadId: '={{ $json.id }}' });

		it("a lead ID that is not a number fails, naming 'Lead ID' and the value", async () => {
			const { result } = await runLogged(marketoWorkflow(rig.credential, add(), { items: [{ id: leadIds[0] }, { id: 'abc' }] }));
			const text = failure(result, 'Marketo');
			expect(text).toMatch(/'Lead ID' must be a Marketo ID/);
			expect(text).toMatch(/"abc"/);
		});

		itLog('… and before any call', () => {
			expect(lastLog.filter((e) => e.path.startsWith('/rest/v1/lists/'))).toHaveLength(0);
		});

		it("an empty lead ID fails, naming 'Lead ID'", async () => {
			const { result } = await runLogged(marketoWorkflow(rig.credential, add(), { items: [{ id: leadIds[0] }, { id: '' }] }));
			const text = failure(result, 'Marketo');
			expect(text).toMatch(/'Lead ID' is empty/);
		});

		itLog('… and before any call', () => {
			expect(lastLog.filter((e) => e.path.startsWith('/rest/v1/lists/'))).toHaveLength(0);
		});

		it('an unknown list fails with Marketo 1013, naming the list', async () => {
			const { result } = await runLogged(marketoWorkflow(rig.credential, add(rl('id', BOGUS_LIST)), { items: [{ id: leadIds[0] }] }));
			const text = failure(result, 'Marketo');
			expect(text).toMatch(/Marketo error (1013|610)/);
			expect(text).toMatch(new RegExp(`'List': static list ${BOGUS_LIST}`));
		});

		it('with Continue On Fail, bad items and items of a failing call carry the error; the others are sent', async () => {
			const cof = { onError: 'continueRegularOutput' as const };
			const { result, log } = await mustRun(
				buildWorkflow(
					'continue on fail',
					[itemsNode('Some Bad', [{ id: leadIds[0] }, { id: 'abc' }, { id: '' }, { id: leadIds[1] }]), node('Add Some Bad', add(), cof)],
					[itemsNode('Unknown List Items', [{ id: leadIds[0] }, { id: leadIds[1] }]), node('Add Unknown List', add(rl('id', BOGUS_LIST)), cof)],
					[node('Get Unknown List', { resource: 'staticList', operation: 'get', findBy: 'list', list: rl('id', BOGUS_LIST) }, cof)],
					[node('Get Unknown Name', { resource: 'staticList', operation: 'get', findBy: 'name', name: `${tag}-nobody` }, cof)],
				),
			);
			const some = itemsOf(result, 'Add Some Bad');
			expect(some.map((i) => pairedIndexes(i)[0])).toEqual([0, 1, 2, 3]);
			expect(some[0].json).toEqual(expect.objectContaining({ leadId: leadIds[0], status: 'added' }));
			expect(String(some[1].json.error)).toMatch(/'Lead ID' must be a Marketo ID.*"abc"/);
			expect(String(some[2].json.error)).toMatch(/'Lead ID' is empty/);
			expect(some[3].json).toEqual(expect.objectContaining({ leadId: leadIds[1], status: 'added' }));

			const unknown = itemsOf(result, 'Add Unknown List');
			expect(unknown.map((i) => pairedIndexes(i)[0])).toEqual([0, 1]);
			unknown.forEach((item, i) => {
				expect(item.json).toEqual(expect.objectContaining({ listId: BOGUS_LIST, leadId: leadIds[i] }));
				expect(String(item.json.error)).toMatch(/Marketo error (1013|610)/);
				expect(String(item.json.errorDescription)).toMatch(new RegExp(`'List': static list ${BOGUS_LIST}`));
			});

			const [missing] = outputOf(result, 'Get Unknown List');
			expect(String(missing.error)).toMatch(new RegExp(`'List': no static list with ID ${BOGUS_LIST}`));
			expect(String(outputOf(result, 'Get Unknown Name')[0].error)).toContain(`'Name': no static list named "${tag}-nobody"`);
			rig.sandboxOnly(() => {
				expect(select(log, membersPath(lists.mixed.id), 'POST').map((c) => c.recordCount)).toEqual([2]);
				expect(select(log, membersPath(BOGUS_LIST), 'POST').map((c) => c.code)).toEqual(['1013']);
			});
		});
	});

	/* ------------------------------------------------------------------ delete (last: the lists above are used until here) */

	describe('Static List: delete', () => {
		it('Delete removes the lists; a deleted list is not found any more', async () => {
			const doomed = Object.values(lists).map((l) => l.id);
			const { result, log } = await mustRun(
				buildWorkflow('delete lists', [
					itemsNode('Doomed', doomed.map((id) => ({ id }))),
					node('Delete', { resource: 'staticList', operation: 'delete', list: rl('id', '={{ $json.id }}') }),
					node('Get Deleted', { resource: 'staticList', operation: 'get', findBy: 'list', list: rl('id', '={{ $json.id }}') }, { onError: 'continueRegularOutput' }),
				]),
			);
			expect(outputOf(result, 'Delete')).toEqual(doomed.map((id) => ({ id, deleted: true })));
			const gone = outputOf(result, 'Get Deleted');
			expect(gone).toHaveLength(doomed.length);
			gone.forEach((g, i) => expect(String(g.error)).toMatch(new RegExp(`no static list with ID ${doomed[i]}`)));
			rig.sandboxOnly((sandbox) => {
				expect(doomed.map((id) => select(log, `/rest/asset/v1/staticList/${id}/delete.json`, 'POST').length)).toEqual(doomed.map(() => 1));
				for (const id of doomed) expect(sandbox.assets.list(id)).toBeUndefined();
			});
		});
	});
});
