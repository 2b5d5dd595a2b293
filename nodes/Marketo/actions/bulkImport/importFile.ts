import { DELIMITERS, formatRow } from '../shared/csv';
import type { BulkFormat } from '../shared/csv';
import { InputError } from '../shared/values';

/**
 * The import file, written from items or taken from an input file, cut into parts Marketo accepts: its bulk import
 * takes files under 10 MB. Every part is the header followed by whole rows (a quoted value with a line break never
 * straddles two parts), so each part is a valid file of its own.
 */

/** Marketo's limit for one upload, for the whole multipart body (the decimal reading of "10 MB", the safe one). */
export const MAX_UPLOAD_BYTES = 10_000_000;
/** Room left for the multipart envelope around the file (boundary lines and part headers take ~250 bytes). */
export const MULTIPART_ALLOWANCE = 4096;
export const MAX_FILE_BYTES = MAX_UPLOAD_BYTES - MULTIPART_ALLOWANCE;
/** The smallest part size a user can choose (10 KB): smaller ones would hold a handful of rows. */
export const MIN_FILE_BYTES = 10_000;

/** One file to upload: the header plus the rows from `firstRow` to `lastRow` (1-based, header not counted). */
export interface FilePart {
	body: Buffer;
	firstRow: number;
	lastRow: number;
	rowCount: number;
}

/** A value as the text of one cell: empty for null/undefined, ISO for dates, JSON for anything structured. */
export function cellText(value: unknown): string {
	if (value === undefined || value === null) return '';
	if (value instanceof Date) return value.toISOString();
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value);
}

/**
 * Groups consecutive rows into parts of at most `maxBytes` each, counting the header in every part.
 * Returns `[start, end)` index ranges into `rowBytes`.
 */
export function packRows(headerBytes: number, rowBytes: ArrayLike<number>, maxBytes: number): Array<[number, number]> {
	const ranges: Array<[number, number]> = [];
	let start = 0;
	let size = headerBytes;
	for (let i = 0; i < rowBytes.length; i++) {
		const bytes = rowBytes[i];
		if (headerBytes + bytes > maxBytes) {
			throw new InputError(
				`Row ${i + 1} is ${bytes} bytes long; with the header that is more than Marketo takes in one import file (${maxBytes} bytes)`,
			);
		}
		if (size + bytes > maxBytes && i > start) {
			ranges.push([start, i]);
			start = i;
			size = headerBytes;
		}
		size += bytes;
	}
	if (rowBytes.length > start) ranges.push([start, rowBytes.length]);
	return ranges;
}

/** Writes the header and rows (RFC 4180 quoting, CRLF line ends) as one or more parts under `maxBytes`. */
export function writeParts(header: string[], rows: string[][], format: BulkFormat, maxBytes = MAX_FILE_BYTES): FilePart[] {
	const delimiter = DELIMITERS[format];
	const headerText = formatRow(header, delimiter);
	const texts = rows.map((row) => formatRow(row, delimiter));
	const sizes = texts.map((text) => Buffer.byteLength(text, 'utf8'));
	return packRows(Buffer.byteLength(headerText, 'utf8'), sizes, maxBytes).map(([start, end]) => ({
		body: Buffer.from(headerText + texts.slice(start, end).join(''), 'utf8'),
		firstRow: start + 1,
		lastRow: end,
		rowCount: end - start,
	}));
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Where the rows of a delimited file end, found on the bytes: a row ends at LF, CRLF or a lone CR outside quotes.
 * Quotes open a value only at its start (RFC 4180), so `5" screen` stays unquoted. Quote, delimiter and line-break
 * bytes never occur inside a multi-byte UTF-8 character, so scanning bytes is safe for any UTF-8 text.
 * Returns the offset after each row's line break (or the end of the file for a last row without one).
 */
export function rowEnds(file: Buffer, delimiter: string, from = 0): number[] {
	const d = delimiter.charCodeAt(0);
	const ends: number[] = [];
	let inQuotes = false;
	let fieldStart = true;
	for (let i = from; i < file.length; i++) {
		const b = file[i];
		if (inQuotes) {
			if (b === QUOTE) {
				if (file[i + 1] === QUOTE) i++;
				else inQuotes = false;
			}
			continue;
		}
		if (b === QUOTE && fieldStart) {
			inQuotes = true;
			fieldStart = false;
		} else if (b === d) {
			fieldStart = true;
		} else if (b === LF || b === CR) {
			if (b === CR && file[i + 1] === LF) i++;
			ends.push(i + 1);
			fieldStart = true;
		} else {
			fieldStart = false;
		}
	}
	if (ends.length === 0 || ends[ends.length - 1] < file.length) ends.push(file.length);
	return ends;
}

/** True for a row that holds nothing but its line break. */
function blank(row: Buffer): boolean {
	for (const b of row) if (b !== LF && b !== CR) return false;
	return true;
}

/** The row with a line break at its end (only a file's last row can lack one). */
function withLineBreak(row: Buffer): Buffer {
	const last = row[row.length - 1];
	return last === LF || last === CR ? row : Buffer.concat([row, Buffer.from('\r\n')]);
}

export interface SplitFile {
	/** the header row's text, without its line break */
	headerLine: string;
	parts: FilePart[];
	/** data rows in the file (blank lines not counted) */
	rowCount: number;
}

/**
 * Cuts an input file into parts under `maxBytes` on row boundaries, each starting with the file's header. A UTF-8
 * byte-order mark is dropped and blank lines are left out.
 */
export function splitFile(file: Buffer, delimiter: string, maxBytes = MAX_FILE_BYTES): SplitFile {
	const bom = file.length >= 3 && file[0] === 0xef && file[1] === 0xbb && file[2] === 0xbf ? 3 : 0;
	const ends = rowEnds(file, delimiter, bom);
	const headerRow = file.subarray(bom, ends[0]);
	const header = withLineBreak(headerRow);
	const rows: Buffer[] = [];
	for (let r = 1; r < ends.length; r++) {
		const row = file.subarray(ends[r - 1], ends[r]);
		if (!blank(row)) rows.push(withLineBreak(row));
	}
	const parts = packRows(header.length, rows.map((row) => row.length), maxBytes).map(([start, end]) => ({
		body: Buffer.concat([header, ...rows.slice(start, end)]),
		firstRow: start + 1,
		lastRow: end,
		rowCount: end - start,
	}));
	return { headerLine: headerRow.toString('utf8').replace(/[\r\n]+$/, ''), parts, rowCount: rows.length };
}

const FORMAT_OF_DELIMITER: Record<string, BulkFormat> = { ',': 'csv', '\t': 'tsv', ';': 'ssv' };

/**
 * The format of a delimited file, told from its header line: the delimiter that occurs most often outside quotes
 * (field names contain none of them). Ties and a header of one column fall back to the file name's extension.
 */
export function detectFormat(headerLine: string, fileName = ''): BulkFormat | undefined {
	const counts: Record<string, number> = { ',': 0, '\t': 0, ';': 0 };
	let inQuotes = false;
	for (const c of headerLine) {
		if (c === '"') inQuotes = !inQuotes;
		else if (!inQuotes && c in counts) counts[c]++;
	}
	const ranked = Object.entries(counts).sort((a, b) => b[1] - a[1]);
	if (ranked[0][1] > 0 && ranked[0][1] > ranked[1][1]) return FORMAT_OF_DELIMITER[ranked[0][0]];
	const extension = /\.([a-z]+)$/i.exec(fileName)?.[1]?.toLowerCase();
	if (extension === 'csv' || extension === 'tsv' || extension === 'ssv') return extension;
	if (extension === 'tab') return 'tsv';
	return undefined;
}

export const MIME_TYPES: Record<BulkFormat, string> = { csv: 'text/csv', tsv: 'text/tab-separated-values', ssv: 'text/plain' };
