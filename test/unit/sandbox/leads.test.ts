import { seedEmail } from '../../../sandbox';
import { type Api, startSandbox } from './helpers';

describe('lead database endpoints', () => {
	let api: Api;
	beforeEach(async () => {
		api = await startSandbox({ seedLeads: 10 });
	});
	afterEach(async () => api.stop());

	describe('partitions', () => {
		it('lists the default partitions', async () => {
			const r = await api.get('/rest/v1/leads/partitions.json');
			expect(r.success).toBe(true);
			expect(r.result).toEqual([
				{ id: 1, name: 'Default', description: expect.any(String) },
				{ id: 2, name: 'Mexico', description: expect.any(String) },
				{ id: 3, name: 'Canada', description: expect.any(String) },
			]);
		});

		it('moves leads between partitions with per-record outcomes', async () => {
			const r = await api.post('/rest/v1/leads/partitions.json', {
				input: [
					{ id: 1, partitionName: 'Mexico' },
					{ id: 999, partitionName: 'Mexico' },
					{ id: 2, partitionName: 'Atlantis' },
					{ id: 3 },
				],
			});
			expect(r.success).toBe(true);
			expect(r.result).toEqual([
				{ id: 1, status: 'updated' },
				{ id: 999, status: 'skipped', reasons: [{ code: '1004', message: 'Lead not found' }] },
				{ id: 2, status: 'skipped', reasons: [{ code: '1003', message: "Partition 'Atlantis' not found" }] },
				{ id: 3, status: 'skipped', reasons: [{ code: '1009', message: 'Partition name must be specified' }] },
			]);
			const lead = await api.get('/rest/v1/lead/1.json', { fields: 'leadPartitionId' });
			expect(lead.result).toEqual([{ id: 1, leadPartitionId: 2 }]);
			expect(api.sb.requestLog.find((e) => e.path === '/rest/v1/leads/partitions.json' && e.method === 'POST')!.recordCount).toBe(4);
		});

		it('rejects a missing input array with 1003', async () => {
			const r = await api.post('/rest/v1/leads/partitions.json', {});
			expect(r.errors[0].code).toBe('1003');
		});
	});

	describe('sync leads', () => {
		it('creates with sequential ids and updates by email (case-insensitive) under createOrUpdate', async () => {
			const r = await api.post('/rest/v1/leads.json', {
				input: [
					{ email: 'new.one@acme.test', firstName: 'New' },
					{ email: 'new.two@acme.test' },
					{ email: 'LEAD3@sandbox.example.com', title: 'Chief' },
				],
			});
			expect(r.result).toEqual([
				{ id: 11, status: 'created' },
				{ id: 12, status: 'created' },
				{ id: 3, status: 'updated' },
			]);
			const got = await api.get('/rest/v1/lead/3.json', { fields: 'email,title' });
			expect(got.result).toEqual([{ id: 3, email: 'LEAD3@sandbox.example.com', title: 'Chief' }]);
			expect(api.sb.leads.findBy('email', seedEmail(3))).toEqual([3]);
		});

		it('honours createOnly, updateOnly and createDuplicate', async () => {
			const createOnly = await api.post('/rest/v1/leads.json', { action: 'createOnly', input: [{ email: seedEmail(1) }, { email: 'x@acme.test' }] });
			expect(createOnly.result[0]).toMatchObject({ status: 'skipped', reasons: [{ code: '1005', message: 'Lead already exists' }] });
			expect(createOnly.result[1]).toEqual({ id: 11, status: 'created' });
			const updateOnly = await api.post('/rest/v1/leads.json', { action: 'updateOnly', input: [{ email: 'nobody@acme.test' }, { email: 'x@acme.test', company: 'Acme' }] });
			expect(updateOnly.result).toEqual([
				{ status: 'skipped', reasons: [{ code: '1004', message: 'Lead not found' }] },
				{ id: 11, status: 'updated' },
			]);
			const dup = await api.post('/rest/v1/leads.json', { action: 'createDuplicate', input: [{ email: 'x@acme.test' }] });
			expect(dup.result).toEqual([{ id: 12, status: 'created' }]);
			const multi = await api.post('/rest/v1/leads.json', { input: [{ email: 'x@acme.test', title: 'T' }] });
			expect(multi.result[0]).toMatchObject({ status: 'skipped', reasons: [{ code: '1007' }] });
		});

		it('updates by id with lookupField id and skips unknown fields, read-only fields and bad values', async () => {
			const r = await api.post('/rest/v1/leads.json', {
				lookupField: 'id',
				input: [{ id: 2, leadScore: '42' }, { id: 404, firstName: 'X' }, { id: 2, shoeSize: 9 }, { id: 2, createdAt: '2020-01-01' }, { id: 2, leadScore: 'high' }],
			});
			expect(r.result[0]).toEqual({ id: 2, status: 'updated' });
			expect(r.result[1]).toMatchObject({ status: 'skipped', reasons: [{ code: '1004' }] });
			expect(r.result[2]).toMatchObject({ status: 'skipped', reasons: [{ code: '1006', message: "Field 'shoeSize' not found" }] });
			expect(r.result[3]).toMatchObject({ status: 'skipped', reasons: [{ code: '1003' }] });
			expect(r.result[4]).toMatchObject({ status: 'skipped', reasons: [{ code: '1001' }] });
			expect((await api.get('/rest/v1/lead/2.json', { fields: 'leadScore' })).result[0].leadScore).toBe(42);
		});

		it('creates in the named partition and dedupes within it', async () => {
			const a = await api.post('/rest/v1/leads.json', { partitionName: 'Mexico', input: [{ email: 'p@acme.test' }] });
			expect(a.result[0].status).toBe('created');
			const lead = await api.get(`/rest/v1/lead/${a.result[0].id}.json`, { fields: 'leadPartitionId' });
			expect(lead.result[0].leadPartitionId).toBe(2);
			const again = await api.post('/rest/v1/leads.json', { partitionName: 'Canada', input: [{ email: 'p@acme.test' }] });
			expect(again.result[0].status).toBe('created');
			const bad = await api.post('/rest/v1/leads.json', { partitionName: 'Nowhere', input: [{ email: 'q@acme.test' }] });
			expect(bad.errors[0].code).toBe('1003');
		});

		it('rejects more than 300 records with 1003 and writes none', async () => {
			const input = Array.from({ length: 301 }, (_, i) => ({ email: `bulk${i}@acme.test` }));
			const r = await api.post('/rest/v1/leads.json', { input });
			expect(r.success).toBe(false);
			expect(r.errors[0].code).toBe('1003');
			expect(api.sb.leads.count).toBe(10);
			const ok = await api.post('/rest/v1/leads.json', { input: input.slice(0, 300) });
			expect(ok.result).toHaveLength(300);
		});

		it('answers 609 for a body that is not JSON and 612 for a wrong content type', async () => {
			const bad = await api.call('POST', '/rest/v1/leads.json', { body: '{nope', headers: { 'Content-Type': 'application/json' } });
			expect(bad.body.errors[0].code).toBe('609');
			const wrong = await api.call('POST', '/rest/v1/leads.json', { body: 'x', headers: { 'Content-Type': 'text/plain' } });
			expect(wrong.body.errors[0].code).toBe('612');
		});
	});

	describe('get lead by id', () => {
		it('returns the default fields, requested fields with nulls, an empty result when missing, 1006 for unknown fields', async () => {
			const def = await api.get('/rest/v1/lead/1.json');
			expect(Object.keys(def.result[0]).sort()).toEqual(['createdAt', 'email', 'firstName', 'id', 'lastName', 'updatedAt']);
			expect(def.result[0].createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
			const some = await api.get('/rest/v1/lead/1.json', { fields: 'email,phone' });
			expect(some.result).toEqual([{ id: 1, email: seedEmail(1), phone: null }]);
			expect((await api.get('/rest/v1/lead/424242.json')).result).toEqual([]);
			const unknown = await api.get('/rest/v1/lead/1.json', { fields: 'email,favouriteColour' });
			expect(unknown.errors).toEqual([{ code: '1006', message: "Field 'favouriteColour' not found" }]);
		});
	});

	describe('get leads by filter', () => {
		it('pages with nextPageToken until the last page', async () => {
			const values = Array.from({ length: 10 }, (_, i) => seedEmail(i + 1)).join(',');
			const seen: number[] = [];
			let token: string | undefined;
			let pages = 0;
			do {
				const q: Record<string, string | number> = { filterType: 'email', filterValues: values, batchSize: 4, fields: 'email' };
				if (token) q.nextPageToken = token;
				const r = await api.get('/rest/v1/leads.json', q);
				expect(r.success).toBe(true);
				seen.push(...r.result.map((l: { id: number }) => l.id));
				token = r.nextPageToken;
				pages++;
			} while (token);
			expect(pages).toBe(3);
			expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
		});

		it('filters by id and by leadPartitionId; unknown values give an empty result', async () => {
			expect((await api.get('/rest/v1/leads.json', { filterType: 'id', filterValues: '2,4,77' })).result.map((l: { id: number }) => l.id)).toEqual([2, 4]);
			const canada = await api.get('/rest/v1/leads.json', { filterType: 'leadPartitionId', filterValues: '3', fields: 'leadPartitionId' });
			expect(canada.result.length).toBeGreaterThan(0);
			expect(canada.result.every((l: { leadPartitionId: number }) => l.leadPartitionId === 3)).toBe(true);
			expect((await api.get('/rest/v1/leads.json', { filterType: 'email', filterValues: 'ghost@acme.test' })).result).toEqual([]);
		});

		it('rejects a non-searchable filterType, too many values, a bad batchSize and a foreign token with 1003', async () => {
			expect((await api.get('/rest/v1/leads.json', { filterType: 'firstName', filterValues: 'Ann' })).errors[0].code).toBe('1003');
			const many = Array.from({ length: 301 }, (_, i) => `v${i}@x.test`).join(',');
			expect((await api.get('/rest/v1/leads.json', { filterType: 'email', filterValues: many })).errors[0].code).toBe('1003');
			expect((await api.get('/rest/v1/leads.json', { filterType: 'email', filterValues: 'a@b.c', batchSize: 301 })).errors[0].code).toBe('1003');
			expect((await api.get('/rest/v1/leads.json', { filterType: 'email', filterValues: 'a@b.c', nextPageToken: 'GARBAGE' })).errors[0].code).toBe('1003');
		});

		it('accepts the long-GET form: POST with _method=GET and a form body', async () => {
			const values = Array.from({ length: 300 }, (_, i) => `someone.with.a.long.address.${i}@example-company.test`);
			values[0] = seedEmail(5);
			const long = await api.call('GET', '/rest/v1/leads.json', { query: { filterType: 'email', filterValues: values.join(',') } });
			expect(long.status).toBe(414);
			const r = await api.call('POST', '/rest/v1/leads.json', {
				query: { _method: 'GET' },
				form: { filterType: 'email', filterValues: values.join(','), fields: 'email' },
			});
			expect(r.body.result).toEqual([{ id: 5, email: seedEmail(5) }]);
			const entry = api.sb.requestLog.at(-1)!;
			expect(entry).toMatchObject({ method: 'POST', methodOverride: 'GET', status: 200 });
			expect(entry.query.filterType).toBe('email');
		});
	});

	describe('delete leads', () => {
		it('deletes by JSON input and by ?id=, skipping unknown ids with 1004', async () => {
			const a = await api.post('/rest/v1/leads/delete.json', { input: [{ id: 1 }, { id: 500 }] });
			expect(a.result).toEqual([
				{ id: 1, status: 'deleted' },
				{ id: 500, status: 'skipped', reasons: [{ code: '1004', message: 'Lead not found' }] },
			]);
			const b = await api.call('POST', '/rest/v1/leads/delete.json', { query: { id: '2,3' } });
			expect(b.body.result).toEqual([
				{ id: 2, status: 'deleted' },
				{ id: 3, status: 'deleted' },
			]);
			expect((await api.get('/rest/v1/lead/2.json')).result).toEqual([]);
			expect(api.sb.leads.count).toBe(7);
			const again = await api.post('/rest/v1/leads/delete.json', { input: [{ id: 1 }] });
			expect(again.result[0].status).toBe('skipped');
		});

		it('rejects more than 300 ids', async () => {
			const input = Array.from({ length: 301 }, (_, i) => ({ id: i + 1 }));
			expect((await api.post('/rest/v1/leads/delete.json', { input })).errors[0].code).toBe('1003');
		});
	});

	describe('describe', () => {
		it('describe2 lists fields with updateable/crmManaged and the searchable fields', async () => {
			const r = await api.get('/rest/v1/leads/describe2.json');
			const desc = r.result[0];
			expect(desc.name).toBe('API Lead');
			const byName = Object.fromEntries(desc.fields.map((f: { name: string }) => [f.name, f]));
			expect(byName.email).toEqual({ name: 'email', displayName: 'Email Address', dataType: 'email', length: 255, updateable: true, crmManaged: false });
			expect(byName.leadPartitionId.updateable).toBe(false);
			expect(byName.sfdcLeadId.crmManaged).toBe(true);
			for (const f of ['firstName', 'lastName', 'company', 'title', 'phone', 'city', 'country', 'createdAt', 'updatedAt', 'id', 'leadScore', 'unsubscribed']) {
				expect(byName[f]).toBeDefined();
			}
			expect(desc.searchableFields).toEqual(expect.arrayContaining([['email'], ['id'], ['leadPartitionId']]));
			expect(desc.searchableFields).not.toContainEqual(['firstName']);
		});

		it('describe lists rest and soap names', async () => {
			const r = await api.get('/rest/v1/leads/describe.json');
			const email = r.result.find((f: { rest: { name: string } }) => f.rest.name === 'email');
			expect(email).toEqual({ id: expect.any(Number), displayName: 'Email Address', dataType: 'email', length: 255, rest: { name: 'email', readOnly: false }, soap: { name: 'Email', readOnly: false } });
			const part = r.result.find((f: { rest: { name: string } }) => f.rest.name === 'leadPartitionId');
			expect(part.rest.readOnly).toBe(true);
		});
	});

	it('answers 610 for an unknown path and 605 for a wrong method', async () => {
		expect((await api.get('/rest/v1/nothing.json')).errors[0].code).toBe('610');
		expect((await api.call('DELETE', '/rest/v1/leads/partitions.json')).body.errors[0].code).toBe('605');
	});
});

describe('seeding', () => {
	it('seeds a million leads quickly with little memory, readable, searchable, deletable', async () => {
		const before = process.memoryUsage().heapUsed;
		const t0 = Date.now();
		const api = await startSandbox();
		const r = api.sb.seedLeads(1_000_000);
		expect(r).toEqual({ firstId: 1, lastId: 1_000_000, total: 1_000_000 });
		expect(Date.now() - t0).toBeLessThan(2000);
		expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
		const byEmail = await api.get('/rest/v1/leads.json', { filterType: 'email', filterValues: seedEmail(987654) });
		expect(byEmail.result[0].id).toBe(987654);
		await api.post('/rest/v1/leads/delete.json', { input: [{ id: 987654 }] });
		expect((await api.get('/rest/v1/lead/987654.json')).result).toEqual([]);
		expect(api.sb.leads.count).toBe(999_999);
		await api.stop();
	});

	it('seeds through the seedLeads option and again after reset()', async () => {
		const api = await startSandbox({ seedLeads: 25 });
		await api.post('/rest/v1/leads.json', { input: [{ email: 'extra@acme.test' }] });
		expect(api.sb.leads.count).toBe(26);
		api.sb.reset();
		expect(api.sb.leads.count).toBe(25);
		expect(api.sb.requestLog).toEqual([]);
		await api.stop();
	});
});
