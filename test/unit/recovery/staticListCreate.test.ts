/** Static List Create when the answer to the create is lost: the list by its name tells what happened. */
import { fileSandbox, jsonOf as json, nodeHarness, pairedOf as paired, rl } from '../helpers/nodeHarness';

const LISTS = '/rest/asset/v1/staticLists.json';

describe('Static List Create after a lost answer', () => {
	const { sandbox, credential } = fileSandbox({ latencyMs: 0, limits: false });
	const { run, calls } = nodeHarness(sandbox, () => credential());
	const create = (name: string, continueOnFail = false) =>
		run({ resource: 'staticList', operation: 'create', folder: rl('id', '13'), folderType: 'Folder', name, description: '' }, [{}], { continueOnFail });

	it('made by this call (answer dropped after the list was made): reported created, sent once', async () => {
		sandbox().injectFault({ method: 'POST', path: LISTS, kind: 'dropAfterHandling' });
		const out = json(await create('Made Once'));
		const lists = sandbox().assets.allLists().filter((l) => l.name === 'Made Once');
		expect(lists).toHaveLength(1);
		expect(out).toEqual([expect.objectContaining({ id: lists[0].id, name: 'Made Once', recovered: true })]);
		expect(calls(LISTS, 'POST')).toHaveLength(1);
	});

	it('a list by that name from before: Marketo\'s 709, as if the answer had come', async () => {
		sandbox().injectFault({ method: 'POST', path: LISTS, kind: 'drop' });
		await expect(create('Foundation Seed List')).rejects.toThrow(/709: Static List with name 'Foundation Seed List' already exists \(made 2017-07-27T01:38:33Z\+0000, before this run\)/);
	});

	it('no list by that name (dropped before it was made): outcome unknown, an error item paired to its input', async () => {
		sandbox().injectFault({ method: 'POST', path: LISTS, kind: 'drop' });
		const output = await create('Never Made', true);
		expect(paired(output)).toEqual([0]);
		expect(String(json(output)[0].error)).toMatch(/whether it was done is unknown: Creating static list "Never Made" got no answer, and Marketo has no list by that name/);
		expect(String(json(output)[0].errorDescription)).toMatch(/Run it again for this item/);
		expect(calls(LISTS, 'POST')).toHaveLength(1);
	});
});
