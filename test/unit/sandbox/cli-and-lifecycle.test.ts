import { parseArgs } from '../../../sandbox/cli';
import { MarketoSandbox } from '../../../sandbox';
import { startSandbox } from './helpers';

describe('cli options', () => {
	it('has the documented defaults', () => {
		expect(parseArgs([], {})).toMatchObject({ port: 8790, host: '127.0.0.1', seedLeads: 100, timeScale: 1, tokenLifetimeSeconds: 3600, latencyMs: 5, limits: { dailyQuota: 50000 } });
	});

	it('reads flags before environment variables', () => {
		const o = parseArgs(['--port', '0', '--client-id=abc', '--time-scale', '0.05', '--no-limits', '--seed', '5'], {
			SANDBOX_PORT: '9999',
			SANDBOX_CLIENT_SECRET: 'from-env',
			SANDBOX_TOKEN_LIFETIME: '60',
		});
		expect(o).toMatchObject({ port: 0, clientId: 'abc', clientSecret: 'from-env', timeScale: 0.05, limits: false, seedLeads: 5, tokenLifetimeSeconds: 60 });
		expect(parseArgs([], { SANDBOX_LIMITS: 'off' }).limits).toBe(false);
	});

	it("sets how export date filters read endAt and whether exactly 31 days is refused", () => {
		expect(parseArgs([], {})).toMatchObject({ exportEndInclusive: undefined, strictWindow: false });
		expect(parseArgs(['--export-end-inclusive', 'false', '--strict-window'], {})).toMatchObject({ exportEndInclusive: false, strictWindow: true });
		expect(parseArgs([], { SANDBOX_EXPORT_END_INCLUSIVE: 'TRUE', SANDBOX_STRICT_WINDOW: 'on' })).toMatchObject({ exportEndInclusive: true, strictWindow: true });
		expect(() => parseArgs(['--export-end-inclusive', 'maybe'], {})).toThrow(/true or false/);
	});

	it('--fresh (or SANDBOX_FRESH=1) starts like a fresh instance, with no seeded leads unless --seed says so', () => {
		expect(parseArgs(['--fresh'], {})).toMatchObject({ fresh: true, seedLeads: 0 });
		expect(parseArgs(['--fresh', '--seed', '7'], {})).toMatchObject({ fresh: true, seedLeads: 7 });
		expect(parseArgs([], { SANDBOX_FRESH: '1' })).toMatchObject({ fresh: true });
		expect(parseArgs([], {})).toMatchObject({ fresh: false });
	});

	it('rejects unknown options and bad numbers', () => {
		expect(() => parseArgs(['--bogus', '1'], {})).toThrow(/unknown option/);
		expect(() => parseArgs(['--port', 'x'], {})).toThrow(/non-negative number/);
	});
});

describe('a fresh sandbox', () => {
	it('has one partition (Default), only the Marketing Activities folder, no static lists, and takes a new list in that folder', async () => {
		const api = await startSandbox({ fresh: true });
		try {
			expect((await api.get('/rest/v1/leads/partitions.json')).result.map((p: { name: string }) => p.name)).toEqual(['Default']);
			const folders = (await api.get('/rest/asset/v1/folders.json', { maxDepth: 2 })).result;
			expect(folders.map((f: { name: string; isSystem: boolean }) => [f.name, f.isSystem])).toEqual([['Marketing Activities', true]]);
			const lists = await api.get('/rest/asset/v1/staticLists.json');
			expect(lists.success).toBe(true);
			expect(lists.result ?? []).toEqual([]);
			expect(api.sb.stats().leads).toBe(0);
			const created = await api.call('POST', '/rest/asset/v1/staticLists.json', { form: { folder: JSON.stringify({ id: 12, type: 'Folder' }), name: 'first list' } });
			expect(created.body).toMatchObject({ success: true, result: [expect.objectContaining({ name: 'first list', folder: { id: 12, type: 'Folder' } })] });
		} finally {
			await api.stop();
		}
	});
});

describe('lifecycle and log', () => {
	it('listens on 127.0.0.1 on a random port, stops cleanly twice, and can start on a given port', async () => {
		const sb = new MarketoSandbox();
		const { url } = await sb.start();
		expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(sb.url).toBe(url);
		const port = Number(new URL(url).port);
		await sb.stop();
		await sb.stop();
		const again = new MarketoSandbox({ port });
		expect((await again.start()).url).toBe(url);
		const health = await fetch(`${url}/__sandbox/health`);
		expect(health.status).toBe(200);
		await again.stop();
	});

	it('keeps at most maxLogEntries, numbers entries, and clearLog() empties it', async () => {
		const api = await startSandbox({ maxLogEntries: 3 });
		await api.token();
		for (let i = 0; i < 4; i++) await api.get('/rest/v1/leads/partitions.json');
		const log = api.sb.requestLog;
		expect(log.map((e) => e.seq)).toEqual([3, 4, 5]);
		expect(log[0]).toEqual({
			seq: 3,
			time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			method: 'GET',
			path: '/rest/v1/leads/partitions.json',
			query: {},
			status: 200,
			code: null,
			recordCount: null,
			tokenSource: 'header',
			clientId: 'sandbox-client-id',
			fault: null,
			durationMs: expect.any(Number),
		});
		api.sb.clearLog();
		expect(api.sb.requestLog).toEqual([]);
		await api.stop();
	});

	it('reset() drops created lists, memberships, jobs and tokens', async () => {
		const api = await startSandbox({ seedLeads: 3 });
		const t = await api.token();
		await api.call('POST', '/rest/asset/v1/staticLists.json', { form: { folder: '{"id":13,"type":"Folder"}', name: 'Temp' } });
		await api.post('/rest/v1/lists/1021/leads.json', { input: [{ id: 1 }] });
		api.sb.reset();
		expect(api.sb.assets.listByName('Temp')).toBeUndefined();
		expect(api.sb.assets.memberCount(1021)).toBe(0);
		expect((await api.call('GET', '/rest/v1/leads/partitions.json', { token: t })).body.errors[0].code).toBe('601');
		await api.stop();
	});
});
