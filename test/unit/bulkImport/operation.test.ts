/**
 * Bulk Import > Import Leads through the node's router against the in-process sandbox: what happens once Marketo
 * has accepted a job and a later call fails. The job imports regardless, so its batch id must reach the user,
 * on the error item (Continue On Fail) or in the error that stops the node.
 */
import { fileSandbox, jsonOf, nodeHarness } from '../helpers/nodeHarness';

const STATUS = /^\/bulk\/v1\/leads\/batch\/\d+\.json$/;

describe('Import Leads after Marketo accepted the job', () => {
	const { sandbox, credential } = fileSandbox({ latencyMs: 0, limits: false, bulk: { minPhaseMs: 10 } });
	const { run, calls } = nodeHarness(sandbox, () => credential());
	const importItems = { resource: 'bulkImport', operation: 'importLeads', source: 'items', dataMode: 'autoMap', ignoreFields: '', pollInterval: 5, options: {} };
	const items = [{ email: 'ana@example.com' }, { email: 'li@example.com' }, { email: 'zoe@example.com' }];

	it('a status call that fails gives every item of the job an error item carrying the batch id (Continue On Fail)', async () => {
		sandbox().injectFault({ method: 'GET', path: STATUS, kind: 'error', code: '603', message: 'Access denied', times: Infinity });
		const output = await run(importItems, items, { continueOnFail: true });
		const [job] = jsonOf(output);
		expect(output).toHaveLength(1);
		expect(job).toMatchObject({ kind: 'importJob', batchId: expect.any(Number), error: expect.stringMatching(/Marketo error 603/) });
		expect(output[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(calls('/bulk/v1/leads.json', 'POST')).toHaveLength(1);
	});

	it('without Continue On Fail the error that stops the node names the other batches Marketo already accepted', async () => {
		const file = (text: string) => ({ data: { data: Buffer.from(text).toString('base64'), mimeType: 'text/csv', fileName: 'leads.csv' } });
		sandbox().injectFault({ method: 'GET', path: STATUS, kind: 'error', code: '603', message: 'Access denied', times: Infinity });
		const error = await run({ ...importItems, source: 'binary', binaryPropertyName: 'data', fileFormat: 'auto' }, [{}, {}], {
			binary: [file('email\nana@example.com\n'), file('email\nli@example.com\n')],
		}).then(
			() => ({ message: 'no error', description: '' }),
			(e: Error & { description?: string }) => e,
		);
		const accepted = calls('/bulk/v1/leads.json', 'POST');
		expect(accepted).toHaveLength(2);
		expect(error.message).toMatch(/Marketo error 603/);
		expect(error.description).toMatch(/Marketo already accepted import batch \d+ of this run; it imports regardless/);
	});

	it('Marketo took the upload and the connection dropped: not sent again, each input item reported as of unknown outcome', async () => {
		sandbox().injectFault({ method: 'POST', path: '/bulk/v1/leads.json', kind: 'dropAfterHandling', times: 1 });
		const output = await run(importItems, items, { continueOnFail: true });
		expect(calls('/bulk/v1/leads.json', 'POST')).toHaveLength(1);
		expect(output.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		for (const item of jsonOf(output)) {
			expect(item).toMatchObject({ kind: 'importJob', outcome: 'unknown', error: expect.stringMatching(/^Marketo may or may not have received part 1 of 1/) });
			expect(item.errorDescription).toMatch(/Check in Marketo whether these leads were created or updated/);
		}
	});
});
