import type { IExecuteFunctions } from 'n8n-workflow';

import { itemValueReader, readPerItem } from '../../../nodes/Marketo/actions/shared/parameters';

const withParameters = (parameters: Record<string, unknown>, evaluated: unknown[] = []) =>
	({
		getNode: () => ({ parameters }),
		getNodeParameter: (_name: string, itemIndex: number) => evaluated[itemIndex],
	}) as unknown as IExecuteFunctions;

describe('readPerItem', () => {
	it('reads a parameter without an expression once, whatever the number of items', () => {
		const reads: number[] = [];
		const listOf = readPerItem(withParameters({ list: { __rl: true, mode: 'id', value: '1021' } }), 'list', (i) => (reads.push(i), 1021));
		expect([0, 1, 2, 3].map(listOf)).toEqual([1021, 1021, 1021, 1021]);
		expect(reads).toEqual([0]);
	});

	it('reads a parameter holding an expression (also inside a resource locator) for every item', () => {
		for (const stored of ['={{ $json.list }}', { __rl: true, mode: 'id', value: '={{ $json.list }}' }]) {
			const reads: number[] = [];
			const listOf = readPerItem(withParameters({ list: stored }), 'list', (i) => (reads.push(i), 1000 + i));
			expect([0, 1, 2].map(listOf)).toEqual([1000, 1001, 1002]);
			expect(reads).toEqual([0, 1, 2]);
		}
	});

	it('fails every item with the error of the one read', () => {
		let reads = 0;
		const listOf = readPerItem(withParameters({ list: { __rl: true, mode: 'id', value: 'x1' } }), 'list', () => {
			reads++;
			throw new Error("'List' must be a Marketo ID");
		});
		expect(() => listOf(0)).toThrow("'List' must be a Marketo ID");
		expect(() => listOf(1)).toThrow("'List' must be a Marketo ID");
		expect(reads).toBe(1);
	});

	it('reads a parameter that is not stored for every item (its default may be an expression)', () => {
		const reads: number[] = [];
		const of = readPerItem(withParameters({}), 'leadId', (i) => (reads.push(i), i));
		expect([0, 1].map(of)).toEqual([0, 1]);
		expect(reads).toEqual([0, 1]);
	});
});

describe('itemValueReader', () => {
	const items = [{ json: { id: 7, lead: { id: '8' } } }, { json: { id: '9,10', lead: null } }, { json: {} }];

	it('reads a field of the item for an expression that only reads one ({{ $json.id }}), without n8n', () => {
		const fn = withParameters({ leadId: '={{ $json.id }}' }, ['not', 'used', 'here']);
		expect([0, 1, 2].map(itemValueReader(fn, 'leadId', items))).toEqual([7, '9,10', undefined]);
		const nested = withParameters({ leadId: '={{  $json.lead.id }}' });
		expect([0, 1, 2].map(itemValueReader(nested, 'leadId', items))).toEqual(['8', undefined, undefined]);
	});

	it('lets n8n evaluate any other expression, and reads a value without one once', () => {
		const computed = withParameters({ leadId: '={{ $json.id + 1 }}' }, [8, '9,101', 'undefined1']);
		expect([0, 1, 2].map(itemValueReader(computed, 'leadId', items))).toEqual([8, '9,101', 'undefined1']);
		const fixed = withParameters({ leadId: '42' }, ['42', 'changed?']);
		expect([0, 1].map(itemValueReader(fixed, 'leadId', items))).toEqual(['42', '42']);
	});

});
