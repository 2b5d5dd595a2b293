import { sendInBatches } from '../../../nodes/Marketo/transport';

type Result = { id?: number; status: string };

describe('sendInBatches', () => {
	const entries = (ids: number[]) => ids.map((id, itemIndex) => ({ itemIndex, record: id }));

	it('sends 1,000 records in 4 calls of at most 300, in order', async () => {
		const calls: number[][] = [];
		const outcomes = await sendInBatches<number, Result>(entries(Array.from({ length: 1000 }, (_, i) => i + 1)), {
			continueOnFail: false,
			send: async (ids) => {
				calls.push(ids);
				return ids.map((id) => ({ id, status: 'updated' }));
			},
		});
		expect(calls.map((c) => c.length)).toEqual([300, 300, 300, 100]);
		expect(outcomes).toHaveLength(1000);
		outcomes.forEach((o, i) => {
			expect(o.entry.itemIndex).toBe(i);
			expect(o.result).toEqual({ id: i + 1, status: 'updated' });
		});
	});

	it('matches results by id when Marketo answers in another order or leaves records out', async () => {
		const outcomes = await sendInBatches<number, Result>(entries([5, 6, 7]), {
			continueOnFail: true,
			keyOf: String,
			resultKeyOf: (r) => (r.id === undefined ? undefined : String(r.id)),
			missing: (id) => new Error(`no lead ${id}`),
			send: async () => [{ id: 7, status: 'memberof' }, { id: 5, status: 'notmemberof' }],
		});
		expect(outcomes.map((o) => o.result?.status ?? o.error?.message)).toEqual(['notmemberof', 'no lead 6', 'memberof']);
	});

	it('sends a duplicate id once and reports the result to every item that gave it', async () => {
		const calls: number[][] = [];
		const outcomes = await sendInBatches<number, Result>(entries([1, 2, 1, 3, 2]), {
			continueOnFail: false,
			keyOf: String,
			send: async (ids) => {
				calls.push(ids);
				return ids.map((id) => ({ id, status: 'added' }));
			},
		});
		expect(calls).toEqual([[1, 2, 3]]);
		expect(outcomes.map((o) => [o.entry.itemIndex, o.result?.id])).toEqual([[0, 1], [1, 2], [2, 1], [3, 3], [4, 2]]);
	});

	it('without Continue On Fail, a failed call stops the run with its error', async () => {
		await expect(
			sendInBatches<number, Result>(entries(Array.from({ length: 600 }, (_, i) => i)), {
				continueOnFail: false,
				send: async (ids) => {
					if (ids[0] === 300) throw new Error('Marketo error 1003');
					return ids.map((id) => ({ id, status: 'updated' }));
				},
			}),
		).rejects.toThrow('Marketo error 1003');
	});

	it('with Continue On Fail, only the records of the failed call carry the error', async () => {
		const outcomes = await sendInBatches<number, Result>(entries(Array.from({ length: 600 }, (_, i) => i)), {
			continueOnFail: true,
			send: async (ids) => {
				if (ids[0] === 300) throw new Error('Marketo error 1003');
				return ids.map((id) => ({ id, status: 'updated' }));
			},
		});
		expect(outcomes.filter((o) => o.error)).toHaveLength(300);
		expect(outcomes.slice(0, 300).every((o) => o.result?.status === 'updated')).toBe(true);
		expect(outcomes.slice(300).every((o) => o.error?.message === 'Marketo error 1003')).toBe(true);
	});

	it('runs calls in parallel up to the given number', async () => {
		let inFlight = 0;
		let peak = 0;
		await sendInBatches<number, Result>(entries(Array.from({ length: 3000 }, (_, i) => i)), {
			continueOnFail: false,
			parallel: 4,
			send: async (ids) => {
				inFlight++;
				peak = Math.max(peak, inFlight);
				await new Promise((r) => setImmediate(r));
				inFlight--;
				return ids.map((id) => ({ id, status: 'updated' }));
			},
		});
		expect(peak).toBe(4);
	});
});
