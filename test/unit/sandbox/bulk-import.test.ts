import { type Api, sleep, startSandbox } from './helpers';

async function upload(api: Api, file: string, fields: Record<string, string> = {}, query: Record<string, string> = { format: 'csv' }) {
	const form = new FormData();
	for (const [k, v] of Object.entries(fields)) form.append(k, v);
	form.append('file', new Blob([file], { type: 'text/csv' }), 'leads.csv');
	return (await api.call('POST', '/bulk/v1/leads.json', { query, body: form })).body;
}

async function waitFor(api: Api, batchId: number, statuses: string[], timeoutMs = 5000) {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const r = await api.get(`/bulk/v1/leads/batch/${batchId}.json`);
		if (statuses.includes(r.result[0].status) || Date.now() > until) return r.result[0];
		await sleep(20);
	}
}

describe('bulk lead import', () => {
	let api: Api;
	beforeEach(async () => {
		api = await startSandbox({ seedLeads: 5, timeScale: 0.02 }); // phases of 1 s become 20 ms
	});
	afterEach(async () => api.stop());

	it('imports a CSV with mapped headers, reports status, failures and warnings', async () => {
		const csv = [
			'FirstName,LastName,Email,Company,leadScore',
			'Able,Baker,ablebaker@marketo.com,Marketo,10',
			'Charlie,Dog,charliedog@marketo.com,"Marketo, Inc.",x',
			`Easy,Fox,lead2@sandbox.example.com,${'M'.repeat(300)},5`,
			'Too,Few,columns@marketo.com',
		].join('\r\n');
		const created = await upload(api, csv);
		expect(created).toEqual({ requestId: expect.any(String), result: [{ batchId: 1001, importId: '1001', status: 'Queued' }], success: true });
		const done = await waitFor(api, 1001, ['Complete', 'Failed']);
		expect(done).toEqual({
			batchId: 1001,
			importId: '1001',
			status: 'Complete',
			numOfLeadsProcessed: 2,
			numOfRowsFailed: 2,
			numOfRowsWithWarning: 1,
			message: 'Import completed with errors, 2 records imported, 2 failed',
		});
		const able = api.sb.leads.findBy('email', 'ablebaker@marketo.com');
		expect(api.sb.leads.get(able[0])).toMatchObject({ firstName: 'Able', company: 'Marketo', leadScore: 10 });
		expect(api.sb.leads.get(2)!.company).toHaveLength(255);

		const failures = await api.call('GET', '/bulk/v1/leads/batch/1001/failures.json');
		const lines = failures.text.trim().split('\n');
		expect(lines[0]).toBe('FirstName,LastName,Email,Company,leadScore,Import Failure Reason');
		expect(lines[1]).toMatch(/^Charlie,Dog,charliedog@marketo.com,"Marketo, Inc.",x,Invalid value 'x'/);
		expect(lines[2]).toMatch(/^Too,Few,columns@marketo.com,Invalid row/);
		const warnings = await api.call('GET', '/bulk/v1/leads/batch/1001/warnings.json');
		expect(warnings.text).toContain('truncated to 255 characters');
		expect(api.sb.requestLog.find((e) => e.path === '/bulk/v1/leads.json')!.recordCount).toBe(4);
	});

	it('parses TSV and SSV, imports into a static list and a partition', async () => {
		const tsv = 'email\tfirstName\nt1@x.test\tTab\nt2@x.test\tTab\n';
		const a = await upload(api, tsv, { format: 'tsv', listId: '1021', partitionName: 'Canada' }, {});
		const done = await waitFor(api, a.result[0].batchId, ['Complete']);
		expect(done.message).toBe('Import succeeded, 2 records imported (2 members)');
		const ids = api.sb.leads.findBy('email', 't1@x.test');
		expect(api.sb.assets.isMember(1021, ids[0])).toBe(true);
		expect(api.sb.leads.get(ids[0])!.leadPartitionId).toBe(3);
		const ssv = 'email;city\nlead1@sandbox.example.com;"Quebec; City"\n';
		const b = await upload(api, ssv, {}, { format: 'ssv' });
		await waitFor(api, b.result[0].batchId, ['Complete']);
		expect(api.sb.leads.get(1)!.city).toBe('Quebec; City');
	});

	it('fails a job whose header names an unknown field, and updates only with lookupField=id', async () => {
		const a = await upload(api, 'email,shoeSize\na@b.c,42\n');
		expect(await waitFor(api, a.result[0].batchId, ['Complete', 'Failed'])).toMatchObject({ status: 'Failed', message: expect.stringContaining('shoeSize') });
		const b = await upload(api, 'id,title\n3,Boss\n999,Ghost\n', { lookupField: 'id' });
		const done = await waitFor(api, b.result[0].batchId, ['Complete']);
		expect(done).toMatchObject({ numOfLeadsProcessed: 1, numOfRowsFailed: 1 });
		expect(api.sb.leads.get(3)!.title).toBe('Boss');
		expect(api.sb.leads.count).toBe(5);
	});

	it('goes Queued -> Importing -> Complete with two jobs processing at most', async () => {
		await api.stop();
		api = await startSandbox({ timeScale: 0.1, limits: { rateLimitCalls: 100000 }, bulk: { importRowsPerSecond: 2000 } }); // 100 ms phases, 20,000 rows per real second
		const rows = ['email', ...Array.from({ length: 4000 }, (_, i) => `p${i}@x.test`)].join('\n');
		const ids: number[] = [];
		for (let i = 0; i < 3; i++) ids.push((await upload(api, rows)).result[0].batchId);
		const seen = new Set<string>();
		let maxImporting = 0;
		const until = Date.now() + 8000;
		while (Date.now() < until) {
			const st = await Promise.all(ids.map(async (id) => (await api.get(`/bulk/v1/leads/batch/${id}.json`)).result[0].status as string));
			st.forEach((s) => seen.add(s));
			maxImporting = Math.max(maxImporting, st.filter((s) => s === 'Importing').length);
			if (st.every((s) => s === 'Complete')) break;
			await sleep(10);
		}
		expect([...seen]).toEqual(expect.arrayContaining(['Queued', 'Importing', 'Complete']));
		expect(maxImporting).toBeLessThanOrEqual(2);
		expect(maxImporting).toBeGreaterThan(0);
	});

	it('answers 1016 when ten jobs are queued, and validates format, file, list and content type', async () => {
		await api.stop();
		api = await startSandbox({ timeScale: 10 });
		for (let i = 0; i < 10; i++) expect((await upload(api, 'email\na@b.c\n')).success).toBe(true);
		expect((await upload(api, 'email\na@b.c\n')).errors[0]).toEqual({ code: '1016', message: 'Too many imports' });
		expect((await upload(api, 'email\n', {}, { format: 'xls' })).errors[0].code).toBe('1003');
		expect((await upload(api, 'email\n', { listId: '4242' })).errors[0].code).toBe('1013');
		const form = new FormData();
		form.append('format', 'csv');
		expect((await api.call('POST', '/bulk/v1/leads.json', { body: form })).body.errors[0].code).toBe('1003');
		expect((await api.call('POST', '/bulk/v1/leads.json', { json: { file: 'x' }, query: { format: 'csv' } })).body.errors[0].code).toBe('612');
		expect((await api.get('/bulk/v1/leads/batch/77.json')).errors[0].code).toBe('1003');
	});
});
