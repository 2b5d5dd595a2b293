/**
 * What a person sees in n8n's editor before running anything: optional pickers valid when empty, the reason
 * columns of per-record results, the export poll interval against a local test server, the large-file notice
 * and the trigger's Fetch Test Event with nothing to show. The browser run (npm run test:ui) checks the same
 * in a real editor; these fail fast without one.
 */
import type { IDataObject, INodeProperties, IPollFunctions } from 'n8n-workflow';

import { buildProperties } from '../../../nodes/Marketo/actions/router';
import { pollSeconds } from '../../../nodes/Marketo/actions/bulkExport/fields';
import { outputFields } from '../../../nodes/Marketo/actions/bulkExport/output';
import { loadOptions } from '../../../nodes/Marketo/methods/loadOptions';
import { MarketoTrigger } from '../../../nodes/MarketoTrigger/MarketoTrigger.node';
import { Marketo } from '../../../nodes/Marketo/Marketo.node';
import { fileSandbox, fromItem, jsonOf, nodeHarness, rl } from '../helpers/nodeHarness';

const { sandbox, credential } = fileSandbox({ seedLeads: 20, latencyMs: 0 });
const { run, loadOptionsContext } = nodeHarness(sandbox, () => credential());

/** Every field of the node with the (resource, operation) it belongs to, nested collections included. */
function allFields(): Array<{ where: string; field: INodeProperties }> {
	const found: Array<{ where: string; field: INodeProperties }> = [];
	const walk = (field: INodeProperties, where: string) => {
		found.push({ where, field });
		for (const option of (field.options ?? []) as Array<INodeProperties & { values?: INodeProperties[] }>) {
			if ('type' in option && option.type) walk(option, `${where} > ${field.displayName}`);
			for (const value of option.values ?? []) walk(value, `${where} > ${field.displayName}`);
		}
	};
	for (const field of buildProperties()) {
		const show = field.displayOptions?.show ?? {};
		walk(field, `${String(show.resource ?? '')}/${String(show.operation ?? '')}`);
	}
	return found;
}

describe('the editor shows no issue on an untouched node', () => {
	it('an optional picker filled from Marketo lists its empty default, so n8n does not mark it "not supported"', async () => {
		// top-level fields only: a row of a collection (Fields to Send, Column Header Names) exists once the user adds
		// it, to pick a value
		const pickers = allFields().filter(
			({ where, field }) => !where.includes(' > ') && field.type === 'options' && field.typeOptions?.loadOptionsMethod && field.required !== true && field.default === '',
		);
		const unchecked: string[] = [];
		for (const { where, field } of pickers) {
			const method = field.typeOptions!.loadOptionsMethod as keyof typeof loadOptions;
			const options = await loadOptions[method].call(loadOptionsContext());
			if (!options.some((o) => o.value === '')) unchecked.push(`${where}: ${field.displayName}`);
		}
		expect(pickers.length).toBeGreaterThanOrEqual(2);
		expect(unchecked).toEqual([]);
	});

	it('the optional partition picker offers the default partition first, then the instance\'s partitions by name', async () => {
		const optional = await loadOptions.getPartitionNamesOrDefault.call(loadOptionsContext());
		expect(optional[0]).toMatchObject({ value: '', name: "Default (the API User's Partition)" });
		expect(optional.slice(1).map((o) => o.value)).toContain('Default');
		// the required one (Lead Partition > Update) offers no empty choice
		const required = await loadOptions.getPartitionNames.call(loadOptionsContext());
		expect(required.some((o) => o.value === '')).toBe(false);
	});

	it('pickers follow the "Name or ID" labels of n8n\'s verification lint, and say that a name or an ID may be given', () => {
		const fields = allFields().map(({ field }) => field);
		const partition = fields.filter((f) => f.name === 'partitionName');
		expect(partition.length).toBeGreaterThan(0);
		for (const field of partition) {
			expect(field.displayName).toBe('Partition Name or ID');
			expect(field.description).toMatch(/partition name or ID/);
		}
		expect(new Set(fields.filter((f) => f.name === 'lookupField').map((f) => f.displayName))).toEqual(new Set(['Lookup Field Name or ID']));
	});

	it("Create or Update's first choice does not repeat the operation's name", () => {
		const action = allFields().find(({ where, field }) => where === 'lead/upsert' && field.name === 'action')!.field;
		const first = (action.options as Array<{ name: string; value: string }>).find((o) => o.value === action.default)!;
		expect(first.name).not.toBe('Create or Update');
		expect(action.displayName).not.toBe('Action');
	});
});

describe('per-record results read the same in every row', () => {
	it('Add to list: status, reasonCode and reasonMessage come right after the ids, and added rows have them empty', async () => {
		const output = jsonOf(await run({ resource: 'listMembership', operation: 'add', list: rl('id', 1021), leadId: fromItem('id') }, [{ id: 1 }, { id: 999999 }, { id: 2 }]));
		const columns = output.map((o) => Object.keys(o));
		expect(columns).toEqual(Array(3).fill(['listId', 'leadId', 'status', 'reasonCode', 'reasonMessage', 'reasons']));
		expect(output.map((o) => [o.status, o.reasonCode])).toEqual([
			['added', ''],
			['skipped', '1004'],
			['added', ''],
		]);
	});
});

describe('Export Leads against a local test server', () => {
	it('polls every 2 s when no interval is set, 60 s against Marketo', () => {
		expect(pollSeconds({}, 'http://127.0.0.1:8790')).toBe(2);
		expect(pollSeconds({}, 'http://localhost:8790')).toBe(2);
		expect(pollSeconds({}, 'https://123-ABC-456.mktorest.com')).toBe(60);
	});

	it("a window's start is never empty on a new node: 7 days ago, by expression", () => {
		const starts = allFields().filter(({ where, field }) => where === 'bulkExport/exportLeads' && /^(created|updated)After$/.test(field.name));
		expect(starts.map(({ field }) => [field.name, field.required, field.default])).toEqual([
			['createdAfter', true, '={{ $now.minus({ days: 7 }).toISO() }}'],
			['updatedAfter', true, '={{ $now.minus({ days: 7 }).toISO() }}'],
		]);
	});

	it('the large-file notice shows for File output only, without the admin setting as its first words', () => {
		expect(outputFields.find((f) => f.name === 'output')?.hint).toBeUndefined();
		const notice = outputFields.find((f) => f.type === 'notice')!;
		expect(notice.displayOptions?.show?.output).toEqual(['file']);
		expect(notice.displayName).toMatch(/^Exporting hundreds of thousands of leads\?/);
	});
});

describe('node picker and trigger', () => {
	it("the one \"Marketo\" entry of n8n's node picker describes the actions too, not only the trigger", () => {
		// n8n merges a node and its trigger into one entry and shows the trigger's description for it
		const merged = new MarketoTrigger().description.description;
		expect(merged).toMatch(/leads/);
		expect(merged).toMatch(/static lists/);
		expect(merged).toMatch(/trigger starts a workflow on new leads.* or when a bulk export or import job finishes/);
		expect(new Marketo().description.description).toMatch(/leads/);
	});

	it('Fetch Test Event with no finished export job says what to do instead of returning nothing', async () => {
		const staticData: IDataObject = {};
		const context = {
			...loadOptionsContext(),
			getMode: () => 'manual',
			getWorkflowStaticData: () => staticData,
			getNodeParameter: (name: string, fallback?: unknown) => ({ event: 'exportFinished', statuses: ['Completed'], downloadFile: false })[name] ?? fallback,
			logger: { warn: () => undefined },
		} as unknown as IPollFunctions;
		await expect(new MarketoTrigger().poll.call(context)).rejects.toMatchObject({
			message: 'No finished export job to show yet',
			description: expect.stringMatching(/none of them is Completed\. Run an export first \(Marketo node: Bulk Export > Export Leads/),
		});
	});
});
