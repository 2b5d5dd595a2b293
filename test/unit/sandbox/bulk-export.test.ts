import { createHash } from 'node:crypto';
import { type Api, sleep, startSandbox } from './helpers';

const DAY = 86400000;

function range(daysBack: number, days: number) {
	const end = Date.now() - daysBack * DAY + 60000;
	return { startAt: new Date(end - days * DAY).toISOString().replace(/\.\d+Z$/, 'Z'), endAt: new Date(end).toISOString().replace(/\.\d+Z$/, 'Z') };
}

/** Polls until the job reaches one of `statuses`; jest's timeout bounds the wait (a loaded machine is slow). */
async function waitStatus(api: Api, exportId: string, statuses: string[]) {
	for (;;) {
		const r = await api.get(`/bulk/v1/leads/export/${exportId}/status.json`);
		if (!r.success) throw new Error(`the status call was refused: ${JSON.stringify(r.errors)}`);
		if (statuses.includes(r.result[0].status)) return r.result[0];
		await sleep(20);
	}
}

async function createAndRun(api: Api, body: unknown) {
	const c = await api.post('/bulk/v1/leads/export/create.json', body);
	expect(c.success).toBe(true);
	const id = c.result[0].exportId as string;
	const e = await api.post(`/bulk/v1/leads/export/${id}/enqueue.json`, undefined);
	expect(e.result[0].status).toBe('Queued');
	return waitStatus(api, id, ['Completed', 'Failed']);
}

describe('bulk lead export', () => {
	let api: Api;
	beforeEach(async () => {
		// jobs stay Queued 2 s and Processing 2 s (scaled 100 s phases): the "already queued" check runs inside that
		// even on a loaded machine, where 20 ms phases let the job finish first
		api = await startSandbox({ seedLeads: 50, timeScale: 0.02, bulk: { minPhaseMs: 100_000 }, limits: { rateLimitCalls: 100000 } });
	});
	afterEach(async () => api.stop());

	it('creates, enqueues, processes and serves a CSV with renamed headers and null for empty values', async () => {
		await api.post('/rest/v1/leads.json', { input: [{ email: 'quote@x.test', firstName: 'Ann, "the" first' }] });
		const c = await api.post('/bulk/v1/leads/export/create.json', {
			fields: ['id', 'firstName', 'email', 'phone'],
			format: 'CSV',
			columnHeaderNames: { id: 'Marketo Id', email: 'Email Address' },
			filter: { createdAt: range(0, 31) },
		});
		expect(c.result[0]).toEqual({ exportId: expect.stringMatching(/^[0-9a-f-]{36}$/), format: 'CSV', status: 'Created', createdAt: expect.stringMatching(/Z$/) });
		const id = c.result[0].exportId;
		expect((await api.call('GET', `/bulk/v1/leads/export/${id}/file.json`)).status).toBe(404);
		const q = await api.post(`/bulk/v1/leads/export/${id}/enqueue.json`, undefined);
		expect(q.result[0]).toMatchObject({ status: 'Queued', queuedAt: expect.any(String) });
		const again = await api.post(`/bulk/v1/leads/export/${id}/enqueue.json`, undefined);
		expect(again.errors[0].code).toBe('1029');
		const done = await waitStatus(api, id, ['Completed']);
		expect(done).toMatchObject({ status: 'Completed', numberOfRecords: 51, startedAt: expect.any(String), finishedAt: expect.any(String) });

		const file = await api.call('GET', `/bulk/v1/leads/export/${id}/file.json`);
		expect(file.status).toBe(200);
		const lines = file.text.trimEnd().split('\n');
		expect(lines[0]).toBe('Marketo Id,firstName,Email Address,phone');
		expect(lines).toHaveLength(52);
		expect(lines[1]).toMatch(/^1,\w+,lead1@sandbox\.example\.com,null$/);
		expect(lines[51]).toBe('51,"Ann, ""the"" first",quote@x.test,null');
		expect(Buffer.byteLength(file.text)).toBe(done.fileSize);
		expect(`sha256:${createHash('sha256').update(file.text).digest('hex')}`).toBe(done.fileChecksum);
	});

	it('serves byte ranges with 206 and Content-Range, 416 when unsatisfiable, and can truncate by fault', async () => {
		const done = await createAndRun(api, { fields: ['id', 'email'], format: 'TSV', filter: { staticListId: 1021 } });
		expect(done.numberOfRecords).toBe(0);
		await api.post('/rest/v1/lists/1021/leads.json', { input: [{ id: 1 }, { id: 2 }, { id: 3 }] });
		const d2 = await createAndRun(api, { fields: ['id', 'email'], format: 'TSV', filter: { staticListName: 'Foundation Seed List' } });
		const id = (await api.get('/bulk/v1/leads/export.json', { status: 'completed' })).result.at(-1).exportId;
		const full = await api.call('GET', `/bulk/v1/leads/export/${id}/file.json`);
		expect(full.text).toBe('id\temail\n1\tlead1@sandbox.example.com\n2\tlead2@sandbox.example.com\n3\tlead3@sandbox.example.com\n');
		expect(d2.fileSize).toBe(Buffer.byteLength(full.text));
		const part = await api.call('GET', `/bulk/v1/leads/export/${id}/file.json`, { headers: { Range: 'bytes=0-9' } });
		expect(part.status).toBe(206);
		expect(part.text).toBe(full.text.slice(0, 10));
		expect(part.headers.get('content-range')).toBe(`bytes 0-9/${d2.fileSize}`);
		const tail = await api.call('GET', `/bulk/v1/leads/export/${id}/file.json`, { headers: { Range: 'bytes=10-' } });
		expect(part.text + tail.text).toBe(full.text);
		const bad = await api.call('GET', `/bulk/v1/leads/export/${id}/file.json`, { headers: { Range: `bytes=${d2.fileSize + 5}-` } });
		expect(bad.status).toBe(416);
		expect(bad.headers.get('content-range')).toBe(`bytes */${d2.fileSize}`);
		api.sb.injectFault({ path: /\/file\.json$/, kind: 'truncate' });
		const r = await fetch(`${api.url}/bulk/v1/leads/export/${id}/file.json`, { headers: { Authorization: `Bearer ${await api.token()}` } });
		expect(r.status).toBe(200);
		await expect(r.text()).rejects.toThrow();
	});

	it('validates fields, filters, the 31-day window and the format', async () => {
		const create = (body: unknown) => api.post('/bulk/v1/leads/export/create.json', body);
		expect((await create({ fields: ['id', 'shoe'], filter: { createdAt: range(0, 5) } })).errors[0].code).toBe('1006');
		expect((await create({ fields: ['id'], filter: { createdAt: range(0, 32) } })).errors[0]).toEqual({ code: '1003', message: expect.stringContaining('31 days') });
		expect((await create({ fields: ['id'], filter: { createdAt: range(0, 5), staticListId: 1021 } })).errors[0].code).toBe('1003');
		expect((await create({ fields: ['id'], filter: {} })).errors[0].code).toBe('1003');
		expect((await create({ fields: ['id'], format: 'XLS', filter: { staticListId: 1021 } })).errors[0].code).toBe('1003');
		expect((await create({ fields: ['id'], filter: { staticListId: 4242 } })).errors[0].code).toBe('1003');
		await api.stop();
		api = await startSandbox({ unsupportedExportFilters: ['updatedAt'] });
		expect((await create({ fields: ['id'], filter: { updatedAt: range(0, 5) } })).errors[0].code).toBe('1035');
	});

	it('cancels (answer "Cancelled", status "Canceled"), lists with status filter and paging, per API user', async () => {
		await api.stop();
		api = await startSandbox({ seedLeads: 10, timeScale: 100, apiUsers: [{ clientId: 'other', clientSecret: 'other-secret' }] });
		const ids: string[] = [];
		for (let i = 0; i < 3; i++) {
			ids.push((await api.post('/bulk/v1/leads/export/create.json', { fields: ['id'], filter: { staticListId: 1021 } })).result[0].exportId);
		}
		await api.post(`/bulk/v1/leads/export/${ids[1]}/enqueue.json`, undefined);
		const cancel = await api.post(`/bulk/v1/leads/export/${ids[1]}/cancel.json`, undefined);
		expect(cancel.result[0]).toMatchObject({ exportId: ids[1], status: 'Cancelled' });
		expect((await api.get(`/bulk/v1/leads/export/${ids[1]}/status.json`)).result[0].status).toBe('Canceled');
		expect((await api.post(`/bulk/v1/leads/export/${ids[1]}/cancel.json`, undefined)).errors[0].code).toBe('1003');

		const canceled = await api.get('/bulk/v1/leads/export.json', { status: 'cancelled' });
		expect(canceled.result.map((j: { exportId: string }) => j.exportId)).toEqual([ids[1]]);
		const p1 = await api.get('/bulk/v1/leads/export.json', { batchSize: 2 });
		expect(p1.result.map((j: { exportId: string }) => j.exportId)).toEqual(ids.slice(0, 2));
		const p2 = await api.get('/bulk/v1/leads/export.json', { batchSize: 2, nextPageToken: p1.nextPageToken });
		expect(p2.result.map((j: { exportId: string }) => j.exportId)).toEqual([ids[2]]);
		expect(p2.nextPageToken).toBeUndefined();

		const tok = await fetch(`${api.url}/identity/oauth/token?grant_type=client_credentials&client_id=other&client_secret=other-secret`);
		const other = ((await tok.json()) as { access_token: string }).access_token;
		expect((await api.call('GET', '/bulk/v1/leads/export.json', { token: other })).body.result).toEqual([]);
		expect((await api.call('GET', `/bulk/v1/leads/export/${ids[0]}/status.json`, { token: other })).body.errors[0].code).toBe('1003');
	});

	it('keeps 2 processing and 10 queued at most (1029), and a list in an export cannot be deleted', async () => {
		await api.stop();
		api = await startSandbox({ seedLeads: 10, timeScale: 100 });
		const codes: string[] = [];
		for (let i = 0; i < 11; i++) {
			const id = (await api.post('/bulk/v1/leads/export/create.json', { fields: ['id'], filter: { staticListId: 1022 } })).result[0].exportId;
			const r = await api.post(`/bulk/v1/leads/export/${id}/enqueue.json`, undefined);
			codes.push(r.success ? r.result[0].status : r.errors[0].code);
		}
		expect(codes.slice(0, 10).every((c) => c === 'Queued')).toBe(true);
		expect(codes[10]).toBe('1029');
		const del = await api.call('POST', '/rest/asset/v1/staticList/1022/delete.json');
		expect(del.body.errors[0].code).toBe('709');
	});

	it('streams a large export without holding it in memory', async () => {
		await api.stop();
		api = await startSandbox({ timeScale: 0.001, bulk: { exportRowsPerSecond: 50 } }); // 50,000 rows per real second
		api.sb.seedLeads(100_000);
		const done = await createAndRun(api, { fields: ['id', 'email', 'firstName', 'leadPartitionId'], filter: { createdAt: range(0, 31) } });
		expect(done.status).toBe('Completed');
		expect(done.numberOfRecords).toBeGreaterThan(40_000);
		const r = await fetch(`${api.url}/bulk/v1/leads/export/${done.exportId}/file.json`, { headers: { Authorization: `Bearer ${await api.token()}` } });
		let bytes = 0;
		let newlines = 0;
		for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
			bytes += chunk.length;
			for (const b of chunk) if (b === 10) newlines++;
		}
		expect(bytes).toBe(done.fileSize);
		expect(newlines).toBe(done.numberOfRecords + 1);
	}, 60000);
});
