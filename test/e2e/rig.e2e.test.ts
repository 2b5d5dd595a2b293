/**
 * The rig itself, with n8n's built-in nodes only: import, execute, parse the run, read outputs,
 * errors and pairing, several branches in one run, and `n8n start`.
 */
import {
	buildWorkflow,
	codeNode,
	E2eRig,
	errorOf,
	generatedItemsNode,
	itemsNode,
	itemsOf,
	outputOf,
	pairedIndexes,
	ran,
} from './rig';

describe('e2e rig (built-in nodes in a real n8n)', () => {
	let rig: E2eRig;

	beforeAll(async () => {
		rig = await E2eRig.create({ sandbox: false, installPackage: false });
	});

	afterAll(async () => {
		await rig?.dispose();
	});

	it('runs a Manual Trigger -> Code workflow and returns its items', async () => {
		const result = await rig.mustExecute(
			buildWorkflow('rig: items', [generatedItemsNode('Items', 5, '(i) => ({ n: i * 2 })'), codeNode('Double', 'return $input.all().map((item) => ({ json: { n: item.json.n * 2 }, pairedItem: item.pairedItem }));')]),
		);
		expect(outputOf(result, 'Items')).toEqual([{ n: 0 }, { n: 2 }, { n: 4 }, { n: 6 }, { n: 8 }]);
		expect(outputOf(result, 'Double').map((j) => j.n)).toEqual([0, 4, 8, 12, 16]);
		expect(itemsOf(result, 'Double').map(pairedIndexes)).toEqual([[0], [1], [2], [3], [4]]);
		expect(result.run?.status).toBe('success');
	});

	it('runs independent branches in one execution', async () => {
		const result = await rig.mustExecute(
			buildWorkflow('rig: branches', [itemsNode('A', [{ a: 1 }])], [itemsNode('B', [{ b: 1 }, { b: 2 }])]),
		);
		expect(outputOf(result, 'A')).toEqual([{ a: 1 }]);
		expect(outputOf(result, 'B')).toHaveLength(2);
	});

	it('reports a failing node with its message', async () => {
		const result = await rig.execute(buildWorkflow('rig: failure', [codeNode('Broken', "throw new Error('bad input - no email');")]));
		expect(result.ok).toBe(false);
		expect(result.error?.message).toMatch(/bad input - no email/);
		expect(errorOf(result, 'Broken')?.message).toMatch(/bad input - no email/);
	});

	it('keeps going past a failing node set to continue, with the error as an item', async () => {
		const broken = { ...codeNode('Broken', "throw new Error('bad input');"), onError: 'continueRegularOutput' as const };
		const result = await rig.mustExecute(buildWorkflow('rig: continue', [broken, itemsNode('After', [{ after: true }])]));
		expect(outputOf(result, 'Broken')[0]).toMatchObject({ error: expect.stringMatching(/bad input/) });
		expect(ran(result, 'After')).toBe(true);
	});

	it('starts n8n on a free port and stops it', async () => {
		const n8n = await rig.startN8n();
		const res = await fetch(`${n8n.url}/healthz`);
		expect(res.status).toBe(200);
		await n8n.stop();
		await expect(fetch(`${n8n.url}/healthz`)).rejects.toThrow();
	});
});
