/**
 * Joining the files of one export that ran as several date-window pieces sharing their boundary instants (see
 * splitWindow). A lead exactly on a boundary comes in both neighbouring pieces when Marketo reads `endAt` as
 * inclusive, in one of them when it reads it as exclusive; the join keeps its first copy only.
 *
 * Memory stays small whatever the export's size: only the ids of the leads whose date column lies within a second
 * of the next boundary are remembered, and only until the next piece has been read. For that, the pieces are
 * requested with the lead id and the filter's date column added after the asked-for fields when missing; the join
 * cuts those extra columns off again, so the result has exactly the asked-for columns. Rows are passed on as
 * Marketo wrote them (byte for byte), split at line ends outside quoted values.
 */

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
/** how close to a boundary (ms) a lead's date column must be for its id to be remembered */
const NEAR_MS = 1000;

export interface BoundaryPlan {
	/** the delimiter of the file format, one ASCII character */
	delimiter: string;
	/** columns to keep (the asked-for fields); columns after them were added for the join */
	keepColumns: number;
	/** column of the lead id */
	idColumn: number;
	/** column of the filter's date field (createdAt or updatedAt) */
	dateColumn: number;
	/** the boundary instants (ms): boundaries[k] ends piece k and starts piece k+1 */
	boundaries: number[];
}

export interface JoinCount {
	/** data rows passed on */
	rows: number;
	/** second copies of boundary leads left out */
	duplicates: number;
}

/** Splits bytes into records at line ends outside quoted values; each record keeps its line end. */
export class RecordSplitter {
	private pending: Buffer[] = [];
	private inQuotes = false;

	*push(chunk: Buffer): Generator<Buffer> {
		let start = 0;
		for (let i = 0; i < chunk.length; i++) {
			const byte = chunk[i];
			if (byte === QUOTE) this.inQuotes = !this.inQuotes;
			else if (byte === LF && !this.inQuotes) {
				this.pending.push(chunk.subarray(start, i + 1));
				yield this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
				this.pending = [];
				start = i + 1;
			}
		}
		if (start < chunk.length) this.pending.push(chunk.subarray(start));
	}

	/** The last record when the bytes did not end with a line end. */
	*end(): Generator<Buffer> {
		if (this.pending.length > 0) yield Buffer.concat(this.pending);
		this.pending = [];
		this.inQuotes = false;
	}
}

/** A record's fields as [start, end) byte offsets, and where its content ends (before CR LF / LF). */
function fieldSpans(record: Buffer, delimiter: number): { spans: Array<[number, number]>; contentEnd: number } {
	let contentEnd = record.length;
	if (contentEnd > 0 && record[contentEnd - 1] === LF) contentEnd--;
	if (contentEnd > 0 && record[contentEnd - 1] === CR) contentEnd--;
	const spans: Array<[number, number]> = [];
	let inQuotes = false;
	let start = 0;
	for (let i = 0; i < contentEnd; i++) {
		const byte = record[i];
		if (byte === QUOTE) inQuotes = !inQuotes;
		else if (byte === delimiter && !inQuotes) {
			spans.push([start, i]);
			start = i + 1;
		}
	}
	spans.push([start, contentEnd]);
	return { spans, contentEnd };
}

function fieldText(record: Buffer, span: [number, number] | undefined): string {
	if (!span) return '';
	const text = record.toString('utf8', span[0], span[1]);
	return text.startsWith('"') && text.endsWith('"') && text.length >= 2 ? text.slice(1, -1).replace(/""/g, '"') : text;
}

/** The record with only its first `keep` fields, line end kept. */
function keptPart(record: Buffer, spans: Array<[number, number]>, contentEnd: number, keep: number): Buffer {
	if (spans.length <= keep) return record;
	return Buffer.concat([record.subarray(0, spans[keep - 1][1]), record.subarray(contentEnd)]);
}

/**
 * The pieces' files as one: the first header, every row once (a boundary lead's second copy left out), only the
 * asked-for columns. `count` is filled in as rows pass and complete when the bytes end.
 */
export async function* joinedPieces(parts: Array<() => AsyncIterable<Buffer>>, plan: BoundaryPlan, count: JoinCount): AsyncGenerator<Buffer> {
	const delimiter = plan.delimiter.charCodeAt(0);
	let lastByte: number | undefined;
	let seenBefore = new Set<string>();
	for (let k = 0; k < parts.length; k++) {
		const next = plan.boundaries[k];
		const nearNext = new Set<string>();
		const splitter = new RecordSplitter();
		let header = true;
		const take = (record: Buffer): Buffer | undefined => {
			const { spans, contentEnd } = fieldSpans(record, delimiter);
			if (header) {
				header = false;
				return k === 0 ? keptPart(record, spans, contentEnd, plan.keepColumns) : undefined;
			}
			if (contentEnd === 0) return undefined;
			if (seenBefore.size > 0 && seenBefore.has(fieldText(record, spans[plan.idColumn]))) {
				count.duplicates++;
				return undefined;
			}
			if (next !== undefined) {
				const at = Date.parse(fieldText(record, spans[plan.dateColumn]));
				if (Math.abs(at - next) <= NEAR_MS) nearNext.add(fieldText(record, spans[plan.idColumn]));
			}
			count.rows++;
			return keptPart(record, spans, contentEnd, plan.keepColumns);
		};
		// the rows of each chunk go on together, not one by one (a file of a million rows stays a few thousand writes)
		const kept = (records: Iterable<Buffer>): Buffer | undefined => {
			const out: Buffer[] = [];
			for (const record of records) {
				const row = take(record);
				if (!row) continue;
				// the previous file's last row did not end with a line break: keep it apart from this row
				if (lastByte !== undefined && lastByte !== LF) out.push(Buffer.from('\n'));
				out.push(row);
				lastByte = row[row.length - 1];
			}
			return out.length > 0 ? Buffer.concat(out) : undefined;
		};
		for await (const chunk of parts[k]()) {
			const rows = kept(splitter.push(chunk));
			if (rows) yield rows;
		}
		const rest = kept(splitter.end());
		if (rest) yield rest;
		seenBefore = nearNext;
	}
}
