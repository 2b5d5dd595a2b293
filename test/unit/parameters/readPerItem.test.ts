import type { IExecuteFunctions } from 'n8n-workflow';

import { readPerItem } from '../../../nodes/Marketo/actions/shared/parameters';

const withParameters = (parameters: Record<string, unknown>) => ({ getNode: () => ({ parameters }) }) as unknown as IExecuteFunctions;

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
		const listOf = readPerItem(withParameters({}), 'list', () => {
			reads++;
			throw new Error("'List' must be a Marketo ID");
		});
		expect(() => listOf(0)).toThrow("'List' must be a Marketo ID");
		expect(() => listOf(1)).toThrow("'List' must be a Marketo ID");
		expect(reads).toBe(1);
	});
});
