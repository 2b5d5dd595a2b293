/**
 * Static List and List Membership operations, run through the node's router against the in-process sandbox().
 * n8n itself is replaced by a small stand-in for IExecuteFunctions: parameters are given per item (a function of
 * the item stands in for an expression), and resource locators are resolved the way n8n does it, with the regex
 * the node declares for the URL mode. The end-to-end tests run the same operations in a real n8n; these cover the
 * input checks and the batching corners quickly.
 */
import { listSearch } from '../../../nodes/Marketo/methods/listSearch';
import { fileSandbox, fromItem, jsonOf as json, nodeHarness, pairedOf as paired, rl, type Json, type Param } from '../helpers/nodeHarness';

describe('Static List and List Membership operations against the sandbox', () => {
	const { sandbox, credential } = fileSandbox({ seedLeads: 1000, latencyMs: 0, limits: false });
	const { run: runNode, calls, loadOptionsContext } = nodeHarness(sandbox, () => credential());
	const run = (parameters: Parameters<typeof runNode>[0], items: Json[] = [{}], continueOnFail = false) =>
		runNode(parameters, items, { continueOnFail });

	describe('pickers', () => {
		it('a search reads further pages until it has matches: a list among 700 is found in one search', async () => {
			for (let n = 0; n < 700; n++) sandbox().assets.createList(n === 650 ? 'Needle Campaign List' : `Filler ${n}`, { id: 13, type: 'Folder' });
			sandbox().clearLog();
			const found = await listSearch.searchStaticLists.call(loadOptionsContext(), 'needle');
			expect(found.results).toEqual([expect.objectContaining({ name: 'Needle Campaign List' })]);
			expect(found.paginationToken).toBeUndefined();
			expect(calls('/rest/asset/v1/staticLists.json')).toHaveLength(4);
			// browsing without a search text reads one page at a time
			const browsed = await listSearch.searchStaticLists.call(loadOptionsContext());
			expect(browsed.results).toHaveLength(200);
			expect(browsed.paginationToken).toBe('200');
		});

		it('the folder picker offers programs below the second level, with their type', async () => {
			const deep = sandbox().assets.createFolder('Regional', { id: 14, type: 'Folder' });
			const deeper = sandbox().assets.createFolder('EMEA', deep.ref);
			const found = await listSearch.searchFolders.call(loadOptionsContext(), 'emea');
			expect(found.results).toEqual([expect.objectContaining({ value: `Folder:${deeper.ref.id}` })]);
			expect(calls('/rest/asset/v1/folders.json')[0].query).toMatchObject({ maxDepth: '10' });
		});
	});

	describe('Static List', () => {
		it.each([
			['id', rl('id', ' 1021 ')],
			['url', rl('url', 'https://app-ab12.marketo.com/#ST1021A1LA1')],
			['list', rl('list', '1021')],
		])('Get finds a list given in the locator mode %s', async (_mode, list) => {
			expect(json(await run({ resource: 'staticList', operation: 'get', findBy: 'list', list }))).toEqual([
				expect.objectContaining({ id: 1021, name: 'Foundation Seed List', folder: { id: 13, type: 'Folder' } }),
			]);
		});

		it('Get by exact name is case-sensitive and says which name was not found', async () => {
			const get = (name: string) => run({ resource: 'staticList', operation: 'get', findBy: 'name', name });
			expect(json(await get('Webinar Registrants'))).toEqual([expect.objectContaining({ id: 1026 })]);
			await expect(get('webinar registrants')).rejects.toThrow(`'Name': no static list named "webinar registrants"`);
			await expect(get('  ')).rejects.toThrow(`'Name' is empty`);
		});

		it('a list ID that is not a number fails before any call, naming the list field', async () => {
			await expect(run({ resource: 'staticList', operation: 'get', findBy: 'list', list: rl('id', '10x') })).rejects.toThrow(
				/'List' must be a Marketo ID .*"10x"/,
			);
			expect(calls(/^\/rest\//)).toHaveLength(0);
		});

		it('Create takes "Folder:<id>", "Program:<id>", or an ID with the Folder Type; a bad folder fails before any call', async () => {
			const create = (folder: Json, folderType: string, name: string) => run({ resource: 'staticList', operation: 'create', folder, folderType, name, description: '' });
			expect(json(await create(rl('list', 'Program:1034'), 'Folder', 'in program'))[0].folder).toEqual({ id: 1034, type: 'Program' });
			expect(json(await create(rl('list', 'Folder:14'), 'Program', 'in folder'))[0].folder).toEqual({ id: 14, type: 'Folder' });
			expect(json(await create(rl('id', '1034'), 'Program', 'by id'))[0].folder).toEqual({ id: 1034, type: 'Program' });
			sandbox().clearLog();
			await expect(create(rl('id', 'Events'), 'Folder', 'bad folder')).rejects.toThrow(/'Folder' must be picked from the list or given as a folder ID/);
			await expect(create(rl('id', '13'), 'Folder', ' ')).rejects.toThrow(`'Name' is empty`);
			expect(calls(/^\/rest\//)).toHaveLength(0);
		});

		it('Create, Update and Delete check every item before the first call: a bad third item leaves Marketo untouched', async () => {
			const items = [{ name: 'first', id: '1021' }, { name: 'second', id: '1026' }, { name: ' ', id: 'x1' }];
			sandbox().clearLog();
			await expect(
				run({ resource: 'staticList', operation: 'create', folder: rl('id', '13'), folderType: 'Folder', name: fromItem('name') }, items),
			).rejects.toThrow(`'Name' is empty`);
			await expect(run({ resource: 'staticList', operation: 'delete', list: (item: Json) => rl('id', String(item.id)) }, items)).rejects.toThrow(
				/'List' must be a Marketo ID .*"x1"/,
			);
			await expect(
				run({ resource: 'staticList', operation: 'update', list: (item: Json) => rl('id', String(item.id)), updateFields: { name: 'renamed' } }, items),
			).rejects.toThrow(/'List' must be a Marketo ID .*"x1"/);
			expect(calls(/^\/rest\//)).toHaveLength(0);
		});

		it('with Continue On Fail, a bad item becomes an error item and the others are still created, in input order', async () => {
			const items = [{ name: 'kept one' }, { name: '' }, { name: 'kept two' }];
			const output = await run({ resource: 'staticList', operation: 'create', folder: rl('id', '13'), folderType: 'Folder', name: fromItem('name') }, items, true);
			expect(json(output).map((o) => o.name ?? o.error)).toEqual(['kept one', expect.stringContaining("'Name' is empty"), 'kept two']);
			expect(paired(output)).toEqual([0, 1, 2]);
		});

		it('Create with a taken name fails with 709 naming the name; an unknown folder with 710', async () => {
			const create = (folder: string, name: string) => run({ resource: 'staticList', operation: 'create', folder: rl('id', folder), folderType: 'Folder', name });
			await expect(create('13', 'Foundation Seed List')).rejects.toMatchObject({
				message: expect.stringMatching(/^Marketo error 709: .*already exists/),
				description: expect.stringContaining(`'Name': "Foundation Seed List" in folder 13.`),
			});
			await expect(create('4242', 'Anything')).rejects.toThrow(/Marketo error 710/);
		});

		it('Update needs a name or a description; a blank name alone is refused before any call', async () => {
			const update = (updateFields: Json) => run({ resource: 'staticList', operation: 'update', list: rl('id', 1022), updateFields });
			await expect(update({})).rejects.toThrow(`'Update Fields' is empty`);
			await expect(update({ name: '  ' })).rejects.toThrow(`'Update Fields' is empty`);
			expect(calls(/^\/rest\/asset\//, 'POST')).toHaveLength(0);
			expect(json(await update({ description: 'kept name' }))).toEqual([expect.objectContaining({ id: 1022, name: 'Blacklist Seed List', description: 'kept name' })]);
			await expect(update({ name: 'Foundation Seed List' })).rejects.toThrow(/Marketo error 709/);
		});

		it("Delete of a list in use fails with Marketo's reason; an unknown list names its ID", async () => {
			const remove = (id: number) => run({ resource: 'staticList', operation: 'delete', list: rl('id', id) });
			await expect(remove(1023)).rejects.toMatchObject({
				message: expect.stringMatching(/Marketo error 709: .*used by Smart Campaign 'Nightly Dedupe'/),
				description: expect.stringContaining("'List': static list 1023."),
			});
			await expect(remove(4242)).rejects.toMatchObject({ description: expect.stringContaining("'List': static list 4242.") });
			expect(json(await remove(1022))).toEqual([{ id: 1022, deleted: true }]);
			expect(sandbox().assets.list(1022)).toBeUndefined();
		});

		it('Get Many pages by offset with maxReturn 200 until a short page; Limit asks only for what it needs', async () => {
			const folder = sandbox().assets.createFolder('Paging', { id: 12, type: 'Folder' });
			for (let i = 0; i < 400; i++) sandbox().assets.createList(`paging ${i}`, folder.ref);
			const browse = (extra: Json) =>
				run({ resource: 'staticList', operation: 'getAll', folder: rl('id', folder.ref.id), folderType: 'Folder', earliestUpdatedAt: '', latestUpdatedAt: '', ...extra });
			sandbox().clearLog();
			expect(await browse({ returnAll: true })).toHaveLength(400);
			// exactly 400: the third page is the "No assets found" warning, the end and not an error
			expect(calls('/rest/asset/v1/staticLists.json').map((c) => [c.query.offset, c.query.maxReturn])).toEqual([
				['0', '200'],
				['200', '200'],
				['400', '200'],
			]);
			sandbox().clearLog();
			expect(await browse({ returnAll: false, limit: 200 })).toHaveLength(200);
			expect(calls('/rest/asset/v1/staticLists.json')).toHaveLength(1);
		});

		it('Get Many checks the updated-at window before any call', async () => {
			await expect(
				run({ resource: 'staticList', operation: 'getAll', folder: rl('list', ''), earliestUpdatedAt: '2020-02-01T00:00:00Z', latestUpdatedAt: '2020-01-01T00:00:00Z', returnAll: true }),
			).rejects.toThrow(/'Updated After' .* is later than 'Updated Before'/);
			await expect(run({ resource: 'staticList', operation: 'getAll', folder: rl('list', ''), earliestUpdatedAt: 'yesterday', returnAll: true })).rejects.toThrow(
				/'Updated After' is not a date/,
			);
			expect(calls(/^\/rest\//)).toHaveLength(0);
		});
	});

	describe('List Membership', () => {
		const member = (operation: string, list: Param, leadId: Param = fromItem('id')) => ({ resource: 'listMembership', operation, list, leadId });
		// every row has the reason columns, empty when Marketo gave no reason
		const added = (listId: number, leadId: number) => ({ listId, leadId, status: 'added', reasonCode: '', reasonMessage: '', reasons: [] });

		it('ids of items naming different lists are grouped per list, each list in its own calls', async () => {
			const items = [
				{ list: 1021, id: 1 },
				{ list: 1022, id: 2 },
				{ list: 1021, id: 3 },
			];
			const output = await run(member('add', (j: Json) => rl('id', j.list as number)), items);
			expect(json(output)).toEqual([
				added(1021, 1),
				added(1022, 2),
				added(1021, 3),
			]);
			expect(paired(output)).toEqual([0, 1, 2]);
			expect(calls('/rest/v1/lists/1021/leads.json', 'POST').map((c) => c.recordCount)).toEqual([2]);
			expect(calls('/rest/v1/lists/1022/leads.json', 'POST').map((c) => c.recordCount)).toEqual([1]);
		});

		it('duplicates across 301 items are sent once: one call of 300, and every item still gets its status', async () => {
			const items = Array.from({ length: 301 }, (_, i) => ({ id: i === 300 ? 1 : i + 1 }));
			const output = await run(member('add', rl('id', 1021)), items);
			expect(output).toHaveLength(301);
			expect(json(output)[300]).toEqual(added(1021, 1));
			expect(paired(output)[300]).toBe(300);
			expect(calls('/rest/v1/lists/1021/leads.json', 'POST').map((c) => c.recordCount)).toEqual([300]);
		});

		it('an item may give several ids (comma, semicolon or space separated, or an array)', async () => {
			const output = await run(member('add', rl('id', 1021)), [{ id: '4; 5 6' }, { id: [7, '8'] }]);
			expect(json(output).map((o) => o.leadId)).toEqual([4, 5, 6, 7, 8]);
			expect(paired(output)).toEqual([0, 0, 0, 1, 1]);
		});

		it("bad lead ids fail before any call, naming 'Lead ID' and the item", async () => {
			for (const bad of ['abc', '', '12.5', '-3', null]) {
				sandbox().clearLog();
				const error = await run(member('add', rl('id', 1021)), [{ id: 1 }, { id: bad }]).catch((e: unknown) => e as Error & { context?: Json });
				expect(error).toBeInstanceOf(Error);
				expect((error as Error).message).toMatch(/'Lead ID' (must be a Marketo ID|is empty)/);
				expect((error as { context?: Json }).context?.itemIndex).toBe(1);
				expect(calls(/^\/rest\/v1\/lists\//)).toHaveLength(0);
			}
		});

		it('Remove reports removed, 1015 for a lead not in the list and 1004 for an unknown lead; Check Membership follows', async () => {
			await run(member('add', rl('id', 1021)), [{ id: 10 }, { id: 11 }]);
			const removed = json(await run(member('remove', rl('id', 1021)), [{ id: 10 }, { id: 12 }, { id: 999999 }]));
			expect(removed.map((o) => [o.leadId, o.status, o.reasonCode])).toEqual([
				[10, 'removed', ''],
				[12, 'skipped', '1015'],
				[999999, 'skipped', '1004'],
			]);
			const checked = json(await run(member('isMember', rl('id', 1021)), [{ id: 10 }, { id: 11 }, { id: 999999 }]));
			expect(checked.map((o) => o.status)).toEqual(['notmemberof', 'memberof', 'skipped']);
		});

		it('an unknown list: 1013 stops the node naming the list; with Continue On Fail every item of the call carries it', async () => {
			await expect(run(member('add', rl('id', 4242)), [{ id: 1 }])).rejects.toMatchObject({
				message: expect.stringMatching(/^Marketo error 1013/),
				description: expect.stringContaining("'List': static list 4242."),
			});
			const output = json(await run(member('add', rl('id', 4242)), [{ id: 1 }, { id: 'x' }, { id: 2 }], true));
			expect(output[0]).toEqual(expect.objectContaining({ listId: 4242, leadId: 1, error: expect.stringMatching(/1013/) }));
			expect(output[1].error).toMatch(/'Lead ID' must be a Marketo ID/);
			expect(output[2]).toEqual(expect.objectContaining({ listId: 4242, leadId: 2, error: expect.stringMatching(/1013/) }));
		});

		it('Get Leads pages with nextPageToken and batchSize 300; Limit trims the last page', async () => {
			await run(member('add', rl('id', 1022)), Array.from({ length: 700 }, (_, i) => ({ id: i + 1 })));
			sandbox().clearLog();
			const all = json(await run({ resource: 'listMembership', operation: 'getLeads', list: rl('id', 1022), fields: ['email'], returnAll: true }));
			expect(all.map((l) => l.id)).toEqual(Array.from({ length: 700 }, (_, i) => i + 1));
			expect(all[0]).toEqual({ id: 1, email: 'lead1@sandbox.example.com' });
			const pages = calls('/rest/v1/lists/1022/leads.json', 'GET');
			expect(pages.map((p) => [p.query.batchSize, typeof p.query.nextPageToken])).toEqual([
				['300', 'undefined'],
				['300', 'string'],
				['300', 'string'],
			]);
			sandbox().clearLog();
			expect(await run({ resource: 'listMembership', operation: 'getLeads', list: rl('id', 1022), fields: [], returnAll: false, limit: 301 })).toHaveLength(301);
			expect(calls('/rest/v1/lists/1022/leads.json', 'GET').map((p) => p.query.batchSize)).toEqual(['300', '1']);
		});
	});
});
