/**
 * Lead > Create or Update with n8n's resource mapper ("Map Columns"): the columns come from describe2, values are
 * converted by field type before anything is sent, the lookup field is the column to match on, and records are
 * batched 300 per call across items with every item paired to its output.
 */
import type { ResourceMapperField } from 'n8n-workflow';

import { leadValue } from '../../../nodes/Marketo/actions/lead/leadValues';
import { resourceMapping } from '../../../nodes/Marketo/methods/resourceMapping';
import { fileSandbox, jsonOf, nodeHarness, pairedOf, type Json, type Param } from '../helpers/nodeHarness';

const upsertMapped = (columns: Json, extra: Record<string, Param> = {}) => ({
	resource: 'lead',
	operation: 'upsert',
	action: 'createOrUpdate',
	partitionName: '',
	dataMode: 'mapper',
	columns: { mappingMode: 'defineBelow', matchingColumns: ['email'], schema: [], attemptToConvertTypes: false, convertFieldsToString: false, ...columns },
	...extra,
});

/** What n8n's resource mapper hands over for a date column: a Luxon DateTime (stand-in with the same methods). */
const dateTimeOf = (iso: string, isoDate: string) => ({ isValid: true, toMillis: () => Date.parse(iso), toISODate: () => isoDate });

describe('Lead > Create or Update with the column mapper', () => {
	const { sandbox, credential } = fileSandbox({ seedLeads: 5, latencyMs: 0, limits: false });
	const { run, calls, loadOptionsContext } = nodeHarness(sandbox, () => credential());
	const syncCalls = () => calls('/rest/v1/leads.json', 'POST');
	const stored = (email: string) => {
		const [id] = sandbox().leads.findBy('email', email);
		return sandbox().leads.get(id);
	};

	it('loads the columns from describe2: types, lookup fields, read-only fields', async () => {
		const { fields } = await resourceMapping.getLeadColumns.call(loadOptionsContext());
		const column = (id: string) => fields.find((f) => f.id === id) as ResourceMapperField;
		expect(calls('/rest/v1/leads/describe2.json', 'GET')).toHaveLength(1);
		expect(column('email')).toMatchObject({ displayName: 'Email Address (email)', type: 'string', defaultMatch: true, canBeUsedToMatch: true, readOnly: false, required: false });
		expect(column('numberOfEmployees')).toMatchObject({ type: 'number', canBeUsedToMatch: false, readOnly: false });
		expect(column('annualRevenue').type).toBe('number');
		expect(column('unsubscribed').type).toBe('boolean');
		expect(column('dateOfBirth').type).toBe('dateTime');
		expect(column('website').type).toBe('string');
		// read-only, not a lookup: listed, left out of the mapping
		expect(column('createdAt')).toMatchObject({ readOnly: true, removed: true, canBeUsedToMatch: false });
		// read-only but a lookup field: can be the column to match on
		expect(column('id')).toMatchObject({ readOnly: false, canBeUsedToMatch: true, defaultMatch: false });
		expect(fields.filter((f) => f.defaultMatch).map((f) => f.id)).toEqual(['email']);
	});

	it('Map Each Column Below: values converted by type, lookup field from the column to match on, one call', async () => {
		const items = [
			{ mail: 'ana@example.com', staff: '250', born: dateTimeOf('1990-05-17T00:00:00+02:00', '1990-05-17'), optOut: 'yes' },
			{ mail: 'li@example.com', staff: 12, born: '1985-01-02', optOut: false },
		];
		const value = (json: Json) => ({ email: json.mail, numberOfEmployees: json.staff, dateOfBirth: json.born, unsubscribed: json.optOut, company: 'Acme' });
		const output = await run(upsertMapped({ value }), items);
		expect(syncCalls()).toHaveLength(1);
		expect(syncCalls()[0].recordCount).toBe(2);
		expect(pairedOf(output)).toEqual([0, 1]);
		expect(jsonOf(output)).toEqual([
			expect.objectContaining({ email: 'ana@example.com', status: 'created' }),
			expect.objectContaining({ email: 'li@example.com', status: 'created' }),
		]);
		expect(stored('ana@example.com')).toMatchObject({ numberOfEmployees: 250, dateOfBirth: '1990-05-17', unsubscribed: true, company: 'Acme' });
		expect(stored('li@example.com')).toMatchObject({ numberOfEmployees: 12, dateOfBirth: '1985-01-02', unsubscribed: false });
	});

	it('Map Automatically: the items\' fields by name, read-only fields left out, Fields to Ignore honoured, 300 per call', async () => {
		const items = Array.from({ length: 650 }, (_, i) => ({
			email: `auto${i}@example.com`,
			leadScore: String(i),
			createdAt: '2020-01-01T00:00:00Z',
			updatedAt: '2020-01-02T00:00:00Z',
			row_number: i + 2,
		}));
		const output = await run(upsertMapped({ mappingMode: 'autoMapInputData', value: null }, { ignoreFields: 'row_number' }), items);
		// batches go out in parallel: the log holds them in the order they were answered
		expect(syncCalls().map((c) => c.recordCount).sort((a, b) => b! - a!)).toEqual([300, 300, 50]);
		expect(output).toHaveLength(650);
		expect(pairedOf(output)).toEqual(items.map((_, i) => i));
		expect(jsonOf(output).every((o) => o.status === 'created')).toBe(true);
		expect(stored('auto649@example.com')).toMatchObject({ leadScore: 649 });
	});

	it('the column to match on is the lookup field: id with Update Only updates the lead', async () => {
		const value = (json: Json) => ({ id: json.id, title: json.title });
		const output = await run(upsertMapped({ matchingColumns: ['id'], value }, { action: 'updateOnly' }), [{ id: 2, title: 'CFO' }, { id: 999999, title: 'CEO' }]);
		expect(jsonOf(output)).toEqual([
			expect.objectContaining({ id: 2, status: 'updated' }),
			expect.objectContaining({ id: 999999, status: 'skipped', reasonCode: '1004' }),
		]);
		expect(sandbox().leads.get(2)).toMatchObject({ title: 'CFO' });
	});

	it('a bad date in item 2 stops the node naming the field and the item, before any call that writes', async () => {
		const value = (json: Json) => ({ email: json.email, dateOfBirth: json.born });
		const items = [{ email: 'a@example.com', born: '2001-02-03' }, { email: 'b@example.com', born: '2001-02-04' }, { email: 'c@example.com', born: 'next friday' }];
		await expect(run(upsertMapped({ value }), items)).rejects.toThrow(/Field 'Date of Birth' \(dateOfBirth\) must be a date \(YYYY-MM-DD\); got "next friday" \[item 2\]/);
		expect(syncCalls()).toEqual([]);
	});

	it('with Continue On Fail, an item with a bad number is an error item naming the field; the others are synced', async () => {
		const items = [{ email: 'n1@example.com', staff: '10' }, { email: 'n2@example.com', staff: 'ten' }, { email: 'n3@example.com', staff: '3.5' }, { email: 'n4@example.com', staff: '' }];
		const output = await run(upsertMapped({ mappingMode: 'autoMapInputData', value: null }, { ignoreFields: '' }), items.map((i) => ({ email: i.email, numberOfEmployees: i.staff })), { continueOnFail: true });
		expect(pairedOf(output)).toEqual([0, 1, 2, 3]);
		expect(jsonOf(output)).toEqual([
			expect.objectContaining({ email: 'n1@example.com', status: 'created' }),
			expect.objectContaining({ error: 'Field \'Num Employees\' (numberOfEmployees) must be a whole number; got "ten" [item 1]' }),
			expect.objectContaining({ error: expect.stringMatching(/numberOfEmployees\) must be a whole number; got "3.5"/) }),
			expect.objectContaining({ email: 'n4@example.com', status: 'created' }),
		]);
		expect(syncCalls()).toHaveLength(1);
		expect(syncCalls()[0].recordCount).toBe(2);
	});

	it('names a mapped field the instance does not have, as the other modes do', async () => {
		await expect(run(upsertMapped({ value: { email: 'x@example.com', favouriteColour: 'red' } }), [{}])).rejects.toThrow(/Not lead fields of this Marketo instance: 'favouriteColour'/);
		expect(syncCalls()).toEqual([]);
	});
});

describe('lead values by field type', () => {
	const field = (dataType: string) => ({ name: 'f', displayName: 'F', dataType });

	it.each([
		['integer', '42', 42],
		['integer', 7, 7],
		['float', '3.25', 3.25],
		['currency', ' 1000 ', 1000],
		['boolean', 'TRUE', true],
		['boolean', 0, false],
		['boolean', 'no', false],
		['date', '2026-05-02', '2026-05-02'],
		['date', '2026-05-02T23:30:00-05:00', '2026-05-02'],
		['datetime', '2026-05-02T09:15:00.123+02:00', '2026-05-02T07:15:00Z'],
		['datetime', new Date('2026-05-02T09:15:00Z'), '2026-05-02T09:15:00Z'],
		['string', 12345, '12345'],
		['string', '', ''],
		['integer', '', null],
		['email', null, null],
	])('%s %p -> %p', (dataType, value, expected) => {
		expect(leadValue(field(dataType), value)).toEqual(expected);
	});

	it.each([
		['integer', '1e400'],
		['integer', '4.5'],
		['float', 'about 3'],
		['boolean', 'maybe'],
		['date', '02/30/2026x'],
		['datetime', 1_700_000_000],
		['datetime', 'soon'],
		['string', { a: 1 }],
	])('%s %p is refused, naming the field', (dataType, value) => {
		expect(() => leadValue(field(dataType), value, 3)).toThrow(/^Field 'F' \(f\) must be .*\[item 3\]$/);
	});
});
