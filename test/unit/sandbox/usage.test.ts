import { centralDay } from '../../../sandbox/limits';
import { type Api, startSandbox } from './helpers';

const OTHER = { clientId: 'crm-sync-id', clientSecret: 'crm-sync-secret', email: 'crm-sync@sandbox.example.com' };

describe('GET /rest/v1/stats/usage.json', () => {
	let api: Api;
	afterEach(async () => {
		await api?.stop();
	});

	it('reports today’s calls of every API user, as the daily quota counts them (successes only, the reading not yet)', async () => {
		api = await startSandbox({ apiUsers: [{ ...OTHER, permissions: ['readOnlyLead'] }] });
		const tokenAnswer = await fetch(`${api.url}/identity/oauth/token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ grant_type: 'client_credentials', client_id: OTHER.clientId, client_secret: OTHER.clientSecret }),
		});
		const otherToken = ((await tokenAnswer.json()) as { access_token: string }).access_token;
		for (let i = 0; i < 3; i++) expect((await api.call('GET', '/rest/v1/leads/partitions.json')).body.success).toBe(true);
		for (let i = 0; i < 2; i++) expect((await api.call('GET', '/rest/v1/leads/partitions.json', { token: otherToken })).body.success).toBe(true);
		// an error is not counted
		expect((await api.call('GET', '/rest/v1/lead/1.json', { query: { fields: 'nope' } })).body.success).toBe(false);

		const first = await api.get('/rest/v1/stats/usage.json');
		expect(first.success).toBe(true);
		expect(first.result).toEqual([
			{
				date: centralDay(Date.now()),
				total: 5,
				users: [
					{ userId: api.sb.options.users[0].email, count: 3 },
					{ userId: OTHER.email, count: 2 },
				],
			},
		]);
		// the reading is a call too: the next one counts it; any API user may read it (Marketo: no permission needed)
		const second = (await api.call('GET', '/rest/v1/stats/usage.json', { token: otherToken })).body;
		expect(second.result[0].total).toBe(6);
		expect(api.sb.stats().quotaUsed).toBe(7);
	});
});
