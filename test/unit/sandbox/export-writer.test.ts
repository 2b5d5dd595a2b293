/** The sandbox's export file writer: a file it cannot write fails the job, never the process. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type Api, sleep, startSandbox } from './helpers';

const DAY = 86400000;

function lastMonth() {
	const end = Date.now() + 60000;
	return { startAt: new Date(end - 31 * DAY).toISOString().replace(/\.\d+Z$/, 'Z'), endAt: new Date(end).toISOString().replace(/\.\d+Z$/, 'Z') };
}

/** Polls (no deadline: jest's timeout bounds it) until the job leaves Queued/Processing. */
async function settledStatus(api: Api, exportId: string): Promise<Record<string, unknown>> {
	for (;;) {
		const status = (await api.get(`/bulk/v1/leads/export/${exportId}/status.json`)).result[0];
		if (status.status !== 'Queued' && status.status !== 'Processing') return status;
		await sleep(20);
	}
}

async function runExport(api: Api): Promise<Record<string, unknown>> {
	const created = await api.post('/bulk/v1/leads/export/create.json', { fields: ['id', 'email'], filter: { createdAt: lastMonth() } });
	const exportId = created.result[0].exportId as string;
	await api.post(`/bulk/v1/leads/export/${exportId}/enqueue.json`, undefined);
	return await settledStatus(api, exportId);
}

describe('sandbox export writer', () => {
	let api: Api;
	let dataDir: string;
	beforeEach(async () => {
		dataDir = mkdtempSync(join(tmpdir(), 'sandbox-export-writer-'));
		api = await startSandbox({ seedLeads: 20, timeScale: 0.001, dataDir, limits: { rateLimitCalls: 100000 } });
	});
	afterEach(async () => {
		await api.stop();
		rmSync(dataDir, { recursive: true, force: true });
	});

	it('fails the job, not the process, when its file cannot be written (the folder is gone)', async () => {
		expect(await runExport(api)).toMatchObject({ status: 'Completed', numberOfRecords: 20 });
		rmSync(dataDir, { recursive: true, force: true });
		const failed = await runExport(api);
		expect(failed).toMatchObject({ status: 'Failed', errorMsg: expect.stringContaining('ENOENT') });
		expect(failed.numberOfRecords).toBeUndefined();
		// the sandbox still answers
		expect((await api.get('/rest/v1/leads/partitions.json')).success).toBe(true);
	});

	it('a job cancelled while its file is being written stops writing, and the next job completes', async () => {
		await api.stop();
		api = await startSandbox({ timeScale: 0.001, dataDir, bulk: { exportRowsPerSecond: 50 }, limits: { rateLimitCalls: 100000 } });
		api.sb.seedLeads(20_000);
		const created = await api.post('/bulk/v1/leads/export/create.json', { fields: ['id', 'email'], filter: { createdAt: lastMonth() } });
		const exportId = created.result[0].exportId as string;
		await api.post(`/bulk/v1/leads/export/${exportId}/enqueue.json`, undefined);
		while ((await api.get(`/bulk/v1/leads/export/${exportId}/status.json`)).result[0].status !== 'Processing') await sleep(5);
		expect((await api.post(`/bulk/v1/leads/export/${exportId}/cancel.json`, undefined)).result[0].status).toBe('Cancelled');
		expect(await runExport(api)).toMatchObject({ status: 'Completed' });
		expect((await api.get(`/bulk/v1/leads/export/${exportId}/status.json`)).result[0].status).toBe('Canceled');
	}, 60000);
});
