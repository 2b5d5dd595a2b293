/**
 * Delimited text as Marketo's bulk APIs read and write it: CSV (comma), TSV (tab), SSV (semicolon), RFC 4180
 * quoting (a value with the delimiter, a quote, CR or LF is quoted, quotes doubled).
 */
export type BulkFormat = 'csv' | 'tsv' | 'ssv';

export const DELIMITERS: Record<BulkFormat, string> = { csv: ',', tsv: '\t', ssv: ';' };

export function delimiterOf(format: string): string {
	const delimiter = DELIMITERS[format.toLowerCase() as BulkFormat];
	if (!delimiter) throw new Error(`Unknown file format "${format}": use csv, tsv or ssv`);
	return delimiter;
}

/** One value as a field: empty for null/undefined, quoted when it must be. */
export function formatValue(value: unknown, delimiter: string): string {
	if (value === undefined || value === null) return '';
	const text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
	if (text.includes(delimiter) || text.includes('"') || text.includes('\n') || text.includes('\r')) {
		return `"${text.replace(/"/g, '""')}"`;
	}
	return text;
}

/** One row, ended with CRLF as RFC 4180 has it. */
export function formatRow(values: unknown[], delimiter: string): string {
	return `${values.map((v) => formatValue(v, delimiter)).join(delimiter)}\r\n`;
}

/**
 * Parses delimited text incrementally: feed chunks as they arrive, take the complete rows. Quoted fields may span
 * chunks and lines. Memory is bounded by the longest row, not the file.
 */
export class DelimitedParser {
	private field = '';
	private row: string[] = [];
	private inQuotes = false;
	/** a quote seen inside a quoted field: either the closing quote or the first of a doubled one */
	private quotePending = false;
	private lastWasCR = false;
	private rows: string[][] = [];

	constructor(private readonly delimiter: string) {}

	/** Feeds text; returns the rows completed by it. */
	push(text: string): string[][] {
		const d = this.delimiter;
		for (let i = 0; i < text.length; i++) {
			const c = text[i];
			if (this.quotePending) {
				this.quotePending = false;
				if (c === '"') {
					this.field += '"';
					continue;
				}
				this.inQuotes = false;
			}
			if (this.inQuotes) {
				if (c === '"') this.quotePending = true;
				else this.field += c;
				continue;
			}
			if (c === '\n' && this.lastWasCR) {
				this.lastWasCR = false;
				continue;
			}
			this.lastWasCR = false;
			if (c === '"' && this.field === '') this.inQuotes = true;
			else if (c === d) {
				this.row.push(this.field);
				this.field = '';
			} else if (c === '\n' || c === '\r') {
				this.lastWasCR = c === '\r';
				this.endRow();
			} else this.field += c;
		}
		return this.take();
	}

	/** Ends the input; returns the last row if the text did not end with a newline. */
	end(): string[][] {
		if (this.quotePending) {
			this.quotePending = false;
			this.inQuotes = false;
		}
		if (this.field !== '' || this.row.length > 0) this.endRow();
		return this.take();
	}

	private endRow(): void {
		this.row.push(this.field);
		this.field = '';
		this.rows.push(this.row);
		this.row = [];
	}

	private take(): string[][] {
		const rows = this.rows;
		this.rows = [];
		return rows;
	}
}

/** Parses a whole text at once. */
export function parseDelimited(text: string, delimiter: string): string[][] {
	const parser = new DelimitedParser(delimiter);
	return [...parser.push(text), ...parser.end()];
}

/** Rows (the first one a header) as objects keyed by the header. */
export function rowsToObjects(rows: string[][], emptyValue?: string): Array<Record<string, string>> {
	const [header, ...data] = rows;
	if (!header) return [];
	return data.map((row) => {
		const object: Record<string, string> = {};
		header.forEach((name, index) => {
			const value = row[index] ?? '';
			object[name] = emptyValue !== undefined && value === emptyValue ? '' : value;
		});
		return object;
	});
}
