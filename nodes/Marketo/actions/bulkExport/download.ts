import { createHash } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

import { bodySource, isDroppedConnection, readableClass, toBuffer } from '../../transport';
import { DelimitedParser } from '../shared/csv';

/**
 * Export files as byte streams that are never held whole in memory: fetched (and resumed with `Range` after a
 * dropped connection), checked against the job's fileSize and SHA-256 checksum, joined when one export ran as
 * several jobs, and read row by row when items are wanted.
 */

/** One answer of file.json: status, headers and the body (a stream in n8n; a string or Buffer also works). */
export interface FetchedBytes {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

/** Asks for the file from byte `from` (to byte `to`, inclusive, when given). `from` 0 without `to`: no Range. */
export type ByteFetcher = (from: number, to?: number) => Promise<FetchedBytes>;

/** The bytes wanted: `first` to `last` (inclusive; the end of the file when absent). */
export interface ByteSpan {
	first: number;
	last?: number;
	/** the file's size when known (the job's fileSize) */
	fileSize?: number;
}

export interface ResumePolicy {
	/** Range requests after the first one, at most */
	maxResumes: number;
	/** told before each resumed request */
	onResume?: (at: number, reason: string) => void;
}

export class DownloadError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'DownloadError';
	}
}

function header(headers: FetchedBytes['headers'], name: string): string | undefined {
	const found = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name);
	const value = found?.[1];
	return Array.isArray(value) ? value[0] : value;
}

/** `bytes 100-199/1000` -> {first: 100, last: 199, total: 1000} */
export function parseContentRange(value: string | undefined): { first: number; last: number; total?: number } | undefined {
	const match = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec((value ?? '').trim());
	if (!match) return undefined;
	return { first: Number(match[1]), last: Number(match[2]), total: match[3] === '*' ? undefined : Number(match[3]) };
}

async function* chunksOf(body: unknown): AsyncGenerator<Buffer> {
	if (body === undefined || body === null) return;
	if (typeof body === 'string' || body instanceof Uint8Array) {
		if (body.length) yield toBuffer(body);
		return;
	}
	const source = bodySource(body);
	if (!source) throw new DownloadError('Marketo answered the file with something that is neither text nor a stream');
	for await (const chunk of source) yield toBuffer(chunk);
}

/**
 * The bytes of `span`, chunk by chunk. When the connection drops (or closes before the expected end), the rest is
 * asked for with `Range: bytes=<next>-` and the download goes on where it stopped, up to `maxResumes` times. A
 * server that ignores Range (200 instead of 206) is handled by skipping what was already received. `first` is an
 * answer already fetched for the start of the span.
 */
export async function* resumableBytes(fetch: ByteFetcher, span: ByteSpan, policy: ResumePolicy, first?: FetchedBytes): AsyncGenerator<Buffer> {
	let position = span.first;
	let end: number | undefined =
		span.last !== undefined ? span.last + 1 : span.fileSize !== undefined ? span.fileSize : undefined;
	let resumes = 0;
	let response = first;
	for (;;) {
		response ??= await fetch(position, span.last);
		let skip = 0;
		if (response.statusCode === 206) {
			const range = parseContentRange(header(response.headers, 'content-range'));
			if (!range || range.first > position) {
				throw new DownloadError(`Asked for bytes from ${position}, Marketo answered ${header(response.headers, 'content-range') ?? 'a range without Content-Range'}`);
			}
			skip = position - range.first;
			if (range.total !== undefined) end = Math.min(end ?? range.total, range.total);
		} else if (response.statusCode === 200) {
			// the whole file, from byte 0
			skip = position;
			const length = Number(header(response.headers, 'content-length'));
			if (end === undefined && Number.isFinite(length) && length >= 0) end = length;
		} else {
			throw new DownloadError(`Marketo answered the file request with HTTP ${response.statusCode}`);
		}

		let reason: string | undefined;
		let broken: unknown;
		try {
			for await (const chunk of chunksOf(response.body)) {
				let piece = chunk;
				if (skip > 0) {
					if (piece.length <= skip) {
						skip -= piece.length;
						continue;
					}
					piece = piece.subarray(skip);
					skip = 0;
				}
				// a byte range answered with the whole file: stop at the range's end
				if (span.last !== undefined && position + piece.length > span.last + 1) piece = piece.subarray(0, span.last + 1 - position);
				if (piece.length === 0) continue;
				position += piece.length;
				yield piece;
			}
		} catch (error) {
			broken = error;
		}
		if (broken !== undefined) {
			if (!isDroppedConnection(broken)) throw broken;
			reason = (broken as Error).message || 'connection dropped';
		}
		response = undefined;
		if (reason === undefined) {
			if (end === undefined || position >= end) return;
			reason = `the connection closed after byte ${position} of ${end}`;
		}
		if (resumes >= policy.maxResumes) {
			throw new DownloadError(
				`The download broke off at byte ${position}${end !== undefined ? ` of ${end}` : ''} (${reason}) and ${resumes} resumed request${resumes === 1 ? '' : 's'} did not finish it`,
			);
		}
		resumes++;
		policy.onResume?.(position, reason);
	}
}

export interface ExpectedFile {
	/** bytes in all (the job's fileSize) */
	size?: number;
	/** SHA-256, hex (the job's fileChecksum) */
	checksum?: string;
	/** names the file in messages, e.g. "export job 7c1f..." */
	label: string;
}

/** Passes the bytes through and, at the end, fails unless their count and SHA-256 are the ones expected. */
export async function* checkedBytes(source: AsyncIterable<Buffer>, expected: ExpectedFile): AsyncGenerator<Buffer> {
	const hash = createHash('sha256');
	let size = 0;
	for await (const chunk of source) {
		hash.update(chunk);
		size += chunk.length;
		yield chunk;
	}
	if (expected.size !== undefined && size !== expected.size) {
		throw new DownloadError(`The file of ${expected.label} has ${size} bytes; Marketo's fileSize says ${expected.size}`);
	}
	// Adobe's examples spell it "sha256:<hex>"; bare hex is accepted too
	const checksum = expected.checksum?.trim().toLowerCase().replace(/^sha-?256:/, '');
	if (checksum && /^[0-9a-f]{64}$/.test(checksum)) {
		const actual = hash.digest('hex');
		if (actual !== checksum) throw new DownloadError(`The file of ${expected.label} does not match Marketo's SHA-256 checksum (${actual} instead of ${checksum})`);
	}
}

const LF = 0x0a;

/**
 * Several export files as one: the first file whole, each further file without its header line. A file that
 * does not end with a line break gets one before the next file's rows. Each part is opened only when reached.
 */
export async function* joinedFiles(parts: Array<() => AsyncIterable<Buffer>>): AsyncGenerator<Buffer> {
	let lastByte: number | undefined;
	for (let i = 0; i < parts.length; i++) {
		let inHeader = i > 0;
		let partStart = true;
		for await (const chunk of parts[i]()) {
			let piece = chunk;
			if (inHeader) {
				const lineEnd = piece.indexOf(LF);
				if (lineEnd === -1) continue;
				piece = piece.subarray(lineEnd + 1);
				inHeader = false;
			}
			if (piece.length === 0) continue;
			// the previous file's last row did not end with a line break: keep it apart from this file's rows
			if (partStart && lastByte !== undefined && lastByte !== LF) yield Buffer.from('\n');
			partStart = false;
			yield piece;
			lastByte = piece[piece.length - 1];
		}
	}
}

/** Calls `sink` with each chunk as it passes. */
export async function* tapped(source: AsyncIterable<Buffer>, sink: (chunk: Buffer) => void): AsyncGenerator<Buffer> {
	for await (const chunk of source) {
		sink(chunk);
		yield chunk;
	}
}

/**
 * Reads export rows as they arrive: the first row is the header, every further row an object keyed by it, with
 * Marketo's `null` (its mark for an empty value) turned into an empty string. Memory is one row plus the rows
 * not yet taken.
 */
export class LeadRowReader {
	private readonly decoder = new TextDecoder('utf-8');
	private readonly parser: DelimitedParser;
	private header: string[] | undefined;
	private readonly rows: Array<Record<string, string>> = [];

	constructor(delimiter: string) {
		this.parser = new DelimitedParser(delimiter);
	}

	push(chunk: Buffer): void {
		this.add(this.parser.push(this.decoder.decode(chunk, { stream: true })));
	}

	/** Ends the input; returns every row read. */
	end(): Array<Record<string, string>> {
		this.add(this.parser.push(this.decoder.decode()));
		this.add(this.parser.end());
		return this.rows;
	}

	get columns(): string[] {
		return this.header ?? [];
	}

	private add(rows: string[][]): void {
		for (const row of rows) {
			if (!this.header) {
				this.header = row.map((name, i) => (i === 0 ? name.replace(/^\uFEFF/, '') : name));
				continue;
			}
			if (row.length === 1 && row[0] === '') continue;
			const lead: Record<string, string> = {};
			this.header.forEach((name, i) => {
				const value = row[i] ?? '';
				lead[name] = value === 'null' ? '' : value;
			});
			this.rows.push(lead);
		}
	}
}

/** Drains a byte source (when nothing else consumes it, e.g. items only). */
export async function drain(source: AsyncIterable<Buffer>): Promise<number> {
	let size = 0;
	for await (const chunk of source) size += chunk.length;
	return size;
}

/** The stream type n8n's binary store takes (Node's Readable, which a community node may not import). */
export type BinaryStream = Exclude<Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0], Buffer>;

/**
 * A Node Readable over `source`, for `prepareBinaryData`, which writes a stream to n8n's binary store (a file in
 * filesystem mode) chunk by chunk, whatever shape the HTTP body came in.
 */
export function readableFrom(source: AsyncIterable<Buffer>): BinaryStream {
	return readableClass().from(source, { objectMode: false }) as BinaryStream;
}
