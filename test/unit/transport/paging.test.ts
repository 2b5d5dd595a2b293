import { pageByOffset, pageByToken } from '../../../nodes/Marketo/transport';
import { marketoError, ok, scriptedMarketo } from '../helpers/fakeMarketo';

const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: from + i }));

describe('pageByToken (lead database)', () => {
	it('follows nextPageToken until the last page, asking 300 a page', async () => {
		const m = scriptedMarketo((_r, call) => (call < 3 ? ok(rows((call - 1) * 300, 300), { nextPageToken: `T${call}` }) : ok(rows(600, 120))));
		const all = await m.clock.run(pageByToken(m.client, { method: 'GET', path: '/rest/v1/leads.json', qs: { filterType: 'email', filterValues: ['x'] } }, { returnAll: true, limit: 0 }));
		expect(all).toHaveLength(720);
		expect(m.requests.map((r) => new URL(r.url).searchParams.get('nextPageToken'))).toEqual([null, 'T1', 'T2']);
		expect(m.requests.every((r) => new URL(r.url).searchParams.get('batchSize') === '300')).toBe(true);
	});

	it('stops at the limit and asks only for what it still needs', async () => {
		const m = scriptedMarketo((r) => {
			const size = Number(new URL(r.url).searchParams.get('batchSize'));
			return ok(rows(0, size), { nextPageToken: 'more' });
		});
		const some = await m.clock.run(pageByToken(m.client, { method: 'GET', path: '/rest/v1/leads.json' }, { returnAll: false, limit: 450 }));
		expect(some).toHaveLength(450);
		expect(m.requests.map((r) => new URL(r.url).searchParams.get('batchSize'))).toEqual(['300', '150']);
	});

	it('stops when moreResult is false even if a token is given', async () => {
		const m = scriptedMarketo(() => ok(rows(0, 10), { nextPageToken: 'T', moreResult: false }));
		const all = await m.clock.run(pageByToken(m.client, { method: 'GET', path: '/rest/v1/lists/1/leads.json' }, { returnAll: true, limit: 0 }));
		expect(all).toHaveLength(10);
		expect(m.requests).toHaveLength(1);
	});
});

describe('pageByOffset (asset API)', () => {
	it('raises offset by maxReturn 200 until a short page', async () => {
		const m = scriptedMarketo((r) => {
			const offset = Number(new URL(r.url).searchParams.get('offset'));
			return ok(rows(offset, offset < 400 ? 200 : 50));
		});
		const all = await m.clock.run(pageByOffset(m.client, { method: 'GET', path: '/rest/asset/v1/staticLists.json' }, { returnAll: true, limit: 0 }));
		expect(all).toHaveLength(450);
		expect(m.requests.map((r) => new URL(r.url).searchParams.get('offset'))).toEqual(['0', '200', '400']);
		expect(m.requests.every((r) => new URL(r.url).searchParams.get('maxReturn') === '200')).toBe(true);
	});

	it('treats 702 "No assets found" past the end as the end', async () => {
		const m = scriptedMarketo((_r, call) => (call === 1 ? ok(rows(0, 200)) : marketoError('702', 'No assets found for the given search criteria.')));
		const all = await m.clock.run(pageByOffset(m.client, { method: 'GET', path: '/rest/asset/v1/staticLists.json' }, { returnAll: true, limit: 0 }));
		expect(all).toHaveLength(200);
		expect(m.requests).toHaveLength(2);
	});
});
