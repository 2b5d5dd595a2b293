import { normalizeBaseUrl, settingsFromCredential } from '../../../nodes/Marketo/transport';

describe('credential settings', () => {
	it.each([
		['https://123-ABC-456.mktorest.com', 'https://123-abc-456.mktorest.com'],
		['https://123-ABC-456.mktorest.com/', 'https://123-abc-456.mktorest.com'],
		['https://123-ABC-456.mktorest.com/rest', 'https://123-abc-456.mktorest.com'],
		['https://123-ABC-456.mktorest.com/rest/', 'https://123-abc-456.mktorest.com'],
		['  https://123-ABC-456.mktorest.com/rest/v1 ', 'https://123-abc-456.mktorest.com'],
		['http://127.0.0.1:8790', 'http://127.0.0.1:8790'],
		['http://localhost:8790/rest', 'http://localhost:8790'],
	])('accepts %s as %s', (input, expected) => {
		expect(normalizeBaseUrl(input)).toBe(expected);
	});

	it.each([
		['', /empty/],
		['123-ABC-456.mktorest.com', /not a URL/],
		['http://123-ABC-456.mktorest.com', /must start with https/],
		['https://123-ABC-456.mktorest.com/some/path', /no path/],
		['https://123-ABC-456.mktorest.com/?x=1', /'\?' or '#'/],
	])('refuses %p, naming the field', (input, message) => {
		expect(() => normalizeBaseUrl(input)).toThrow(message);
		expect(() => normalizeBaseUrl(input)).toThrow(/REST API Base URL/);
	});

	it('lets only a local test server have a rate window shorter than Marketo\'s 20 s', () => {
		expect(() => settingsFromCredential({ baseUrl: 'https://a.mktorest.com', clientId: 'id', clientSecret: 's', rateWindowSeconds: 5 })).toThrow(
			/'Rate Window \(Seconds\)' must be a number from 20 to 3600/,
		);
		expect(settingsFromCredential({ baseUrl: 'https://a.mktorest.com', clientId: 'id', clientSecret: 's', rateWindowSeconds: 40 }).windowMs).toBe(40_000);
		expect(settingsFromCredential({ baseUrl: 'http://127.0.0.1:8790', clientId: 'id', clientSecret: 's', rateWindowSeconds: 2 }).windowMs).toBe(2_000);
	});

	it('applies defaults and bounds to the limits', () => {
		const s = settingsFromCredential({ baseUrl: 'https://a.mktorest.com', clientId: 'id', clientSecret: 'secret' });
		expect(s).toMatchObject({ callsPerWindow: 50, maxConcurrent: 5, windowMs: 20_000 });
		expect(() => settingsFromCredential({ baseUrl: 'https://a.mktorest.com', clientId: 'id', clientSecret: 's', rateLimitCalls: 150 })).toThrow(/API Calls per 20 Seconds/);
		expect(() => settingsFromCredential({ baseUrl: 'https://a.mktorest.com', clientId: 'id', clientSecret: 's', maxConcurrent: 11 })).toThrow(/Concurrent Calls/);
		expect(() => settingsFromCredential({ baseUrl: 'https://a.mktorest.com', clientId: '', clientSecret: 's' })).toThrow(/Client ID/);
		expect(() => settingsFromCredential({ baseUrl: 'https://a.mktorest.com', clientId: 'id', clientSecret: ' ' })).toThrow(/Client Secret/);
	});
});
