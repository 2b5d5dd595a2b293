import { createExportJob } from '../../../nodes/Marketo/actions/bulkExport/jobs';
import type { ExportRun } from '../../../nodes/Marketo/actions/bulkExport/jobs';
import { recoverSync } from '../../../nodes/Marketo/actions/lead/recoverSync';
import { marketoTimeMs } from '../../../nodes/Marketo/actions/shared/recovery';
import { isOutcomeUnknown, MarketoOutcomeUnknownError } from '../../../nodes/Marketo/transport';
import type { HttpRequest, HttpResponse } from '../../../nodes/Marketo/transport';
import { ok, scriptedMarketo, testNode } from '../helpers/fakeMarketo';

/** Marketo's clock runs an hour ahead of this process's: only Marketo's own times may be compared. */
const SKEW = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A scripted Marketo whose answers carry its (skewed) clock in the Date header; the create's answer is lost. */
function marketo(answer: (request: HttpRequest, marketoNow: number) => HttpResponse | 'lost') {
	const m = scriptedMarketo((request) => {
		const marketoNow = m.clock.now() + SKEW;
		const reply = answer(request, marketoNow);
		if (reply === 'lost') throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
		return { ...reply, headers: { date: new Date(marketoNow).toUTCString() } };
	});
	return m;
}

const path = (request: HttpRequest) => new URL(request.url).pathname;

describe('Export Create Job after a lost answer', () => {
	const request = { fields: ['id'], format: 'CSV' as const, filter: { staticListId: 1021 } };
	const run = (m: ReturnType<typeof marketo>): ExportRun => ({ client: m.client, node: testNode, clock: m.clock });

	it('adopts the one Created job in that format made since; an older one and one in another format are not it', async () => {
		let madeAt = 0;
		const m = marketo((r, now) => {
			if (path(r).endsWith('/create.json')) {
				madeAt = now;
				return 'lost';
			}
			return ok([
				{ exportId: 'old', status: 'Created', format: 'CSV', createdAt: iso(now - 600_000) },
				{ exportId: 'tsv', status: 'Created', format: 'TSV', createdAt: iso(madeAt) },
				{ exportId: 'ours', status: 'Created', format: 'CSV', createdAt: iso(madeAt) },
			]);
		});
		const job = await m.clock.run(createExportJob(run(m), request));
		expect(job).toMatchObject({ exportId: 'ours', recovered: true });
		expect(m.requests.map((r) => `${r.method} ${path(r)}`)).toEqual(['POST /bulk/v1/leads/export/create.json', 'GET /bulk/v1/leads/export.json']);
		expect(new URL(m.requests[1].url).searchParams.get('status')).toBe('Created');
	});

	it.each([
		['none', [] as string[], /no new job: it was most likely not created/],
		['two', ['a', 'b'], /2 new Created jobs in CSV: a, b/],
	])('%s made since: the outcome is unknown, saying what was seen', async (_name, ids, message) => {
		const m = marketo((r, now) => (path(r).endsWith('/create.json') ? 'lost' : ok(ids.map((exportId) => ({ exportId, status: 'Created', format: 'CSV', createdAt: iso(now) })))));
		const error = await m.clock.run(createExportJob(run(m), request)).catch((e: unknown) => e);
		expect(isOutcomeUnknown(error)).toBe(true);
		expect((error as Error).message).toMatch(message);
	});
});

describe('Create Only / Create Duplicate after a lost answer', () => {
	const lost = (m: ReturnType<typeof marketo>) => new MarketoOutcomeUnknownError(testNode, { message: 'connection dropped', sentAt: m.clock.now() });

	it('Create Only: a lead made since is created, an older one skipped (1005), none unknown', async () => {
		const m = marketo((_r, now) =>
			ok([
				{ id: 7, email: 'New@x.com', createdAt: iso(now) },
				{ id: 3, email: 'old@x.com', createdAt: iso(now - 86_400_000) },
			]),
		);
		await m.clock.run(m.client.request({ method: 'GET', path: '/rest/v1/leads/partitions.json' }));
		const results = await m.clock.run(
			recoverSync({ client: m.client, unanswered: lost(m), action: 'createOnly', field: 'email' }, [{ email: 'new@x.com' }, { email: 'old@x.com' }, { email: 'gone@x.com' }]),
		);
		expect(results[0]).toEqual({ id: 7, status: 'created', recovered: true });
		expect(results[1]).toMatchObject({ id: 3, status: 'skipped', reasons: [{ code: '1005' }] });
		expect(results[2]).toMatchObject({ status: 'unknown', reasons: [{ code: 'OUTCOME_UNKNOWN' }] });
		expect(new URL(m.requests[1].url).searchParams.get('filterValues')).toBe('new@x.com,old@x.com,gone@x.com');
	});

	it('Create Duplicate: records share the new leads of their email in order, only when exactly as many appeared', async () => {
		const m = marketo((_r, now) =>
			ok([
				{ id: 11, email: 'a@x.com', createdAt: iso(now) },
				{ id: 10, email: 'a@x.com', createdAt: iso(now) },
				{ id: 2, email: 'a@x.com', createdAt: iso(now - 86_400_000) },
				{ id: 12, email: 'b@x.com', createdAt: iso(now) },
			]),
		);
		await m.clock.run(m.client.request({ method: 'GET', path: '/rest/v1/leads/partitions.json' }));
		const results = await m.clock.run(
			recoverSync({ client: m.client, unanswered: lost(m), action: 'createDuplicate', field: 'email' }, [
				{ email: 'a@x.com' },
				{ email: 'b@x.com' },
				{ email: 'A@x.com' },
				{ email: 'b@x.com' },
				{ firstName: 'no email' },
			]),
		);
		// a@x.com twice in the input (case differs), two new leads: paired in id order; the older lead is not one
		expect(results[0]).toEqual({ id: 10, status: 'created', recovered: true });
		expect(results[2]).toEqual({ id: 11, status: 'created', recovered: true });
		// b@x.com twice in the input, one new lead: the outcome of both is unknown
		expect(results[1]).toMatchObject({ status: 'unknown' });
		expect(results[3]).toMatchObject({ status: 'unknown' });
		expect(String(results[1].reasons?.[0].message)).toMatch(/1 lead\(s\) with this email were made since, 2 expected/);
		expect(results[4]).toMatchObject({ status: 'unknown' });
	});
});

describe("Marketo's time stamps", () => {
	it('reads the lead, bulk and asset API forms', () => {
		expect(marketoTimeMs('2026-12-02T10:00:00Z')).toBe(Date.UTC(2026, 11, 2, 10));
		expect(marketoTimeMs('2026-12-02T10:00:00Z+0000')).toBe(Date.UTC(2026, 11, 2, 10));
		expect(marketoTimeMs('2026-12-02T10:00:00+0100')).toBe(Date.UTC(2026, 11, 2, 9));
		expect(marketoTimeMs('')).toBeUndefined();
	});
});
