/** Delimited files as Marketo's bulk APIs use them: CSV (comma), TSV (tab), SSV (semicolon). */

export type FileFormat = 'CSV' | 'TSV' | 'SSV';

export const DELIMITERS: Record<FileFormat, string> = { CSV: ',', TSV: '\t', SSV: ';' };

export function parseFormat(raw: string | null | undefined, fallback?: FileFormat): FileFormat | undefined {
	if (raw === null || raw === undefined || raw === '') return fallback;
	const up = raw.trim().toUpperCase();
	return up === 'CSV' || up === 'TSV' || up === 'SSV' ? up : undefined;
}

/** Splits text into rows of cells (RFC 4180 quoting, CRLF or LF, a leading BOM ignored). Blank lines are dropped. */
export function parseDelimited(text: string, delimiter: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let quoted = false;
	let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
	const endRow = (): void => {
		row.push(cell);
		if (row.length > 1 || row[0] !== '') rows.push(row);
		row = [];
		cell = '';
	};
	for (; i < text.length; i++) {
		const ch = text[i];
		if (quoted) {
			if (ch === '"') {
				if (text[i + 1] === '"') {
					cell += '"';
					i++;
				} else quoted = false;
			} else cell += ch;
		} else if (ch === '"' && cell === '') quoted = true;
		else if (ch === delimiter) {
			row.push(cell);
			cell = '';
		} else if (ch === '\n' || ch === '\r') {
			if (ch === '\r' && text[i + 1] === '\n') i++;
			endRow();
		} else cell += ch;
	}
	if (cell !== '' || row.length) endRow();
	return rows;
}

/** One cell: empty values are written as `null` (as Marketo's export does); quoted when needed. */
export function formatCell(value: unknown, delimiter: string): string {
	if (value === null || value === undefined || value === '') return 'null';
	const s = String(value);
	return s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r') ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatRow(values: unknown[], delimiter: string, emptyAs = 'null'): string {
	return values.map((v) => (v === '' || v === null || v === undefined ? emptyAs : formatCell(v, delimiter))).join(delimiter);
}
