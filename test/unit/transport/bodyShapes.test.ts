/**
 * The shapes an export file's body can come in from n8n's request helper (a Node Readable in every release tested
 * so far; a web ReadableStream, another async iterable, or the whole body as bytes should n8n's HTTP stack change):
 * each gives the whole file, each streamed shape goes on with Range from the bytes received after a cut, and the
 * file reaches n8n's binary store as a Node Readable in every case.
 */
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

import { exportFileFetcher } from '../../../nodes/Marketo/actions/bulkExport/jobs';
import { readableFrom, resumableBytes } from '../../../nodes/Marketo/actions/bulkExport/download';
import { bodySource, MarketoClient, readableClass, resetLimiters, resetTokens, systemClock } from '../../../nodes/Marketo/transport';
import type { HttpSender } from '../../../nodes/Marketo/transport';
import { MarketoSandbox } from '../../../sandbox';
import { marketoError, scriptedMarketo, testNode, tokenAnswer } from '../helpers/fakeMarketo';

type Shape = 'node readable' | 'web stream' | 'async iterable' | 'whole bytes';

/** The response stream as n8n might hand it over. */
function shaped(res: IncomingMessage, shape: Exclude<Shape, 'whole bytes'>): unknown {
	if (shape === 'node readable') return res;
	if (shape === 'web stream') return Readable.toWeb(res);
	return Object.assign(
		(async function* () {
			for await (const chunk of res) yield chunk as Buffer;
		})(),
		{ destroy: (error?: Error) => res.destroy(error) },
	);
}

async function all(source: AsyncIterable<Buffer>): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of source) chunks.push(Buffer.from(chunk));
	return Buffer.concat(chunks);
}

describe('Node stream classes without importing Node\'s stream module', () => {
	it('reaches the Readable class n8n\'s binary store takes', () => {
		expect(readableClass()).toBe(Readable);
	});

	it('reads every streamed shape piece by piece, and leaves whole bodies whole', async () => {
		const pieces = ['id,email\n', '1,a@x.com\n'];
		const web = new ReadableStream<Uint8Array>({
			start(controller) {
				for (const piece of pieces) controller.enqueue(new TextEncoder().encode(piece));
				controller.close();
			},
		});
		for (const body of [Readable.from(pieces.map((p) => Buffer.from(p))), web]) {
			const source = bodySource(body)!;
			const chunks: Buffer[] = [];
			for await (const chunk of source) chunks.push(Buffer.from(chunk));
			expect(Buffer.concat(chunks).toString()).toBe(pieces.join(''));
		}
		expect([bodySource(Buffer.from('x')), bodySource('x'), bodySource(undefined), bodySource({ length: 3 })]).toEqual([undefined, undefined, undefined, undefined]);
	});

	it('lets go of a web stream by cancelling its reader (the connection closes)', async () => {
		let cancelled = false;
		const web = new ReadableStream<Uint8Array>({
			pull: (controller) => controller.enqueue(new Uint8Array(10)),
			cancel: () => {
				cancelled = true;
			},
		});
		const source = bodySource(web)!;
		const iterator = source[Symbol.asyncIterator]();
		await iterator.next();
		source.destroy?.();
		await iterator.return?.();
		expect(cancelled).toBe(true);
	});
});

describe('a file answered whole (bytes, not a stream)', () => {
	const fileRequest = { method: 'GET' as const, path: '/bulk/v1/leads/export/e1/file.json', expect: 'stream' as const };

	it('is the file when it is one', async () => {
		const m = scriptedMarketo(() => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('id,email\n1,a@x.com\n') }));
		const answer = await m.clock.run(m.client.download(fileRequest));
		expect(Buffer.from(answer.body as Buffer).toString()).toBe('id,email\n1,a@x.com\n');
	});

	it('is Marketo\'s error when it is the envelope: 602 renews the token and the file comes on the retry', async () => {
		const expired = Buffer.from(marketoError('602', 'Access token expired').body as string);
		const m = scriptedMarketo((_r, call) => ({ statusCode: 200, headers: { 'content-type': 'text/csv' }, body: call === 1 ? expired : Buffer.from('id\n1\n') }), {
			tokens: [tokenAnswer('token-1'), tokenAnswer('token-2')],
		});
		const answer = await m.clock.run(m.client.download(fileRequest));
		expect(Buffer.from(answer.body as Buffer).toString()).toBe('id\n1\n');
		expect(m.requests.map((r) => r.headers?.Authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
	});
});

describe('a download cut after 70 KB, in each body shape', () => {
	let sandbox: MarketoSandbox;
	let raw: IncomingMessage[] = [];
	let shape: Shape = 'node readable';
	const CUT = 70 * 1024;

	/** Node's HTTP client; a file's body handed over in the shape under test (whole bytes: read to the end first). */
	const sender: HttpSender = async (request) =>
		await new Promise((resolve, reject) => {
			const req = httpRequest(request.url, { method: request.method, headers: request.headers }, (res) => {
				if (request.responseType === 'stream' && shape !== 'whole bytes') {
					raw.push(res);
					resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: shaped(res, shape) });
					return;
				}
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('error', reject);
				res.on('end', () => {
					const body = Buffer.concat(chunks);
					resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: request.responseType === 'stream' ? body : body.toString('utf8') });
				});
			});
			req.on('error', reject);
			req.end(request.body);
		});

	let client: MarketoClient;
	let exportId: string;
	let whole: Buffer;

	beforeAll(async () => {
		sandbox = new MarketoSandbox({ latencyMs: 0, seedLeads: 3000, timeScale: 0.01 });
		await sandbox.start();
		for (let id = 1; id <= 3000; id++) sandbox.assets.addMember(1021, id);
		resetTokens();
		resetLimiters();
		const settings = { baseUrl: sandbox.url, clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret', callsPerWindow: 100, windowMs: 20_000, maxConcurrent: 10 };
		client = new MarketoClient(settings, { node: testNode, sender, clock: systemClock });
		const created = await client.request<{ exportId: string }>({
			method: 'POST',
			path: '/bulk/v1/leads/export/create.json',
			body: { fields: ['id', 'email', 'firstName', 'company'], format: 'CSV', filter: { staticListId: 1021 } },
			repeatable: false,
		});
		exportId = created.result![0].exportId;
		await client.request({ method: 'POST', path: `/bulk/v1/leads/export/${exportId}/enqueue.json`, repeatable: true });
		let status = '';
		while (status !== 'Completed') {
			status = String((await client.request<{ status: string }>({ method: 'GET', path: `/bulk/v1/leads/export/${exportId}/status.json` })).result![0].status);
			await new Promise((r) => setTimeout(r, 20));
		}
		const token = (await client.accessToken()).token;
		whole = Buffer.from(await (await fetch(`${sandbox.url}/bulk/v1/leads/export/${exportId}/file.json`, { headers: { Authorization: `Bearer ${token}` } })).arrayBuffer());
		expect(whole.length).toBeGreaterThan(100_000);
	});

	afterAll(async () => {
		await sandbox.stop();
	});

	/** Downloads the file with a cut after 70 KB; returns the bytes, as read from a binary-store stream, and the file requests. */
	async function cutDownload(): Promise<{ bytes: Buffer; requests: Array<[number, string | null, string | null]> }> {
		raw = [];
		sandbox.clearLog();
		sandbox.injectFault({ path: /\/file\.json$/, kind: 'truncate', afterBytes: CUT });
		const fetchFile = exportFileFetcher({ client, node: testNode, clock: systemClock }, exportId);
		const first = await fetchFile(0);
		// nothing reads the body until the connection has been cut
		const cut = raw[0];
		if (cut && !cut.closed) await new Promise((r) => cut.once('close', r));
		const stream = readableFrom(resumableBytes(fetchFile, { first: 0, fileSize: whole.length }, { maxResumes: 2 }, first));
		expect(stream).toBeInstanceOf(Readable);
		const bytes = await all(stream as AsyncIterable<Buffer>);
		const requests = sandbox.requestLog.filter((e) => e.path.endsWith('/file.json')).map((e): [number, string | null, string | null] => [e.status, e.fault ?? null, e.range ?? null]);
		return { bytes, requests };
	}

	it.each<Shape>(['node readable', 'web stream', 'async iterable'])('%s: the next request asks for Range: bytes=71680-, and the file is whole', async (s) => {
		shape = s;
		const { bytes, requests } = await cutDownload();
		expect(bytes.equals(whole)).toBe(true);
		expect(requests).toEqual([
			[200, 'truncate', null],
			[206, null, `bytes=${CUT}-`],
		]);
	});

	it('whole bytes: the cut fails the request itself, which is sent again from byte 0; the file is whole', async () => {
		shape = 'whole bytes';
		const { bytes, requests } = await cutDownload();
		expect(bytes.equals(whole)).toBe(true);
		expect(requests).toEqual([
			[200, 'truncate', null],
			[200, null, null],
		]);
	});
});
