/**
 * A Marketo node put straight after a Manual Trigger, with Lead ID left at its default `{{ $json.id }}`: the Manual
 * Trigger's item has no fields, and the error says so (the input item has no `id` field), instead of only "got
 * empty". The same run has a second branch whose item has an `id` of "" (a field that is there but empty). Nothing
 * reaches Marketo in either case.
 */
import { buildWorkflow, codeNode, E2eRig, errorOf, marketoNode } from './rig';

describe('an expression that resolved to nothing, in a real n8n', () => {
	let rig: E2eRig;

	beforeAll(async () => {
		rig = await E2eRig.create();
	});

	afterAll(async () => {
		await rig?.dispose();
	});

	it('names the field, says the input item lacks it, and sends nothing', async () => {
		const afterTrigger = marketoNode(rig.credential, { resource: 'lead', operation: 'get' }, { name: 'Get Lead', onError: 'continueRegularOutput' });
		const emptyId = [
			codeNode('Empty ID', "return [{ json: { id: '', email: 'ana@example.com' } }];"),
			marketoNode(rig.credential, { resource: 'leadPartition', operation: 'update', partitionName: 'Default' }, { name: 'Move Lead', onError: 'continueRegularOutput' }),
		];
		const run = await rig.execute(buildWorkflow('Lead ID from an item without id', [afterTrigger], emptyId));

		// Lead ID was not set: n8n filled in the default expression, which read the Manual Trigger's empty item
		const missing = JSON.stringify(errorOf(run, 'Get Lead') ?? run.run?.data.resultData.runData['Get Lead']);
		expect(missing).toContain("'Lead ID'");
		expect(missing).toContain("input item 1 has no 'id' field, which {{ $json.id }} reads");
		expect(missing).toContain('a Manual Trigger outputs an empty item');

		const empty = JSON.stringify(errorOf(run, 'Move Lead') ?? run.run?.data.resultData.runData['Move Lead']);
		expect(empty).toContain("the 'id' field of input item 1 is empty");
		expect(empty).toContain("The item's fields: id, email");

		// reads may happen (the partition list), writes may not
		rig.sandboxOnly((sb) => expect(sb.requestLog.filter((e) => e.method === 'POST' && e.path.startsWith('/rest/')).map((e) => e.path)).toEqual([]));
	});
});
