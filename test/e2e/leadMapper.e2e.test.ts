/**
 * Lead > Create or Update with n8n's resource mapper ("Map Columns") in a real n8n: the node's parameters are
 * written as the editor saves them (mapping mode, values, the column to match on and the column schema the
 * editor loaded from describe2), then run with `n8n execute`. Values reach Marketo converted by field type; a bad
 * value stops the node with an error naming the field and the item, before anything is written.
 */
import type { ResourceMapperField } from 'n8n-workflow';

import { leadColumns } from '../../nodes/Marketo/methods/resourceMapping';
import type { LeadField } from '../../nodes/Marketo/actions/shared/marketoData';
import {
	buildWorkflow,
	describeFailure,
	E2eRig,
	errorOf,
	itemsNode,
	itemsOf,
	itSandbox,
	marketoNode,
	NEEDS_SANDBOX,
	outputOf,
	pairedIndexes,
	uniqueName,
	type RunResult,
} from './rig';
import type { RequestLogEntry } from '../../sandbox';

describe('Lead > Create or Update with the column mapper in a real n8n', () => {
	let rig: E2eRig;
	let columns: ResourceMapperField[] = [];
	const tag = uniqueName('mapper').toLowerCase();
	const emailOf = (name: string) => `${tag}-${name}@example.com`;
	let firstRun: RunResult;
	let firstLog: RequestLogEntry[] = [];

	/** The resource mapper's value as the editor saves it: the loaded columns, those in use shown, the rest removed. */
	const mapperValue = (mappingMode: 'defineBelow' | 'autoMapInputData', value: Record<string, unknown> | null, matchingColumns = ['email']) => {
		const shown = new Set([...Object.keys(value ?? {}), ...matchingColumns]);
		return {
			mappingMode,
			value,
			matchingColumns,
			schema: columns.map((c) => ({ ...c, removed: c.readOnly === true || !shown.has(c.id) })),
			attemptToConvertTypes: false,
			convertFieldsToString: false,
		};
	};
	const upsert = (name: string, columnsValue: ReturnType<typeof mapperValue>, extra: Record<string, unknown> = {}, onError?: 'continueRegularOutput') =>
		marketoNode(
			rig.credential,
			{ resource: 'lead', operation: 'upsert', action: 'createOrUpdate', partitionName: '', dataMode: 'mapper', columns: columnsValue, ...extra },
			{ name, onError },
		);

	/** The leads as Marketo stores them, read straight from the API. */
	const storedLeads = async (emails: string[]) => {
		const fields = 'email,firstName,numberOfEmployees,dateOfBirth,unsubscribed,annualRevenue,title';
		const response = await rig.marketoFetch('/rest/v1/leads.json', { filterType: 'email', filterValues: emails.join(','), fields });
		const body = (await response.json()) as { result?: Array<Record<string, unknown>> };
		return new Map((body.result ?? []).map((lead) => [String(lead.email).toLowerCase(), lead]));
	};

	beforeAll(async () => {
		rig = await E2eRig.create();
		// the columns the editor shows: the node's own resource mapping method over the instance's describe2
		const response = await rig.marketoFetch('/rest/v1/leads/describe2.json');
		const described = ((await response.json()) as { result: Array<{ fields: LeadField[]; searchableFields: string[][] }> }).result[0];
		columns = leadColumns(described.fields, described.searchableFields);
	});

	afterAll(async () => {
		await rig?.dispose();
	});

	it('Map Each Column Below and Map Automatically create the leads with values converted by type; a bad number with Continue On Fail is an error item', async () => {
		rig.removeLeadsAfterwards(['below-1', 'below-2', 'auto-1', 'auto-2', 'cof-1', 'cof-2', 'cof-3'].map(emailOf));
		const below = [
			{ email: emailOf('below-1'), staff: '250', born: '1990-05-17', optOut: 'true', revenue: '1250000.50' },
			{ email: emailOf('below-2'), staff: 12, born: '1985-01-02T00:00:00', optOut: false, revenue: 99 },
		];
		const defineBelow = mapperValue('defineBelow', {
			email: '={{ $json.email }}',
			firstName: 'Mapper',
			numberOfEmployees: '={{ $json.staff }}',
			dateOfBirth: '={{ $json.born }}',
			unsubscribed: '={{ $json.optOut }}',
			annualRevenue: '={{ $json.revenue }}',
		});
		// an item read from Marketo and changed: createdAt/updatedAt are read-only and are left out
		const auto = [
			{ email: emailOf('auto-1'), firstName: 'Auto', title: 'CFO', numberOfEmployees: '40', createdAt: '2020-01-01T00:00:00Z', updatedAt: '2020-01-02T00:00:00Z', row_number: 2 },
			{ email: emailOf('auto-2'), firstName: 'Auto', title: 'CTO', numberOfEmployees: 41, unsubscribed: 'no', row_number: 3 },
		];
		const continueOnFail = [
			{ email: emailOf('cof-1'), numberOfEmployees: '7' },
			{ email: emailOf('cof-2'), numberOfEmployees: 'seven' },
			{ email: emailOf('cof-3'), numberOfEmployees: '8' },
		];
		const workflow = buildWorkflow(
			'Marketo column mapper',
			[itemsNode('Sheet rows', below), upsert('Mapped below', defineBelow)],
			[itemsNode('Leads to change', auto), upsert('Mapped automatically', mapperValue('autoMapInputData', null), { ignoreFields: 'row_number' })],
			[itemsNode('Rows with a bad number', continueOnFail), upsert('Mapped, continue on fail', mapperValue('autoMapInputData', null), { ignoreFields: '' }, 'continueRegularOutput')],
		);
		rig.sandbox?.clearLog();
		firstRun = await rig.execute(workflow);
		firstLog = [...(rig.requestLog() ?? [])];
		if (!firstRun.ok) throw new Error(describeFailure(firstRun));

		expect(outputOf(firstRun, 'Mapped below')).toEqual([
			expect.objectContaining({ email: emailOf('below-1'), status: 'created', id: expect.any(Number) }),
			expect.objectContaining({ email: emailOf('below-2'), status: 'created', id: expect.any(Number) }),
		]);
		expect(itemsOf(firstRun, 'Mapped below').map(pairedIndexes)).toEqual([[0], [1]]);
		expect(outputOf(firstRun, 'Mapped automatically').map((o) => o.status)).toEqual(['created', 'created']);

		const failed = itemsOf(firstRun, 'Mapped, continue on fail');
		expect(failed.map(pairedIndexes)).toEqual([[0], [1], [2]]);
		expect(failed.map((i) => i.json)).toEqual([
			expect.objectContaining({ email: emailOf('cof-1'), status: 'created' }),
			// the display name is the instance's own ("Num Employees" in the sandbox)
			expect.objectContaining({ error: expect.stringMatching(/^Field '.+' \(numberOfEmployees\) must be a whole number; got "seven" \[item 1\]$/) }),
			expect.objectContaining({ email: emailOf('cof-3'), status: 'created' }),
		]);

		const stored = await storedLeads([...below, ...auto].map((i) => i.email));
		expect(stored.get(emailOf('below-1'))).toMatchObject({ firstName: 'Mapper', numberOfEmployees: 250, dateOfBirth: '1990-05-17', unsubscribed: true, annualRevenue: 1250000.5 });
		expect(stored.get(emailOf('below-2'))).toMatchObject({ firstName: 'Mapper', numberOfEmployees: 12, dateOfBirth: '1985-01-02', unsubscribed: false, annualRevenue: 99 });
		expect(stored.get(emailOf('auto-1'))).toMatchObject({ firstName: 'Auto', title: 'CFO', numberOfEmployees: 40 });
		expect(stored.get(emailOf('auto-2'))).toMatchObject({ title: 'CTO', numberOfEmployees: 41, unsubscribed: false });
	});

	itSandbox.because(NEEDS_SANDBOX.log)('each mapper node made one sync call carrying its good records (2, 2 and 2)', () => {
		const syncs = firstLog.filter((e) => e.path === '/rest/v1/leads.json' && e.method === 'POST');
		expect(syncs.map((e) => e.recordCount)).toEqual([2, 2, 2]);
		expect(syncs.every((e) => e.code === null && e.status === 200)).toBe(true);
	});

	it('a date that is not a date stops the node, naming the field and the item, and nothing is written', async () => {
		const items = [{ email: emailOf('bad-1'), born: '2001-02-03' }, { email: emailOf('bad-2'), born: 'next friday' }];
		rig.removeLeadsAfterwards(items.map((i) => i.email));
		const workflow = buildWorkflow('Marketo column mapper, bad date', [
			itemsNode('Rows', items),
			upsert('Mapped below', mapperValue('defineBelow', { email: '={{ $json.email }}', dateOfBirth: '={{ $json.born }}' })),
		]);
		rig.sandbox?.clearLog();
		const result = await rig.execute(workflow);
		expect(result.ok).toBe(false);
		const error = errorOf(result, 'Mapped below');
		// n8n itself checks a mapped value against the column's type, and says which column and item
		expect(error?.message).toMatch(/dateOfBirth/);
		expect(error?.message).toMatch(/\[item 1\]/);
		expect(`${error?.message} ${error?.description ?? ''}`).toMatch(/next friday/);
		expect((await storedLeads(items.map((i) => i.email))).size).toBe(0);
		await rig.sandboxOnly((sandbox) => {
			expect(sandbox.requestLog.filter((e) => e.path === '/rest/v1/leads.json' && e.method === 'POST')).toEqual([]);
		});
	});

	it('the editor loads the columns through n8n\'s resource mapper endpoint (email is the column to match on by default)', async () => {
		const n8n = await rig.startN8n();
		try {
			// the owner account the editor signs in with; n8n answers /healthz before its REST API is up
			const deadline = Date.now() + 120_000;
			let cookie = '';
			while (!cookie) {
				if (Date.now() > deadline) throw new Error('n8n did not accept the owner setup within 120 s');
				const setup = await fetch(`${n8n.url}/rest/owner/setup`, {
					method: 'POST',
					headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify({ email: 'owner@mapper.test', firstName: 'Map', lastName: 'Per', password: 'Mapper-Owner-1' }),
				}).catch(() => undefined);
				cookie = setup?.ok ? (setup.headers.get('set-cookie') ?? '').split(';')[0] : '';
				if (!cookie) await new Promise((retry) => setTimeout(retry, 1_000));
			}
			expect(cookie).toMatch(/=/);
			const response = await fetch(`${n8n.url}/rest/dynamic-node-parameters/resource-mapper-fields`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', Cookie: cookie },
				body: JSON.stringify({
					path: 'parameters.columns',
					methodName: 'getLeadColumns',
					nodeTypeAndVersion: { name: 'n8n-nodes-marketo.marketo', version: 1 },
					currentNodeParameters: { resource: 'lead', operation: 'upsert', dataMode: 'mapper', columns: { mappingMode: 'defineBelow', value: null } },
					credentials: { marketoApi: { id: rig.credential.id, name: rig.credential.name } },
				}),
			});
			const body = (await response.json()) as { data?: { fields: ResourceMapperField[] } };
			expect(response.status).toBe(200);
			const fields = body.data?.fields ?? [];
			expect(fields.map((f) => f.id).sort()).toEqual(columns.map((c) => c.id).sort());
			expect(fields.find((f) => f.id === 'email')).toMatchObject({ defaultMatch: true, canBeUsedToMatch: true, type: 'string' });
			expect(fields.find((f) => f.id === 'numberOfEmployees')).toMatchObject({ type: 'number' });
			expect(fields.find((f) => f.id === 'updatedAt')).toMatchObject({ readOnly: true, removed: true });
		} finally {
			await n8n.stop();
		}
	});
});
