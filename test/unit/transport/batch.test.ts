import { sendInBatches, sendInRounds } from '../../../nodes/Marketo/transport';

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

describe('sendInRounds', () => {
	type Lead = { email: string; n: number };
	const entries = (emails: string[]) => emails.map((email, itemIndex) => ({ itemIndex, record: { email, n: itemIndex } }));

	it('never puts the same key in one call or in calls in flight together; each repeat waits for the round before', async () => {
		const calls: number[][] = [];
		let inFlight = 0;
		let overlapped = false;
		const outcomes = await sendInRounds<Lead, Result>(entries(['a@x.com', 'b@x.com', 'A@x.com', 'c@x.com', 'a@x.com']), (l) => l.email.toLowerCase(), {
			size: 2,
			parallel: 5,
			continueOnFail: false,
			send: async (leads) => {
				inFlight++;
				if (calls.length > 0 && inFlight > 1 && leads.some((l) => l.email.toLowerCase() === 'a@x.com')) overlapped = true;
				calls.push(leads.map((l) => l.n));
				await new Promise((r) => setImmediate(r));
				inFlight--;
				return leads.map((l) => ({ id: l.n, status: l.n === 0 ? 'created' : 'updated' }));
			},
		});
		// round 1: items 0, 1, 3 (2 calls of at most 2); round 2: item 2; round 3: item 4
		expect(calls).toEqual([[0, 1], [3], [2], [4]]);
		expect(overlapped).toBe(false);
		expect(outcomes.map((o) => [o.entry.itemIndex, o.result?.id])).toEqual([[0, 0], [1, 1], [2, 2], [3, 3], [4, 4]]);
	});

	it('is one sendInBatches when no key repeats or a record has no key', async () => {
		const calls: number[][] = [];
		await sendInRounds<Lead, Result>(entries(['a', 'b', 'c']), () => undefined, {
			continueOnFail: false,
			send: async (leads) => {
				calls.push(leads.map((l) => l.n));
				return leads.map(() => ({ status: 'created' }));
			},
		});
		expect(calls).toEqual([[0, 1, 2]]);
	});

	it('keeps identical records together: sent once in the round of the first, while a different one for the same key waits', async () => {
		type Move = { id: number; partition: string };
		const moves: Move[] = [{ id: 5, partition: 'Mexico' }, { id: 5, partition: 'Mexico' }, { id: 5, partition: 'Canada' }, { id: 6, partition: 'Canada' }];
		const calls: string[][] = [];
		const outcomes = await sendInRounds<Move, Result>(moves.map((record, itemIndex) => ({ itemIndex, record })), (m) => String(m.id), {
			continueOnFail: false,
			keyOf: (m) => `${m.id}/${m.partition}`,
			send: async (input) => {
				calls.push(input.map((m) => `${m.id}/${m.partition}`));
				return input.map((m) => ({ id: m.id, status: m.partition }));
			},
		});
		expect(calls).toEqual([['5/Mexico', '6/Canada'], ['5/Canada']]);
		expect(outcomes.map((o) => o.result?.status)).toEqual(['Mexico', 'Mexico', 'Canada', 'Canada']);
	});
});
