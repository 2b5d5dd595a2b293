import { faultFromJson } from '../../../sandbox/faults';
import { type Api, startSandbox } from './helpers';

describe('fault: drop after handling', () => {
	let api: Api;
	beforeEach(async () => {
		api = await startSandbox();
	});
	afterEach(async () => api.stop());

	it('carries the request out, then closes the connection without an answer', async () => {
		api.sb.injectFault({ method: 'POST', path: '/rest/v1/leads.json', kind: 'dropAfterHandling' });
		const send = fetch(`${api.url}/rest/v1/leads.json`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${await api.token()}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ action: 'createOnly', input: [{ email: 'once@example.com' }] }),
		});
		await expect(send).rejects.toThrow();
		expect(api.sb.leads.findBy('email', 'once@example.com')).toHaveLength(1);
		expect(api.sb.requestLog.at(-1)).toMatchObject({ status: 0, fault: 'dropAfterHandling' });
		// the next call is answered
		const again = await api.call('POST', '/rest/v1/leads.json', { json: { action: 'createOnly', input: [{ email: 'once@example.com' }] } });
		expect(again.body.result[0].status).toBe('skipped');
	});

	it('is accepted from the admin API', () => {
		expect(faultFromJson({ kind: 'dropAfterHandling', path: '/rest/asset/v1/staticLists.json' })).toMatchObject({ kind: 'dropAfterHandling' });
	});
});
