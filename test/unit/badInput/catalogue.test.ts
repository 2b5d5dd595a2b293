/**
 * Bad-input catalogue: each bad input gives a clear error that names the field to fix, raised before anything is
 * written to Marketo (reads the node needs to check a value, such as the partition list or the lead fields, may
 * happen), and nothing is lost silently: with Continue On Fail the bad item becomes an error item and the others
 * are still sent.
 */
import { fileSandbox, jsonOf, nodeHarness, pairedOf, rl, type Json, type Param } from '../helpers/nodeHarness';

interface Case {
	what: string;
	parameters: Record<string, Param>;
	items?: Json[];
	credential?: Json;
	/** the error must match this (and so name the field) */
	error: RegExp;
}

const lead = (operation: string, extra: Record<string, Param> = {}) => ({ resource: 'lead', operation, ...extra });
const upsert = (extra: Record<string, Param> = {}) =>
	lead('upsert', { action: 'createOrUpdate', lookupField: 'email', partitionName: '', dataMode: 'autoMap', ignoreFields: '', ...extra });
const partition = (extra: Record<string, Param>) => ({ resource: 'leadPartition', operation: 'update', ...extra });
const list = (operation: string, extra: Record<string, Param>) => ({ resource: 'staticList', operation, ...extra });
const members = (operation: string, extra: Record<string, Param>) => ({ resource: 'listMembership', operation, list: rl('id', 1021), ...extra });
const byItem = (key: string) => (json: Json) => json[key];
const exportJob = (extra: Record<string, Param>) => ({
	resource: 'bulkExport',
	operation: 'createJob',
	fields: ['id', 'email'],
	format: 'CSV',
	filterType: 'createdAt',
	createdAfter: '2026-01-01T00:00:00Z',
	createdBefore: '2026-01-15T00:00:00Z',
	options: {},
	...extra,
});

const CASES: Case[] = [
	// credential
	{ what: 'base URL with a path', credential: { baseUrl: 'https://123-ABC-456.mktorest.com/some/path' }, parameters: lead('get', { leadId: '1', fields: [] }), error: /'REST API Base URL' must have no path/ },
	{ what: 'base URL over plain http for a remote host', credential: { baseUrl: 'http://123-ABC-456.mktorest.com' }, parameters: lead('get', { leadId: '1', fields: [] }), error: /'REST API Base URL' must start with https/ },
	{ what: 'base URL that is not a URL', credential: { baseUrl: 'mktorest' }, parameters: lead('get', { leadId: '1', fields: [] }), error: /'REST API Base URL' is not a URL/ },
	{ what: 'empty client id', credential: { clientId: ' ' }, parameters: lead('get', { leadId: '1', fields: [] }), error: /'Client ID' is empty/ },
	{ what: 'calls per 20 seconds above Marketo\'s 100', credential: { rateLimitCalls: 150 }, parameters: lead('get', { leadId: '1', fields: [] }), error: /'API Calls per 20 Seconds' must be a number from 1 to 100/ },
	{ what: 'concurrent calls above Marketo\'s 10', credential: { maxConcurrent: 11 }, parameters: lead('get', { leadId: '1', fields: [] }), error: /'Concurrent Calls' must be a number from 1 to 10/ },
	// lead
	{ what: 'item without a value for the lookup field', parameters: upsert(), items: [{ firstName: 'Ana' }], error: /lookup field 'email'/ },
	{ what: 'a field that is not a lead field', parameters: upsert(), items: [{ email: 'a@x.com', favouriteColour: 'red' }], error: /Not lead fields of this Marketo instance: 'favouriteColour'/ },
	{ what: 'an object as a field value', parameters: upsert(), items: [{ email: 'a@x.com', address: { city: 'Lyon' } }], error: /Field 'address' holds an object or a list/ },
	{ what: 'an item with no fields', parameters: upsert({ lookupField: 'email' }), items: [{}], error: /no fields to send|lookup field 'email'/ },
	{ what: 'an unknown partition on create', parameters: upsert({ partitionName: 'Atlantis' }), items: [{ email: 'a@x.com' }], error: /'Partition': no partition named "Atlantis"/ },
	{ what: 'a mapped column value that is not a number', parameters: upsert({ dataMode: 'mapper', columns: { mappingMode: 'autoMapInputData', value: null, matchingColumns: ['email'] } }), items: [{ email: 'a@x.com', leadScore: 'high' }], error: /Field 'Lead Score' \(leadScore\) must be a whole number; got "high" \[item 0\]/ },
	{ what: 'a mapped column value that is not a date', parameters: upsert({ dataMode: 'mapper', columns: { mappingMode: 'defineBelow', value: { email: 'a@x.com', dateOfBirth: '31/02/1990' }, matchingColumns: ['email'] } }), error: /Field 'Date of Birth' \(dateOfBirth\) must be a date/ },
	{ what: 'a lead ID that is text', parameters: lead('get', { leadId: 'abc', fields: [] }), error: /'Lead ID' must be a Marketo ID .*"abc"/ },
	{ what: 'an empty lead ID', parameters: lead('get', { leadId: '', fields: [] }), error: /'Lead ID' (is empty|must be a Marketo ID)/ },
	{ what: 'a negative lead ID', parameters: lead('get', { leadId: -5, fields: [] }), error: /'Lead ID' must be a Marketo ID/ },
	{ what: 'a fractional lead ID', parameters: lead('get', { leadId: '1.5', fields: [] }), error: /'Lead ID' must be a Marketo ID/ },
	{ what: 'no values to search for', parameters: lead('getAll', { filterType: 'email', filterValues: ' , ', fields: [], returnAll: true }), error: /'Values' is empty/ },
	{ what: 'more than 300 values to search for', parameters: lead('getAll', { filterType: 'id', filterValues: Array.from({ length: 301 }, (_, i) => i + 1).join(','), fields: [], returnAll: true }), error: /'Values' holds 301 values/ },
	{ what: 'a lead ID to delete that is text', parameters: lead('delete', { leadId: 'x1' }), error: /'Lead ID' must be a Marketo ID/ },
	// lead partition
	{ what: 'an unknown partition to move to', parameters: partition({ leadId: '1', partitionName: 'Atlantis' }), error: /'Partition': no partition named "Atlantis"/ },
	{ what: 'an empty partition name', parameters: partition({ leadId: '1', partitionName: '' }), error: /'Partition' is empty/ },
	{ what: 'a lead ID to move that is text', parameters: partition({ leadId: 'abc', partitionName: 'Mexico' }), error: /'Lead ID' must be a Marketo ID/ },
	// static list
	{ what: 'a list ID that is not a number', parameters: list('get', { findBy: 'list', list: rl('id', '10x') }), error: /'List' must be a Marketo ID/ },
	{ what: 'an empty list name', parameters: list('get', { findBy: 'name', name: '  ' }), error: /'Name' is empty/ },
	{ what: 'an updated-at window the wrong way round', parameters: list('getAll', { folder: rl('list', ''), folderType: 'Folder', earliestUpdatedAt: '2026-02-01', latestUpdatedAt: '2026-01-01', returnAll: true }), error: /'Updated After' .* is later than 'Updated Before'/ },
	{ what: 'a date that is not a date', parameters: list('getAll', { folder: rl('list', ''), folderType: 'Folder', earliestUpdatedAt: 'last tuesday', latestUpdatedAt: '', returnAll: true }), error: /'Updated After' is not a date/ },
	{ what: 'a folder given by name', parameters: list('create', { folder: rl('id', 'Events'), folderType: 'Folder', name: 'x', description: '' }), error: /'Folder' must be picked from the list or given as a folder ID/ },
	{ what: 'a new list without a name', parameters: list('create', { folder: rl('id', '13'), folderType: 'Folder', name: '', description: '' }), error: /'Name' is empty/ },
	{ what: 'an update with nothing to change', parameters: list('update', { list: rl('id', 1022), updateFields: {} }), error: /'Update Fields' is empty/ },
	{ what: 'a list to delete given as empty', parameters: list('delete', { list: rl('id', '') }), error: /'List' must be a Marketo ID/ },
	// list membership
	{ what: 'a lead ID to add that is text', parameters: members('add', { leadId: 'abc' }), error: /'Lead ID' must be a Marketo ID .*"abc"/ },
	{ what: 'an empty lead ID to add', parameters: members('add', { leadId: '' }), error: /'Lead ID'/ },
	{ what: 'one bad ID among several in an item', parameters: members('isMember', { leadId: '12,abc' }), error: /'Lead ID' must be a Marketo ID .*"abc"/ },
	{ what: 'a list ID of zero', parameters: members('getLeads', { list: rl('id', '0'), fields: [], returnAll: true }), error: /'List' must be a Marketo ID/ },
	// bulk export (a job is created only when everything reads well)
	{ what: 'an export window that ends before it starts', parameters: exportJob({ createdAfter: '2026-03-01T00:00:00Z', createdBefore: '2026-02-01T00:00:00Z' }), error: /'Created After' .* is later than 'Created Before'/ },
	{ what: 'an export window start that is not a date', parameters: exportJob({ createdAfter: 'last spring' }), error: /'Created After' is not a date: "last spring"/ },
	{ what: 'an export without fields', parameters: exportJob({ fields: [] }), error: /'Fields'/ },
	{ what: 'an export field that is not a lead field', parameters: exportJob({ fields: ['id', 'favouriteColour'] }), error: /favouriteColour/ },
	{ what: 'a smart list ID that is not a number', parameters: exportJob({ filterType: 'smartList', smartList: rl('id', 'SL12') }), error: /'Smart List' must be a Marketo ID/ },
	{ what: 'an export ID to enqueue that is empty', parameters: { resource: 'bulkExport', operation: 'enqueueJob', exportId: ' ', options: {} }, error: /'Export ID' is empty/ },
	// credential, on a real (https) instance
	{ what: 'a rate window shorter than Marketo\'s 20 s for a real instance', credential: { baseUrl: 'https://123-ABC-456.mktorest.com', rateWindowSeconds: 5 }, parameters: lead('get', { leadId: '1', fields: [] }), error: /'Rate Window \(Seconds\)' must be a number from 20/ },
	{ what: 'a lead ID given as a list of objects', parameters: members('remove', { leadId: byItem('ids') }), items: [{ ids: [{ id: 1 }] }], error: /'Lead ID' must be a Marketo ID/ },
];

describe('bad-input catalogue', () => {
	let credentialOverride: Json = {};
	const { sandbox, credential } = fileSandbox({ seedLeads: 20, latencyMs: 0, limits: false });
	const { run, calls } = nodeHarness(sandbox, () => credential(credentialOverride));
	/** calls that change something in Marketo */
	const writes = () => calls(/^\/(rest|bulk)\//).filter((e) => e.method !== 'GET' && !(e.method === 'POST' && e.methodOverride === 'GET'));

	it(`holds at least 30 cases (${CASES.length})`, () => {
		expect(CASES.length).toBeGreaterThanOrEqual(30);
	});

	it.each(CASES.map((c) => [c.what, c] as const))('%s: a clear error naming the field, nothing written', async (_what, c) => {
		credentialOverride = c.credential ?? {};
		await expect(run(c.parameters, c.items ?? [{}])).rejects.toThrow(c.error);
		expect(writes()).toEqual([]);
	});

	it('with Continue On Fail, a bad item becomes an error item and the good ones are still written, in order', async () => {
		credentialOverride = {};
		const output = await run(members('add', { leadId: byItem('id') }), [{ id: 1 }, { id: 'abc' }, { id: 2 }], { continueOnFail: true });
		expect(pairedOf(output)).toEqual([0, 1, 2]);
		expect(jsonOf(output)).toEqual([
			expect.objectContaining({ leadId: 1, status: 'added' }),
			expect.objectContaining({ error: expect.stringMatching(/'Lead ID' must be a Marketo ID/) }),
			expect.objectContaining({ leadId: 2, status: 'added' }),
		]);
		expect(writes()).toHaveLength(1);
		expect(writes()[0].recordCount).toBe(2);
	});

	it('with Continue On Fail, an item with an unknown lead field is an error item naming it; the others are synced', async () => {
		credentialOverride = {};
		const items = [{ email: 'ok1@example.com' }, { email: 'bad@example.com', favouriteColour: 'red' }, { email: 'ok2@example.com' }];
		const output = await run(upsert(), items, { continueOnFail: true });
		expect(pairedOf(output)).toEqual([0, 1, 2]);
		expect(jsonOf(output)).toEqual([
			expect.objectContaining({ email: 'ok1@example.com', status: 'created' }),
			expect.objectContaining({ error: "Not lead fields of this Marketo instance: 'favouriteColour'" }),
			expect.objectContaining({ email: 'ok2@example.com', status: 'created' }),
		]);
		expect(writes()).toHaveLength(1);
		expect(writes()[0].recordCount).toBe(2);
	});
});
