import { earlierPartsSharingValues, lookupKey, partLookupKeys } from '../../../nodes/Marketo/actions/bulkImport/partOrder';
import { splitFile } from '../../../nodes/Marketo/actions/bulkImport/importFile';

const keys = (...emails: string[]) => emails.map((e) => lookupKey('email', e));

describe('lookup keys', () => {
	it('match regardless of case and surrounding spaces, as Marketo matches emails', () => {
		expect(lookupKey('email', ' Ann@Example.com ')).toBe(lookupKey('email', 'ann@example.com'));
		expect(lookupKey('email', 'ann@example.com')).not.toBe(lookupKey('email', 'anna@example.com'));
	});

	it('belong to their lookup field, and an empty value has none', () => {
		expect(lookupKey('email', '42')).not.toBe(lookupKey('id', '42'));
		expect(lookupKey('EMAIL', 'a@x.com')).toBe(lookupKey('email', 'a@x.com'));
		expect(lookupKey('email', '  ')).toBeUndefined();
	});
});

describe('which parts wait for which', () => {
	it('parts without a common value wait for none: they run together', () => {
		expect(earlierPartsSharingValues([keys('a@x.com', 'b@x.com'), keys('c@x.com'), keys('d@x.com')])).toEqual([[], [], []]);
	});

	it('a part waits for the earlier parts that hold one of its values, in any case', () => {
		expect(earlierPartsSharingValues([keys('a@x.com', 'b@x.com'), keys('c@x.com'), keys('B@X.COM', 'c@x.com', 'e@x.com')])).toEqual([[], [], [0, 1]]);
	});

	it('for a value in several parts, only the last earlier one: it waited for the ones before', () => {
		expect(earlierPartsSharingValues([keys('a@x.com'), keys('a@x.com'), keys('a@x.com')])).toEqual([[], [0], [1]]);
	});

	it('a value repeated within one part, or empty, makes no wait', () => {
		expect(earlierPartsSharingValues([keys('a@x.com', 'A@x.com', '', ''), keys('b@x.com', '')])).toEqual([[], []]);
	});

	it('reads the parts one at a time', () => {
		const read: number[] = [];
		function* parts() {
			for (let p = 0; p < 3; p++) {
				read.push(p);
				yield keys(`same@x.com`);
			}
		}
		expect(earlierPartsSharingValues(parts())).toEqual([[], [0], [1]]);
		expect(read).toEqual([0, 1, 2]);
	});
});

describe("the lookup keys of a file's parts", () => {
	it("are read from the lookup column of each part, quoted values and line breaks included, the header skipped", () => {
		const file = Buffer.from('firstName,Email\r\n"Ann, Jr.",ann@x.com\r\n"Li\nLine",li@x.com\r\nZoe,ANN@x.com\r\n');
		const { parts } = splitFile(file, ',', 40);
		expect(parts.length).toBeGreaterThan(1);
		const perPart = parts.map((part) => [...partLookupKeys(part.body, ',', 1, 'email')]);
		expect(perPart.flat()).toEqual(keys('ann@x.com', 'li@x.com', 'ann@x.com'));
		const waits = earlierPartsSharingValues(perPart);
		expect(waits[waits.length - 1]).toEqual([0]);
	});
});
