import {
	dateWindow,
	filterFromJson,
	jobFilters,
	splitWindow,
} from '../../../nodes/Marketo/actions/bulkExport/filter';
import { InputError } from '../../../nodes/Marketo/actions/shared/values';

const NOW = new Date('2024-06-30T12:00:00Z');
const DAY = 86_400_000;

describe('splitting a date window into jobs under 31 days', () => {
	it('keeps a window of 30 days or less as one job', () => {
		expect(splitWindow({ startAt: '2024-01-01T00:00:00Z', endAt: '2024-01-31T00:00:00Z' })).toEqual([
			{ startAt: '2024-01-01T00:00:00Z', endAt: '2024-01-31T00:00:00Z' },
		]);
	});

	it('splits 70 days into 3 pieces that share their boundary instants (no gap a lead could fall into)', () => {
		const windows = splitWindow({ startAt: '2024-01-01T00:00:00Z', endAt: '2024-03-11T00:00:00Z' });
		expect(windows).toEqual([
			{ startAt: '2024-01-01T00:00:00Z', endAt: '2024-01-31T00:00:00Z' },
			{ startAt: '2024-01-31T00:00:00Z', endAt: '2024-03-01T00:00:00Z' },
			{ startAt: '2024-03-01T00:00:00Z', endAt: '2024-03-11T00:00:00Z' },
		]);
	});

	it('covers a whole year with pieces under 31 days, each starting where the previous one ends', () => {
		const start = Date.parse('2023-01-01T00:00:00Z');
		const end = Date.parse('2024-01-01T00:00:00Z');
		const windows = splitWindow({ startAt: new Date(start).toISOString(), endAt: new Date(end).toISOString() });
		expect(windows).toHaveLength(13);
		expect(Date.parse(windows[0].startAt)).toBe(start);
		expect(Date.parse(windows[windows.length - 1].endAt)).toBe(end);
		for (let i = 0; i < windows.length; i++) {
			const from = Date.parse(windows[i].startAt);
			const to = Date.parse(windows[i].endAt);
			expect(to - from).toBeLessThan(31 * DAY);
			if (i > 0) expect(windows[i].startAt).toBe(windows[i - 1].endAt);
		}
	});

	it('jobFilters splits for Export Leads (a window of exactly 31 days too) and refuses over 31 days for a single job', () => {
		const filter = { updatedAt: { startAt: '2024-01-01T00:00:00Z', endAt: '2024-03-11T00:00:00Z' } };
		expect(jobFilters(filter, true).map((f) => Object.keys(f)[0])).toEqual(['updatedAt', 'updatedAt', 'updatedAt']);
		expect(() => jobFilters(filter, false)).toThrow(/longer than the 31 days.*Export Leads/);
		expect(jobFilters({ staticListId: 1021 }, true)).toEqual([{ staticListId: 1021 }]);
		const month = { createdAt: { startAt: '2024-01-01T00:00:00Z', endAt: '2024-02-01T00:00:00Z' } };
		expect(jobFilters(month, true)).toHaveLength(2);
		expect(jobFilters(month, false)).toEqual([month]);
	});
});

describe('date windows from the node fields', () => {
	it('formats ISO 8601 without milliseconds, in UTC', () => {
		expect(dateWindow('2024-01-01T10:00:00.123+02:00', '2024-01-05', 'createdAt', NOW)).toEqual({
			startAt: '2024-01-01T08:00:00Z',
			endAt: '2024-01-05T00:00:00Z',
		});
	});

	it('ends the window now when the end is empty', () => {
		expect(dateWindow('2024-06-01', '', 'updatedAt', NOW).endAt).toBe('2024-06-30T12:00:00Z');
	});

	it('refuses a start after the end, naming both fields', () => {
		expect(() => dateWindow('2024-02-01', '2024-01-01', 'createdAt', NOW)).toThrow(
			"'Created After' (2024-02-01T00:00:00Z) is later than 'Created Before' (2024-01-01T00:00:00Z)",
		);
	});

	it('refuses values that are not dates, and an empty start', () => {
		expect(() => dateWindow('last tuesday', '', 'createdAt', NOW)).toThrow(/'Created After' is not a date: "last tuesday"/);
		expect(() => dateWindow('2024-01-01', 'soon', 'updatedAt', NOW)).toThrow(/'Updated Before' is not a date/);
		expect(() => dateWindow('', '2024-01-01', 'createdAt', NOW)).toThrow(/'Created After' is empty/);
	});
});

describe('a filter given as JSON', () => {
	it('takes each of the six filters', () => {
		expect(filterFromJson({ staticListId: '1021' }, NOW)).toEqual({ staticListId: 1021 });
		expect(filterFromJson('{"staticListName":"Webinar Registrants"}', NOW)).toEqual({ staticListName: 'Webinar Registrants' });
		expect(filterFromJson({ smartListId: 7 }, NOW)).toEqual({ smartListId: 7 });
		expect(filterFromJson({ smartListName: 'Active' }, NOW)).toEqual({ smartListName: 'Active' });
		expect(filterFromJson({ createdAt: { startAt: '2024-01-01', endAt: '2024-01-02' } }, NOW)).toEqual({
			createdAt: { startAt: '2024-01-01T00:00:00Z', endAt: '2024-01-02T00:00:00Z' },
		});
	});

	it('refuses two filters, naming them', () => {
		const failure = (() => {
			try {
				filterFromJson({ staticListId: 1021, createdAt: { startAt: '2024-01-01' } }, NOW);
			} catch (error) {
				return error as Error;
			}
			return undefined;
		})();
		expect(failure).toBeInstanceOf(InputError);
		expect(failure?.message).toMatch(/one filter per export job; 'Filter \(JSON\)' holds 2: staticListId, createdAt/);
	});

	it('refuses no filter, an unknown filter, bad JSON and bad values', () => {
		expect(() => filterFromJson({}, NOW)).toThrow(/holds no filter/);
		expect(() => filterFromJson({ programId: 3 }, NOW)).toThrow(/Unknown export filter 'programId'/);
		expect(() => filterFromJson('{staticListId: 1}', NOW)).toThrow(/not valid JSON/);
		expect(() => filterFromJson({ staticListId: 'abc' }, NOW)).toThrow(/'staticListId' must be a Marketo ID/);
		expect(() => filterFromJson({ createdAt: '2024-01-01' }, NOW)).toThrow(/needs an object/);
		expect(() => filterFromJson({ createdAt: { startAt: '2024-03-01', endAt: '2024-01-01' } }, NOW)).toThrow(/is later than/);
	});
});
