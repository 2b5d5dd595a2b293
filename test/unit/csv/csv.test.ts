import { DelimitedParser, formatRow, parseDelimited, rowsToObjects } from '../../../nodes/Marketo/actions/shared/csv';

describe('CSV writing', () => {
	it('quotes commas, quotes and newlines, leaves empty values empty', () => {
		expect(formatRow(['a', 'b,c', 'say "hi"', 'two\nlines', null, undefined, 42, true], ',')).toBe(
			'a,"b,c","say ""hi""","two\nlines",,,42,true\r\n',
		);
	});

	it('quotes by the delimiter in use', () => {
		expect(formatRow(['a,b', 'c;d', 'e\tf'], ';')).toBe('a,b;"c;d";e\tf\r\n');
		expect(formatRow(['a,b', 'e\tf'], '\t')).toBe('a,b\t"e\tf"\r\n');
	});

	it('keeps non-ASCII text as it is', () => {
		expect(formatRow(['Zoë', 'Łódź', '東京'], ',')).toBe('Zoë,Łódź,東京\r\n');
	});
});

describe('CSV parsing', () => {
	it('reads back what the writer wrote', () => {
		const rows = [
			['email', 'note', 'city'],
			['a@x.com', 'b,c "q"\nline 2', 'Zoë'],
			['b@x.com', '', 'null'],
		];
		const text = rows.map((r) => formatRow(r, ',')).join('');
		expect(parseDelimited(text, ',')).toEqual(rows);
	});

	it('handles quoted fields split across chunks, CRLF split across chunks, and no final newline', () => {
		const parser = new DelimitedParser(',');
		const out = [...parser.push('id,name\r'), ...parser.push('\n1,"Ann'), ...parser.push('e ""A"""\r\n2,Bo'), ...parser.end()];
		expect(out).toEqual([['id', 'name'], ['1', 'Anne "A"'], ['2', 'Bo']]);
	});

	it('turns rows into objects and Marketo null into empty', () => {
		expect(rowsToObjects(parseDelimited('id;email\n1;null\n2;b@x.com\n', ';'), 'null')).toEqual([
			{ id: '1', email: '' },
			{ id: '2', email: 'b@x.com' },
		]);
	});
});
