import { type Api, startSandbox } from './helpers';

const LIST_1021 = {
	id: 1021,
	name: 'Foundation Seed List',
	createdAt: '2017-07-27T01:38:33Z+0000',
	updatedAt: '2017-07-27T01:39:26Z+0000',
	folder: { id: 13, type: 'Folder' },
	computedUrl: expect.stringMatching(/#ST1021A1$/),
};

describe('asset API: static lists and folders', () => {
	let api: Api;
	beforeEach(async () => {
		api = await startSandbox();
	});
	afterEach(async () => api.stop());

	it('gets a static list by id and by exact name, in the asset envelope', async () => {
		const byId = await api.get('/rest/asset/v1/staticList/1021.json');
		expect(byId).toEqual({ success: true, errors: [], requestId: expect.any(String), warnings: [], result: [LIST_1021] });
		const byName = await api.get('/rest/asset/v1/staticList/byName.json', { name: 'Foundation Seed List' });
		expect(byName.result).toEqual([LIST_1021]);
		const missing = await api.get('/rest/asset/v1/staticList/9999.json');
		expect(missing).toMatchObject({ success: true, warnings: ['No assets found for the given search criteria.'] });
		expect(missing.result).toBeUndefined();
		expect((await api.get('/rest/asset/v1/staticList/byName.json', { name: 'foundation seed list' })).result).toBeUndefined();
		expect((await api.get('/rest/asset/v1/staticList/byName.json')).errors[0].code).toBe('701');
	});

	it('browses by folder, by updatedAt window, and pages with offset/maxReturn until "No assets found"', async () => {
		const inFolder = await api.get('/rest/asset/v1/staticLists.json', { folder: JSON.stringify({ id: 13, type: 'Folder' }) });
		expect(inFolder.result.map((l: { id: number }) => l.id)).toEqual([1021, 1022, 1023]);
		const underEvents = await api.get('/rest/asset/v1/staticLists.json', { folder: '{"id":14,"type":"Folder"}' });
		expect(underEvents.result.map((l: { id: number }) => l.id)).toEqual([1026]);
		const window = await api.get('/rest/asset/v1/staticLists.json', { earliestUpdatedAt: '2017-07-27T23:00:00Z', latestUpdatedAt: '2017-07-28T23:59:59Z' });
		expect(window.result.map((l: { id: number }) => l.id)).toEqual([1022, 1023]);

		const ids: number[] = [];
		for (let offset = 0; ; offset += 2) {
			const page = await api.get('/rest/asset/v1/staticLists.json', { offset, maxReturn: 2 });
			expect(page.success).toBe(true);
			if (!page.result) {
				expect(page.warnings).toEqual(['No assets found for the given search criteria.']);
				break;
			}
			ids.push(...page.result.map((l: { id: number }) => l.id));
		}
		expect(ids).toEqual([1021, 1022, 1023, 1026]);
		expect((await api.get('/rest/asset/v1/staticLists.json', { maxReturn: 201 })).errors[0].code).toBe('1003');
		expect((await api.get('/rest/asset/v1/staticLists.json', { folder: '{"id":77,"type":"Folder"}' })).errors[0].code).toBe('710');
	});

	it('creates with a form-encoded POST, rejects duplicate names with 709, updates and deletes', async () => {
		const created = await api.call('POST', '/rest/asset/v1/staticLists.json', {
			form: { folder: '{"id":1034,"type":"Program"}', name: 'My Static List' },
		});
		expect(created.body.result).toEqual([
			{
				id: 1027,
				name: 'My Static List',
				createdAt: expect.stringMatching(/Z\+0000$/),
				updatedAt: expect.stringMatching(/Z\+0000$/),
				folder: { id: 1034, type: 'Program' },
				computedUrl: expect.stringMatching(/#ST1027A1$/),
			},
		]);
		const dup = await api.call('POST', '/rest/asset/v1/staticLists.json', { form: { folder: '{"id":13,"type":"Folder"}', name: 'My Static List' } });
		expect(dup.body.success).toBe(false);
		expect(dup.body.errors[0].code).toBe('709');
		const noName = await api.call('POST', '/rest/asset/v1/staticLists.json', { form: { folder: '{"id":13,"type":"Folder"}' } });
		expect(noName.body.errors[0].code).toBe('701');

		const updated = await api.call('POST', '/rest/asset/v1/staticList/1027.json', { form: { description: 'This is a static list used for testing' } });
		expect(updated.body.result[0]).toMatchObject({ id: 1027, name: 'My Static List', description: 'This is a static list used for testing' });
		const clash = await api.call('POST', '/rest/asset/v1/staticList/1027.json', { form: { name: 'Foundation Seed List' } });
		expect(clash.body.errors[0].code).toBe('709');

		const del = await api.call('POST', '/rest/asset/v1/staticList/1027/delete.json');
		expect(del.body).toMatchObject({ success: true, result: [{ id: 1027 }] });
		expect((await api.get('/rest/asset/v1/staticList/1027.json')).result).toBeUndefined();
		expect((await api.call('POST', '/rest/asset/v1/staticList/1027/delete.json')).body.errors[0].code).toBe('702');
	});

	it('refuses to delete a list that is in use', async () => {
		const r = await api.call('POST', '/rest/asset/v1/staticList/1023/delete.json');
		expect(r.body.success).toBe(false);
		expect(r.body.errors[0]).toEqual({ code: '709', message: expect.stringContaining('used by') });
		expect(api.sb.assets.list(1023)).toBeDefined();
	});

	it('needs asset permissions: read-only assets can browse but not create', async () => {
		await api.stop();
		api = await startSandbox({ apiUserPermissions: ['readWriteLead', 'readOnlyAssets'] });
		expect((await api.get('/rest/asset/v1/staticLists.json')).success).toBe(true);
		const r = await api.call('POST', '/rest/asset/v1/staticLists.json', { form: { folder: '{"id":13,"type":"Folder"}', name: 'X' } });
		expect(r.body.errors[0].code).toBe('603');
	});

	it('browses folders with root and maxDepth, and gets one by id and by name', async () => {
		const all = await api.get('/rest/asset/v1/folders.json');
		const names = all.result.map((f: { name: string }) => f.name);
		expect(names).toEqual(expect.arrayContaining(['Marketing Activities', 'Seed Lists', 'Events', 'Summer Webinar']));
		const seed = all.result.find((f: { name: string }) => f.name === 'Seed Lists');
		expect(seed).toMatchObject({
			id: 13,
			folderId: { id: 13, type: 'Folder' },
			folderType: 'Marketing Folder',
			parent: { id: 12, type: 'Folder' },
			path: '/Marketing Activities/Seed Lists',
			isArchive: false,
		});
		const shallow = await api.get('/rest/asset/v1/folders.json', { root: '{"id":12,"type":"Folder"}', maxDepth: 1 });
		expect(shallow.result.map((f: { id: number }) => f.id)).toEqual([12, 13, 14]);
		const program = await api.get('/rest/asset/v1/folder/1034.json', { type: 'Program' });
		expect(program.result[0]).toMatchObject({ name: 'Summer Webinar', folderType: 'Marketing Program' });
		expect((await api.get('/rest/asset/v1/folder/byName.json', { name: 'Events' })).result[0].id).toBe(14);
	});
});
