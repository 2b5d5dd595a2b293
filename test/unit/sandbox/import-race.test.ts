/**
 * Marketo may run two import jobs at the same time, and a job does not see the leads the other creates: the same
 * new email in both makes two leads. The sandbox does the same for jobs whose runs may overlap.
 */
import { type Api, sleep, startSandbox } from './helpers';

async function upload(api: Api, file: string): Promise<number> {
	const form = new FormData();
	form.append('file', new Blob([file], { type: 'text/csv' }), 'leads.csv');
	return (await api.call('POST', '/bulk/v1/leads.json', { query: { format: 'csv' }, body: form })).body.result[0].batchId;
}

async function finished(api: Api, batchId: number): Promise<string> {
	for (;;) {
		const status = (await api.get(`/bulk/v1/leads/batch/${batchId}.json`)).result[0].status as string;
		if (status === 'Complete' || status === 'Failed') return status;
		await sleep(20);
	}
}

describe('import jobs that may run at the same time', () => {
	let api: Api | undefined;
	afterEach(async () => api?.stop());

	it('each creates the lead of a new email both hold: two leads (concurrentImports, the default)', async () => {
		api = await startSandbox({ timeScale: 0.02 });
		// no job starts until both are uploaded (the sandbox reads its limits at every tick)
		api.sb.options.limits.importProcessing = 0;
		const first = await upload(api, 'email,firstName\nnew@example.com,Ann\nonly1@example.com,One\n');
		const second = await upload(api, 'email,firstName\nNEW@example.com,Anna\nonly2@example.com,Two\n');
		api.sb.options.limits.importProcessing = 2;
		expect([await finished(api, first), await finished(api, second)]).toEqual(['Complete', 'Complete']);
		expect(api.sb.leads.findBy('email', 'new@example.com')).toHaveLength(2);
		expect(api.sb.leads.findBy('email', 'only1@example.com')).toHaveLength(1);
	});

	it('a job uploaded after the other finished updates the lead it created', async () => {
		api = await startSandbox({ timeScale: 0.02 });
		await finished(api, await upload(api, 'email,firstName\nnew@example.com,Ann\n'));
		await finished(api, await upload(api, 'email,firstName\nnew@example.com,Anna\n'));
		const ids = api.sb.leads.findBy('email', 'new@example.com');
		expect(ids).toHaveLength(1);
		expect(api.sb.leads.get(ids[0])!.firstName).toBe('Anna');
	});

	it('with concurrentImports false every row sees every lead created before it', async () => {
		api = await startSandbox({ timeScale: 0.02, concurrentImports: false });
		api.sb.options.limits.importProcessing = 0;
		const first = await upload(api, 'email,firstName\nnew@example.com,Ann\n');
		const second = await upload(api, 'email,firstName\nnew@example.com,Anna\n');
		api.sb.options.limits.importProcessing = 2;
		await finished(api, first);
		await finished(api, second);
		expect(api.sb.leads.findBy('email', 'new@example.com')).toHaveLength(1);
	});
});
