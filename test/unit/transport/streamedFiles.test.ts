/**
 * Streamed file answers (export files): told from Marketo's error envelope by their body, never by Content-Type;
 * holding their place among the instance's concurrent calls until the body has arrived; and, when the connection
 * is cut before anyone reads, keeping the bytes that had arrived so that the download goes on from there.
 */
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';

import { exportFileFetcher } from '../../../nodes/Marketo/actions/bulkExport/jobs';
import { resumableBytes } from '../../../nodes/Marketo/actions/bulkExport/download';
import { MarketoClient, resetLimiters, resetTokens, systemClock } from '../../../nodes/Marketo/transport';
import type { HttpSender } from '../../../nodes/Marketo/transport';
import { MarketoSandbox } from '../../../sandbox';
import { marketoError, scriptedMarketo, testNode, tokenAnswer } from '../helpers/fakeMarketo';

const FILE_PATH = '/bulk/v1/leads/export/e1/file.json';
const fileRequest = { method: 'GET' as const, path: FILE_PATH, expect: 'stream' as const };

/** A body as n8n hands it over: a stream of the given pieces, then the end. */
function streamOf(...pieces: string[]): AsyncIterable<Buffer> & { destroy(): void } {
	return Object.assign(
		(async function* () {
			for (const piece of pieces) yield Buffer.from(piece);
		})(),
		{ destroy: () => undefined },
	);
}

async function text(body: unknown): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
	return Buffer.concat(chunks).toString('utf8');
}

describe('a streamed file is told from an error by its body, not its Content-Type', () => {
	it.each(['application/json;charset=UTF-8', 'text/plain;charset=UTF-8', 'text/csv;charset=UTF-8'])(
		'a CSV file served as %s is the file, first bytes included',
		async (contentType) => {
			const m = scriptedMarketo(() => ({ statusCode: 200, headers: { 'content-type': contentType }, body: streamOf('id,em', 'ail\n1,a@x.com\n') }));
			const answer = await m.clock.run(m.client.download(fileRequest));
			expect(await text(answer.body)).toBe('id,email\n1,a@x.com\n');
		},
	);

	it('a JSON file that is not an error envelope is the file, however long', async () => {
		const json = JSON.stringify({ rows: Array.from({ length: 10_000 }, (_, i) => ({ id: i })) });
		const m = scriptedMarketo(() => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: streamOf(json.slice(0, 5), json.slice(5, 70_000), json.slice(70_000)) }));
		const answer = await m.clock.run(m.client.download(fileRequest));
		expect(await text(answer.body)).toBe(json);
	});

	it('an error envelope served as text/csv is the error: 602 renews the token and the file comes on the retry', async () => {
		const expired = marketoError('602', 'Access token expired').body as string;
		const m = scriptedMarketo(
			(_r, call) => ({ statusCode: 200, headers: { 'content-type': 'text/csv' }, body: call === 1 ? streamOf(`  ${expired.slice(0, 10)}`, expired.slice(10)) : streamOf('id\n1\n') }),
			{ tokens: [tokenAnswer('token-1'), tokenAnswer('token-2')] },
		);
		const answer = await m.clock.run(m.client.download(fileRequest));
		expect(await text(answer.body)).toBe('id\n1\n');
		expect(m.requests.map((r) => r.headers?.Authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
	});
});

describe('a streamed download keeps its place among the concurrent calls until its body has arrived', () => {
	/** A body that sends its first piece and the rest only when `finish` is called (Marketo still sending). */
	function slowBody() {
		let finish: () => void = () => undefined;
		const rest = new Promise<void>((resolve) => (finish = resolve));
		let destroyed = false;
		const body = Object.assign(
			(async function* () {
				yield Buffer.from('id,email\n');
				await rest;
				if (!destroyed) yield Buffer.from('1,a@x.com\n');
			})(),
			{
				destroy: () => {
					destroyed = true;
					finish();
				},
			},
		);
		return { body, finish };
	}

	it('10 downloads whose bodies are not read yet keep the 11th call waiting; an ended or dropped body frees a place', async () => {
		const bodies: Array<ReturnType<typeof slowBody>> = [];
		const m = scriptedMarketo(
			() => {
				const slow = slowBody();
				bodies.push(slow);
				return { statusCode: 200, headers: { 'content-type': 'text/csv' }, body: slow.body };
			},
			// a fixed share: the credential's 10 calls in flight from the first call (the adaptive pace starts with 1)
			{ settings: { maxConcurrent: 10, callsPerWindow: 100, adaptivePacing: false } },
		);
		const answers = await m.clock.run(Promise.all(Array.from({ length: 10 }, () => m.client.download(fileRequest))));
		expect(m.requests).toHaveLength(10);

		/**
		 * Lets `turns` turns of the event loop pass, or until the waiting call was sent (a caller waiting for a place
		 * is woken when one is freed: it needs no clock)
		 */
		const waitedFor = async (turns: number): Promise<void> => {
			const sent = m.requests.length;
			for (let turn = 0; turn < turns && m.requests.length === sent; turn++) await new Promise((r) => setImmediate(r));
		};

		const eleventh = m.client.download(fileRequest);
		const twelfth = (async () => {
			await waitedFor(50);
			// still 10: the 11th call has waited all along
			expect(m.requests).toHaveLength(10);
			// the first body arrives in full and is read: its place goes to the 11th call
			bodies[0].finish();
			expect(await text(answers[0].body)).toBe('id,email\n1,a@x.com\n');
			await waitedFor(5);
			expect(m.requests).toHaveLength(11);
			// a body let go of before its end frees its place too
			const next = m.client.download(fileRequest);
			await waitedFor(50);
			expect(m.requests).toHaveLength(11);
			(answers[1].body as { destroy(): void }).destroy();
			return await next;
		})();
		await Promise.all([eleventh, twelfth]);
		expect(m.requests).toHaveLength(12);
		for (const slow of bodies) slow.finish();
	});
});

describe('a download cut before anyone reads it goes on from the bytes that had arrived', () => {
	let sandbox: MarketoSandbox;
	let raw: IncomingMessage[] = [];

	/** Node's own HTTP client, answering with the response stream itself, as n8n's helper does for `encoding: 'stream'`. */
	const sender: HttpSender = async (request) =>
		await new Promise((resolve, reject) => {
			const req = httpRequest(request.url, { method: request.method, headers: request.headers }, (res) => {
				if (request.responseType !== 'stream') {
					const chunks: Buffer[] = [];
					res.on('data', (c: Buffer) => chunks.push(c));
					res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
					return;
				}
				raw.push(res);
				resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: res });
			});
			req.on('error', reject);
			req.end(request.body);
		});

	beforeAll(async () => {
		sandbox = new MarketoSandbox({ latencyMs: 0, seedLeads: 3000, timeScale: 0.01 });
		await sandbox.start();
		for (let id = 1; id <= 3000; id++) sandbox.assets.addMember(1021, id);
	});

	afterAll(async () => {
		await sandbox.stop();
	});

	it.each([1, 30 * 1024, 70 * 1024])('cut after %i bytes: the next request asks for Range: bytes=<that>-, and the file is whole', async (afterBytes) => {
		resetTokens();
		resetLimiters();
		raw = [];
		const settings = { baseUrl: sandbox.url, clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret', callsPerWindow: 100, windowMs: 20_000, maxConcurrent: 10 };
		const client = new MarketoClient(settings, { node: testNode, sender, clock: systemClock });
		const created = await client.request<{ exportId: string }>({
			method: 'POST',
			path: '/bulk/v1/leads/export/create.json',
			body: { fields: ['id', 'email', 'firstName', 'company'], format: 'CSV', filter: { staticListId: 1021 } },
			repeatable: false,
		});
		const exportId = created.result![0].exportId;
		await client.request({ method: 'POST', path: `/bulk/v1/leads/export/${exportId}/enqueue.json`, repeatable: true });
		let status = '';
		while (status !== 'Completed') {
			status = String((await client.request<{ status: string }>({ method: 'GET', path: `/bulk/v1/leads/export/${exportId}/status.json` })).result![0].status);
			await new Promise((r) => setTimeout(r, 20));
		}
		const whole = Buffer.from(await (await fetch(`${sandbox.url}/bulk/v1/leads/export/${exportId}/file.json`, { headers: { Authorization: `Bearer ${(await client.accessToken()).token}` } })).arrayBuffer());
		expect(whole.length).toBeGreaterThan(100_000);

		sandbox.clearLog();
		sandbox.injectFault({ path: /\/file\.json$/, kind: 'truncate', afterBytes });
		const fetchFile = exportFileFetcher({ client, node: testNode, clock: systemClock }, exportId);
		const first = await fetchFile(0);
		// nothing reads the body until the connection has been cut
		const cut = raw[0];
		if (!cut.closed) await new Promise((r) => cut.once('close', r));
		const chunks: Buffer[] = [];
		for await (const chunk of resumableBytes(fetchFile, { first: 0, fileSize: whole.length }, { maxResumes: 2 }, first)) chunks.push(chunk);

		expect(Buffer.concat(chunks).equals(whole)).toBe(true);
		expect(sandbox.requestLog.filter((e) => e.path.endsWith('/file.json')).map((e) => [e.status, e.fault, e.range ?? null])).toEqual([
			[200, 'truncate', null],
			[206, null, `bytes=${afterBytes}-`],
		]);
	});
});
