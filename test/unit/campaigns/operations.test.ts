/**
 * Campaign, Program and Program Member operations and their pickers, run through the node's router against the
 * in-process sandbox (see nodeHarness). The end-to-end tests run the same operations in a real n8n.
 */
import type { ILoadOptionsFunctions } from 'n8n-workflow';

import { campaignListSearch } from '../../../nodes/Marketo/methods/campaignSearch';
import { programLoadOptions } from '../../../nodes/Marketo/methods/programOptions';
import { fileSandbox, fromItem, jsonOf as json, nodeHarness, pairedOf as paired, rl, type Json } from '../helpers/nodeHarness';

const TRIGGER = '/rest/v1/campaigns/1001/trigger.json';

describe('Campaign, Program and Program Member operations against the sandbox', () => {
	const { sandbox, credential } = fileSandbox({ seedLeads: 1000, latencyMs: 0, limits: false });
	const { run: runNode, calls, loadOptionsContext } = nodeHarness(sandbox, () => credential());
	const run = (parameters: Parameters<typeof runNode>[0], items: Json[] = [{}], continueOnFail = false) => runNode(parameters, items, { continueOnFail });
	const leads = (n: number, first = 1): Json[] => Array.from({ length: n }, (_, i) => ({ id: first + i }));
	const request = (extra: Record<string, unknown> = {}) => ({ resource: 'campaign', operation: 'request', campaign: rl('list', '1001'), leadId: fromItem('id'), tokens: {}, ...extra });

	describe('Campaign', () => {
		it('Request sends 100 leads per call across items, and pairs every item with its outcome', async () => {
			const out = await run(request(), leads(250));
			expect(calls(TRIGGER)).toHaveLength(3);
			expect(calls(TRIGGER).map((c) => c.recordCount)).toEqual([100, 100, 50]);
			expect(out).toHaveLength(250);
			expect(paired(out)).toEqual(Array.from({ length: 250 }, (_, i) => i));
			expect(json(out)[7]).toEqual({ campaignId: 1001, leadId: 8, status: 'requested', reasonCode: '', reasonMessage: '', reasons: [] });
			expect(sandbox().campaigns.leadsRequested(1001)).toHaveLength(250);
		});

		it('Request groups items by their tokens: one call per campaign and token set', async () => {
			const tokens = (_j: Json, i: number) => ({ token: [{ name: '{{my.Topic}}', value: i < 3 ? 'APIs' : 'Webhooks' }] });
			const out = await run(request({ tokens }), leads(5));
			expect(calls(TRIGGER)).toHaveLength(2);
			expect(sandbox().campaigns.requests.map((r) => [r.leadIds, r.tokens[0].value])).toEqual([
				[[1, 2, 3], 'APIs'],
				[[4, 5], 'Webhooks'],
			]);
			expect(out).toHaveLength(5);
		});

		it('a token name that does not look like {{my.Name}} fails before any call, naming the field', async () => {
			await expect(run(request({ tokens: { token: [{ name: 'my.Topic', value: 'x' }] } }), leads(3))).rejects.toThrow(/'My Tokens': the name "my.Topic" must look like \{\{my.Name\}\}/);
			expect(calls(/trigger\.json$/)).toHaveLength(0);
		});

		it('a campaign without a Campaign is Requested / Web Service API trigger: the error says so and how to fix it', async () => {
			const error = await run(request({ campaign: rl('id', '1003') }), leads(2)).catch((e: Error & { description?: string }) => e);
			expect(error).toBeInstanceOf(Error);
			const e = error as Error & { description?: string };
			expect(e.message).toContain("campaign 1003 cannot be requested through the API: it must be active and have a 'Campaign is Requested' trigger with source 'Web Service API'");
			expect(e.description).toContain('add that trigger on its Smart List tab, then activate the campaign on its Schedule tab');
			// with Continue On Fail every item carries the error
			const items = await run(request({ campaign: rl('id', '1002') }), leads(2), true);
			expect(json(items).map((j) => [j.leadId, String(j.error)])).toEqual([
				[1, expect.stringContaining('cannot be requested')],
				[2, expect.stringContaining('cannot be requested')],
			]);
		});

		it('Request whose answer is lost is not sent again: the items say the outcome is unknown and where to look', async () => {
			sandbox().injectFault({ path: TRIGGER, kind: 'dropAfterHandling' });
			const error = (await run(request(), leads(5)).catch((e: unknown) => e)) as Error & { description?: string };
			expect(error.message).toContain('Request Campaign 1001 for 5 leads got no answer');
			expect(error.description).toContain("campaign's Results tab");
			// Marketo ran the campaign once for the five leads; the node did not request them a second time
			expect(calls(TRIGGER)).toHaveLength(1);
			expect(sandbox().campaigns.leadsRequested(1001)).toEqual([1, 2, 3, 4, 5]);
		});

		it('Schedule sends runAt, tokens and the clone program name, one call per item', async () => {
			const runAt = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
			const out = await run({ resource: 'campaign', operation: 'schedule', campaign: rl('url', 'https://app-ab12.marketo.com/#SC1002A1'), runAt, tokens: { token: [{ name: '{{my.Subject}}', value: 'Hello' }] }, cloneToProgramName: '' });
			expect(json(out)).toEqual([{ campaignId: 1002, scheduled: true, scheduledCampaignId: 1002, runAt }]);
			expect(sandbox().campaigns.schedules[0]).toEqual(expect.objectContaining({ campaignId: 1002, runAt: new Date(runAt).toISOString(), tokens: [{ name: '{{my.Subject}}', value: 'Hello' }] }));
			const cloned = await run({ resource: 'campaign', operation: 'schedule', campaign: rl('id', '1002'), runAt: '', tokens: {}, cloneToProgramName: 'Summer Webinar Rerun' });
			expect(json(cloned)[0]).toEqual(expect.objectContaining({ campaignId: 1002, cloneToProgramName: 'Summer Webinar Rerun', scheduledCampaignId: expect.any(Number) }));
			await expect(run({ resource: 'campaign', operation: 'schedule', campaign: rl('id', '1002'), runAt: 'next week', tokens: {} })).rejects.toThrow(/'Run At' is not a date/);
		});

		it('Get Many filters by program, workspace, requestable and active; Get reads one campaign', async () => {
			const getMany = async (extra: Record<string, unknown>) =>
				json(await run({ resource: 'campaign', operation: 'getAll', name: '', programName: '', workspaceName: '', requestableOnly: false, activeOnly: false, returnAll: true, ...extra })).map((c) => c.id);
			expect(await getMany({ programName: 'Summer Webinar' })).toEqual([1001, 1002]);
			expect(await getMany({ workspaceName: 'EMEA' })).toEqual([1005]);
			expect(await getMany({ requestableOnly: true })).toEqual([1001, 1005]);
			expect(await getMany({ activeOnly: true })).toEqual([1001, 1003, 1005]);
			expect(await getMany({ returnAll: false, limit: 2 })).toEqual([1001, 1002]);
			expect(json(await run({ resource: 'campaign', operation: 'get', campaign: rl('id', '1005') }))[0]).toEqual(expect.objectContaining({ name: 'Booth Follow-up', workspaceName: 'EMEA' }));
			await expect(run({ resource: 'campaign', operation: 'get', campaign: rl('id', '4242') })).rejects.toThrow("'Campaign': no smart campaign with ID 4242");
		});
	});

	describe('Program', () => {
		it('Get finds a program by URL or exact name; Get Many pages through every program', async () => {
			const byUrl = await run({ resource: 'program', operation: 'get', findBy: 'program', program: rl('url', 'https://app-ab12.marketo.com/#PG1036A1') });
			expect(json(byUrl)[0]).toEqual(expect.objectContaining({ id: 1036, name: 'Trade Show 2026', channel: 'Tradeshow' }));
			const byName = await run({ resource: 'program', operation: 'get', findBy: 'name', name: 'Summer Webinar' });
			expect(json(byName)[0].id).toBe(1034);
			await expect(run({ resource: 'program', operation: 'get', findBy: 'name', name: 'Nope' })).rejects.toThrow(`'Name': no program named "Nope"`);
			expect(json(await run({ resource: 'program', operation: 'getAll', returnAll: true })).map((p) => p.id)).toEqual([1034, 1035, 1036, 1037]);
		});
	});

	describe('Program Member', () => {
		const STATUS = '/rest/v1/programs/1034/members/status.json';

		it('Update Status sends 300 leads per call across items; a lead at a later status is skipped with Marketo reason', async () => {
			const out = await run({ resource: 'programMember', operation: 'updateStatus', program: rl('id', '1034'), statusName: 'Registered', leadId: fromItem('id') }, leads(700));
			// batches go out in parallel: the log holds them in the order they were answered
			expect(calls(STATUS).map((c) => c.recordCount).sort((a, b) => b! - a!)).toEqual([300, 300, 100]);
			expect(paired(out)).toEqual(Array.from({ length: 700 }, (_, i) => i));
			const j = json(out);
			expect(j[0]).toEqual({ programId: 1034, leadId: 1, statusName: 'Registered', status: 'updated', reasonCode: '', reasonMessage: '', reasons: [] });
			expect(j[11]).toEqual({
				programId: 1034,
				leadId: 12,
				statusName: 'Registered',
				status: 'skipped',
				reasonCode: '1037',
				reasonMessage: 'Lead skipped because it is already in or past this status',
				reasons: [{ code: '1037', message: 'Lead skipped because it is already in or past this status' }],
			});
			expect(j[699]).toEqual({ programId: 1034, leadId: 700, statusName: 'Registered', status: 'created', reasonCode: '', reasonMessage: '', reasons: [] });
		});

		it('Sync Data writes member fields; a lead that is not a member is reported skipped', async () => {
			const out = await run(
				{ resource: 'programMember', operation: 'sync', program: rl('id', '1034'), leadId: fromItem('id'), memberFields: (item: Json) => ({ field: [{ name: 'registrationCode', value: `R-${String(item.id)}` }] }) },
				[{ id: 1 }, { id: 900 }],
			);
			expect(json(out)).toEqual([
				{ programId: 1034, leadId: 1, status: 'updated', reasonCode: '', reasonMessage: '', reasons: [] },
				expect.objectContaining({ programId: 1034, leadId: 900, status: 'skipped', reasonCode: '1013', reasonMessage: 'Membership not found' }),
			]);
			expect(sandbox().programs.member(1034, 1)!.data.registrationCode).toBe('R-1');
			await expect(run({ resource: 'programMember', operation: 'sync', program: rl('id', '1034'), leadId: fromItem('id'), memberFields: {} }, [{ id: 1 }])).rejects.toThrow("'Member Fields' is empty");
			// a field Marketo does not let you write is named before any write
			sandbox().clearLog();
			await expect(
				run({ resource: 'programMember', operation: 'sync', program: rl('id', '1034'), leadId: fromItem('id'), memberFields: { field: [{ name: 'statusName', value: 'Attended' }] } }, [{ id: 1 }]),
			).rejects.toThrow("'Member Fields': statusName is not a program member field Marketo lets you write; these are: registrationCode, webinarUrl, attendeeNotes");
			expect(calls('/rest/v1/programs/1034/members.json', 'POST')).toHaveLength(0);
		});

		it('Get Many filters members by a field and pages to the end', async () => {
			const out = await run(
				{ resource: 'programMember', operation: 'getAll', program: rl('id', '1034'), filterType: 'statusName', filterValues: 'Invited, Attended', fields: ['statusName'], returnAll: true },
			);
			expect(json(out).map((m) => [m.leadId, m.statusName])).toEqual([
				...[1, 2, 3, 4, 5].map((id) => [id, 'Invited']),
				...[11, 12, 13, 14, 15].map((id) => [id, 'Attended']),
			]);
			expect(json(out)[0]).not.toHaveProperty('seq');
		});
	});

	describe('pickers', () => {
		it('the Request picker offers only requestable campaigns; the others all, searchable by name', async () => {
			const requestable = await campaignListSearch.searchRequestableCampaigns.call(loadOptionsContext());
			expect(requestable.results).toEqual([
				{ name: 'Webinar Confirmation (Summer Webinar)', value: '1001' },
				{ name: 'Booth Follow-up (Trade Show 2026)', value: '1005' },
			]);
			expect((await campaignListSearch.searchCampaigns.call(loadOptionsContext(), 'newsletter')).results.map((r) => r.value)).toEqual(['1006']);
			expect((await campaignListSearch.searchPrograms.call(loadOptionsContext(), 'trade')).results).toEqual([
				{ name: 'Trade Show 2026', value: '1036', url: expect.stringContaining('#PG1036A1') },
			]);
		});

		it('a campaign search reads further pages of 300 until it has matches; browsing reads one page at a time', async () => {
			for (let n = 0; n < 700; n++) {
				sandbox().campaigns.add({ name: n === 650 ? 'Needle Follow-up' : `Filler ${n}`, type: 'trigger', workspaceName: 'Default', active: true, requestedTrigger: true });
			}
			sandbox().clearLog();
			const found = await campaignListSearch.searchCampaigns.call(loadOptionsContext(), 'needle');
			expect(found.results).toEqual([{ name: 'Needle Follow-up', value: expect.any(String) }]);
			expect(found.paginationToken).toBeUndefined();
			expect(calls('/rest/v1/campaigns.json')).toHaveLength(3);
			const browsed = await campaignListSearch.searchCampaigns.call(loadOptionsContext());
			expect(browsed.results).toHaveLength(300);
			const next = await campaignListSearch.searchCampaigns.call(loadOptionsContext(), undefined, browsed.paginationToken as string);
			expect(next.results).toHaveLength(300);
			expect(next.results[0].value).not.toBe(browsed.results[0].value);
		});

		it("the status picker lists the program's channel statuses in progression order; the filter picker the searchable fields", async () => {
			const context = { ...loadOptionsContext(), getCurrentNodeParameter: () => '1034' } as unknown as ILoadOptionsFunctions;
			expect((await programLoadOptions.getProgramStatuses.call(context)).map((o) => o.value)).toEqual(['Not in Program', 'Invited', 'Registered', 'No Show', 'Attended', 'Attended On-demand']);
			expect((await programLoadOptions.getProgramMemberSearchableFields.call(loadOptionsContext())).map((o) => o.value)).toEqual(['leadId', 'reachedSuccess', 'statusName', 'registrationCode']);
			expect((await programLoadOptions.getUpdateableProgramMemberFields.call(loadOptionsContext())).map((o) => o.value)).toEqual(['registrationCode', 'webinarUrl', 'attendeeNotes']);
		});
	});
});
