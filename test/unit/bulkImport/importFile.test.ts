import { formatRow, parseDelimited } from '../../../nodes/Marketo/actions/shared/csv';
import {
	cellText,
	detectFormat,
	MAX_FILE_BYTES,
	MAX_UPLOAD_BYTES,
	packRows,
	rowEnds,
	splitFile,
	writeParts,
} from '../../../nodes/Marketo/actions/bulkImport/importFile';

const text = (b: Buffer) => b.toString('utf8');

describe('import file from items', () => {
	it('writes a header of the field names and one RFC 4180 row per item, empty values empty', () => {
		const [part] = writeParts(
			['email', 'firstName', 'company', 'note'],
			[
				['a@x.com', 'Ann', 'Smith, Jones & Co', 'said "hi"'],
				['b@x.com', '', 'Zoë Łódź 東京', 'line 1\nline 2'],
				['c@x.com', 'Cy', '', 'cr\r\nlf'],
			],
			'csv',
		);
		expect(text(part.body)).toBe(
			'email,firstName,company,note\r\n' +
				'a@x.com,Ann,"Smith, Jones & Co","said ""hi"""\r\n' +
				'b@x.com,,Zoë Łódź 東京,"line 1\nline 2"\r\n' +
				'c@x.com,Cy,,"cr\r\nlf"\r\n',
		);
		expect(part).toEqual(expect.objectContaining({ firstRow: 1, lastRow: 3, rowCount: 3 }));
		expect(parseDelimited(text(part.body), ',')).toEqual([
			['email', 'firstName', 'company', 'note'],
			['a@x.com', 'Ann', 'Smith, Jones & Co', 'said "hi"'],
			['b@x.com', '', 'Zoë Łódź 東京', 'line 1\nline 2'],
			['c@x.com', 'Cy', '', 'cr\r\nlf'],
		]);
	});

	it('quotes by the format: a comma needs no quotes in TSV or SSV, the format delimiter does', () => {
		expect(text(writeParts(['a', 'b'], [['x,y', 'p\tq']], 'tsv')[0].body)).toBe('a\tb\r\nx,y\t"p\tq"\r\n');
		expect(text(writeParts(['a', 'b'], [['x,y', 'p;q']], 'ssv')[0].body)).toBe('a;b\r\nx,y;"p;q"\r\n');
	});

	it('turns values into cell text', () => {
		expect(cellText(null)).toBe('');
		expect(cellText(undefined)).toBe('');
		expect(cellText(0)).toBe('0');
		expect(cellText(false)).toBe('false');
		expect(cellText(new Date('2024-05-01T10:00:00Z'))).toBe('2024-05-01T10:00:00.000Z');
		expect(cellText('Zoë')).toBe('Zoë');
	});

	it('splits on row boundaries under the limit, the header in every part, rows numbered across parts', () => {
		const header = ['email', 'note'];
		const rows = Array.from({ length: 100 }, (_, i) => [`lead${i}@x.com`, i % 7 === 0 ? `multi\nline, "quoted" ${i}` : `plain ${i}`]);
		const max = 400;
		const parts = writeParts(header, rows, 'csv', max);
		expect(parts.length).toBeGreaterThan(5);
		let next = 1;
		const seen: string[][] = [];
		for (const part of parts) {
			expect(part.body.length).toBeLessThanOrEqual(max);
			expect(part.firstRow).toBe(next);
			expect(part.lastRow - part.firstRow + 1).toBe(part.rowCount);
			next = part.lastRow + 1;
			const [head, ...data] = parseDelimited(text(part.body), ',');
			expect(head).toEqual(header);
			expect(data).toHaveLength(part.rowCount);
			seen.push(...data);
		}
		expect(next).toBe(101);
		expect(seen).toEqual(rows);
	});

	it('counts bytes, not characters: multi-byte text is split by its UTF-8 size', () => {
		const rows = Array.from({ length: 20 }, () => ['東京東京東京東京東京']); // 30 bytes + CRLF = 32 bytes each
		const parts = writeParts(['city'], rows, 'csv', 6 + 32 * 3);
		expect(parts.map((p) => p.rowCount)).toEqual([3, 3, 3, 3, 3, 3, 2]);
		for (const p of parts) expect(p.body.length).toBeLessThanOrEqual(6 + 32 * 3);
	});

	it('keeps each upload under 10 MB by default: 12 MB of rows make two parts', () => {
		const row = ['x'.repeat(1000)];
		const rows = Array.from({ length: 12_000 }, () => row);
		const parts = writeParts(['note'], rows, 'csv');
		expect(parts).toHaveLength(2);
		expect(parts[0].body.length).toBeLessThanOrEqual(MAX_FILE_BYTES);
		expect(MAX_FILE_BYTES).toBeLessThan(MAX_UPLOAD_BYTES);
		expect(parts[0].rowCount + parts[1].rowCount).toBe(12_000);
		expect(parts[1].firstRow).toBe(parts[0].lastRow + 1);
	});

	it('refuses a row that cannot fit in any file, naming it', () => {
		expect(() => writeParts(['a'], [['ok'], ['y'.repeat(100)]], 'csv', 50)).toThrow(/Row 2 is 102 bytes/);
	});

	it('packs rows greedily', () => {
		expect(packRows(10, [5, 5, 5, 5, 5], 20)).toEqual([[0, 2], [2, 4], [4, 5]]);
		expect(packRows(10, [], 20)).toEqual([]);
	});
});

describe('import file from a binary property', () => {
	const csv = (s: string) => Buffer.from(s, 'utf8');

	it('finds row ends outside quotes: LF, CRLF, lone CR; quotes count only at the start of a value', () => {
		const file = csv('a,b\r\n1,"x\ny"\n2,5" screen\r3,"q ""\r\n"" q"');
		const ends = rowEnds(file, ',');
		const rows = ends.map((end, i) => file.subarray(i === 0 ? 0 : ends[i - 1], end).toString());
		expect(rows).toEqual(['a,b\r\n', '1,"x\ny"\n', '2,5" screen\r', '3,"q ""\r\n"" q"']);
	});

	it('sends a small file as one part, dropping a BOM and blank lines, adding a final line break', () => {
		const split = splitFile(csv('\uFEFFemail,firstName\r\na@x.com,Ann\r\n\r\nb@x.com,Bo'), ',');
		expect(split.headerLine).toBe('email,firstName');
		expect(split.rowCount).toBe(2);
		expect(split.parts).toHaveLength(1);
		expect(text(split.parts[0].body)).toBe('email,firstName\r\na@x.com,Ann\r\nb@x.com,Bo\r\n');
	});

	it('splits a big file on row boundaries, never inside a quoted line break, with the header in each part', () => {
		const lines = ['email;note'];
		for (let i = 0; i < 500; i++) lines.push(`l${i}@x.com;${i % 3 ? `"a;b\nc ${i}"` : `Zoë ${i}`}`);
		const file = csv(lines.join('\n') + '\n');
		const max = 1000;
		const split = splitFile(file, ';', max);
		expect(split.rowCount).toBe(500);
		expect(split.parts.length).toBeGreaterThan(10);
		const rows: string[][] = [];
		for (const part of split.parts) {
			expect(part.body.length).toBeLessThanOrEqual(max);
			const [head, ...data] = parseDelimited(text(part.body), ';');
			expect(head).toEqual(['email', 'note']);
			expect(data).toHaveLength(part.rowCount);
			rows.push(...data);
		}
		expect(rows).toEqual(parseDelimited(file.toString('utf8'), ';').slice(1));
	});

	it('reports a header-only file as having no rows', () => {
		expect(splitFile(csv('email,firstName\n'), ',')).toEqual(expect.objectContaining({ rowCount: 0, parts: [] }));
		expect(splitFile(csv('email,firstName'), ',').headerLine).toBe('email,firstName');
	});

	it('tells the format from the header line, then from the file name', () => {
		expect(detectFormat('email,firstName,lastName')).toBe('csv');
		expect(detectFormat('email\tfirstName')).toBe('tsv');
		expect(detectFormat('email;firstName;"a,b"')).toBe('ssv');
		expect(detectFormat('email', 'leads.tsv')).toBe('tsv');
		expect(detectFormat('email', 'leads.txt')).toBeUndefined();
	});

	it('agrees with the CSV writer: a written file splits back into the same rows', () => {
		const rows = Array.from({ length: 50 }, (_, i) => [`${i}@x.com`, `v "${i}"\r\n, ok`]);
		const file = Buffer.from(formatRow(['email', 'note'], ',') + rows.map((r) => formatRow(r, ',')).join(''));
		const split = splitFile(file, ',', 300);
		const back = split.parts.flatMap((p) => parseDelimited(text(p.body), ',').slice(1));
		expect(back).toEqual(rows);
	});
});
