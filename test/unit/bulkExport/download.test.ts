import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

import {
	checkedBytes,
	DownloadError,
	joinedFiles,
	LeadRowReader,
	readableFrom,
	resumableBytes,
} from '../../../nodes/Marketo/actions/bulkExport/download';
import type { ByteFetcher, FetchedBytes } from '../../../nodes/Marketo/actions/bulkExport/download';

const FILE = Buffer.from(Array.from({ length: 200 }, (_, i) => `${i},lead${i}@example.com,null\n`).join(''), 'utf8');

function dropped(): Error {
	return Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
}

/** A body that yields `bytes` in chunks of `chunk`, then fails with `failure` (or ends) after `stopAfter` bytes. */
async function* body(bytes: Buffer, chunk: number, stopAfter = bytes.length, failure: Error | undefined = dropped()): AsyncGenerator<Buffer> {
	for (let at = 0; at < Math.min(stopAfter, bytes.length); at += chunk) yield bytes.subarray(at, Math.min(at + chunk, stopAfter, bytes.length));
	if (stopAfter < bytes.length && failure) throw failure;
}

function answer(statusCode: number, from: number, to: number | undefined, stream: AsyncIterable<Buffer>): FetchedBytes {
	const last = to ?? FILE.length - 1;
	const headers: Record<string, string> = statusCode === 206 ? { 'content-range': `bytes ${from}-${last}/${FILE.length}` } : { 'content-length': String(FILE.length) };
	return { statusCode, headers, body: stream };
}

async function all(source: AsyncIterable<Buffer>): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const c of source) chunks.push(c);
	return Buffer.concat(chunks);
}

describe('resuming a download', () => {
	it('asks for the rest with Range after a dropped connection and yields identical bytes', async () => {
		const asked: Array<[number, number | undefined]> = [];
		const cuts = [1000, 2500];
		const fetch: ByteFetcher = async (from, to) => {
			asked.push([from, to]);
			const cut = cuts.shift();
			const part = FILE.subarray(from);
			return answer(from === 0 ? 200 : 206, from, to, body(part, 300, cut === undefined ? part.length : cut - from));
		};
		const resumes: number[] = [];
		const bytes = await all(resumableBytes(fetch, { first: 0, fileSize: FILE.length }, { maxResumes: 5, onResume: (at) => resumes.push(at) }));
		expect(bytes.equals(FILE)).toBe(true);
		expect(asked).toEqual([[0, undefined], [1000, undefined], [2500, undefined]]);
		expect(resumes).toEqual([1000, 2500]);
	});

	it('resumes when the body ends early without an error (short read)', async () => {
		let calls = 0;
		const fetch: ByteFetcher = async (from) => {
			calls++;
			const part = FILE.subarray(from);
			return answer(from === 0 ? 200 : 206, from, undefined, body(part, 256, calls === 1 ? 700 : part.length, undefined));
		};
		expect((await all(resumableBytes(fetch, { first: 0, fileSize: FILE.length }, { maxResumes: 1 }))).equals(FILE)).toBe(true);
		expect(calls).toBe(2);
	});

	it('skips what it already has when the server ignores Range and sends the whole file again', async () => {
		let calls = 0;
		const fetch: ByteFetcher = async () => {
			calls++;
			return answer(200, 0, undefined, body(FILE, 333, calls === 1 ? 1500 : FILE.length));
		};
		expect((await all(resumableBytes(fetch, { first: 0, fileSize: FILE.length }, { maxResumes: 2 }))).equals(FILE)).toBe(true);
	});

	it('downloads a byte range, resumed from where it broke off', async () => {
		const asked: Array<[number, number | undefined]> = [];
		const fetch: ByteFetcher = async (from, to) => {
			asked.push([from, to]);
			const part = FILE.subarray(from, (to ?? FILE.length - 1) + 1);
			return answer(206, from, to, body(part, 100, asked.length === 1 ? 250 : part.length));
		};
		const bytes = await all(resumableBytes(fetch, { first: 100, last: 899, fileSize: FILE.length }, { maxResumes: 2 }));
		expect(bytes.equals(FILE.subarray(100, 900))).toBe(true);
		expect(asked).toEqual([[100, 899], [350, 899]]);
	});

	it('gives up after the set number of resumes, saying where it stopped', async () => {
		const fetch: ByteFetcher = async (from) => answer(from === 0 ? 200 : 206, from, undefined, body(FILE.subarray(from), 100, 100));
		await expect(all(resumableBytes(fetch, { first: 0, fileSize: FILE.length }, { maxResumes: 2 }))).rejects.toThrow(
			new RegExp(`broke off at byte 300 of ${FILE.length} \\(aborted\\) and 2 resumed requests did not finish it`),
		);
	});

	it('does not resume other failures', async () => {
		let calls = 0;
		const fetch: ByteFetcher = async () => {
			calls++;
			return answer(200, 0, undefined, body(FILE, 100, 400, new Error('disk full')));
		};
		await expect(all(resumableBytes(fetch, { first: 0 }, { maxResumes: 3 }))).rejects.toThrow('disk full');
		expect(calls).toBe(1);
	});

	it('refuses a 206 that starts after the byte asked for', async () => {
		let calls = 0;
		const fetch: ByteFetcher = async (from) => {
			calls++;
			if (calls === 1) return answer(200, 0, undefined, body(FILE, 100, 500));
			return { statusCode: 206, headers: { 'content-range': `bytes ${from + 10}-${FILE.length - 1}/${FILE.length}` }, body: body(FILE.subarray(from + 10), 100) };
		};
		await expect(all(resumableBytes(fetch, { first: 0, fileSize: FILE.length }, { maxResumes: 3 }))).rejects.toBeInstanceOf(DownloadError);
	});
});

describe('checking a download against fileSize and fileChecksum', () => {
	const checksum = createHash('sha256').update(FILE).digest('hex');

	it('passes a file of the right size and checksum through unchanged', async () => {
		expect((await all(checkedBytes(body(FILE, 512), { size: FILE.length, checksum, label: 'job 1' }))).equals(FILE)).toBe(true);
	});

	it('reads the checksum in Adobe\'s "sha256:<hex>" form as well as bare hex', async () => {
		expect((await all(checkedBytes(body(FILE, 512), { size: FILE.length, checksum: `sha256:${checksum}`, label: 'job 1' }))).equals(FILE)).toBe(true);
		const changed = Buffer.from(FILE);
		changed[3] = 0x41;
		await expect(all(checkedBytes(body(changed, 512), { checksum: `sha256:${checksum}`, label: 'job 1' }))).rejects.toThrow(/does not match/);
	});

	it('fails on a size or checksum mismatch', async () => {
		await expect(all(checkedBytes(body(FILE, 512), { size: FILE.length + 1, label: 'job 1' }))).rejects.toThrow(
			`The file of job 1 has ${FILE.length} bytes; Marketo's fileSize says ${FILE.length + 1}`,
		);
		const changed = Buffer.from(FILE);
		changed[10] = 0x41;
		await expect(all(checkedBytes(body(changed, 512), { size: FILE.length, checksum: checksum.toUpperCase(), label: 'job 1' }))).rejects.toThrow(
			/does not match Marketo's SHA-256 checksum/,
		);
	});
});

describe('joining the files of several jobs', () => {
	it('keeps the first header only and separates files that lack a final line break', async () => {
		const parts = ['id,email\n1,a@x.com\n', 'id,email\r\n2,b@x.com', 'id,email\n', 'id,email\n3,c@x.com\n'];
		const joined = await all(joinedFiles(parts.map((text) => () => body(Buffer.from(text), 3))));
		expect(joined.toString()).toBe('id,email\n1,a@x.com\n2,b@x.com\n3,c@x.com\n');
	});
});

describe('reading export rows as items', () => {
	it('keys rows by the header, turns null into empty, and copes with chunks splitting characters and quotes', async () => {
		const text = 'id;firstName;city\n1;Zoë;"Saint-Denis; Réunion"\n2;null;"He said ""hi"""\n';
		const bytes = Buffer.from(text, 'utf8');
		const reader = new LeadRowReader(';');
		for (let at = 0; at < bytes.length; at += 1) reader.push(bytes.subarray(at, at + 1));
		expect(reader.end()).toEqual([
			{ id: '1', firstName: 'Zoë', city: 'Saint-Denis; Réunion' },
			{ id: '2', firstName: '', city: 'He said "hi"' },
		]);
		expect(reader.columns).toEqual(['id', 'firstName', 'city']);
	});
});

describe('a stream for the binary store', () => {
	it('is a Node Readable made without importing Node\'s stream module, whatever the HTTP body was', async () => {
		const stream = readableFrom(body(FILE, 1000));
		expect(stream).toBeInstanceOf(Readable);
		expect((await all(stream as AsyncIterable<Buffer>)).equals(FILE)).toBe(true);
	});

	it('fails the stream when the source fails (so the binary store write fails)', async () => {
		const stream = readableFrom(checkedBytes(body(FILE, 1000), { size: 1, label: 'job 9' }));
		await expect(all(stream as AsyncIterable<Buffer>)).rejects.toThrow(/job 9/);
	});
});
