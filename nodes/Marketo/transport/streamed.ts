import { bodySource, toBuffer } from './bodies';
import type { BodySource } from './bodies';
import type { HttpResponse } from './http';
import { parseJson } from './response';

/**
 * Streamed answers (export files). Three rules:
 * - Marketo's error envelope is told by the body (a JSON object with success:false and errors), never by the
 *   Content-Type: Adobe declares application/json for file.json and failures.json, so a file may come with it.
 * - The call keeps its place among the instance's concurrent calls until the body has arrived (or broke off, or was
 *   let go of): Marketo counts a download until its last byte, not until its headers.
 * - Bytes are taken in as they arrive, up to READ_AHEAD_BYTES ahead of the reader, so that a connection cut before
 *   anyone reads still leaves the bytes received, and the download goes on from there (Range) instead of from 0.
 */

/** Bytes taken in ahead of the reader, at most; beyond that the connection waits for the reader. */
const READ_AHEAD_BYTES = 1_048_576;
/** An error envelope is short: a body starting with `{` and longer than this is a file. */
const ENVELOPE_MAX_BYTES = 65_536;

/** A streamed body as it arrives: a queue filled from the connection, read by whoever takes the file. */
class ArrivingBody {
	private readonly queue: Buffer[] = [];
	private queued = 0;
	private ended = false;
	private failure: Error | undefined;
	private abandoned = false;
	private waiters: Array<() => void> = [];

	constructor(
		private readonly source: BodySource,
		private readonly done: () => void,
	) {
		void this.pump();
	}

	private notify(): void {
		const waiters = this.waiters;
		this.waiters = [];
		for (const wake of waiters) wake();
	}

	private async changed(): Promise<void> {
		await new Promise<void>((resolve) => this.waiters.push(resolve));
	}

	private get settled(): boolean {
		return this.ended || this.failure !== undefined || this.abandoned;
	}

	private async pump(): Promise<void> {
		try {
			const iterator = this.source[Symbol.asyncIterator]();
			for (;;) {
				if (this.abandoned) return;
				if (this.queued >= READ_AHEAD_BYTES) {
					await this.changed();
					continue;
				}
				const next = await iterator.next();
				if (next.done) break;
				const chunk = toBuffer(next.value);
				this.queue.push(chunk);
				this.queued += chunk.length;
				this.notify();
			}
			this.ended = true;
		} catch (error) {
			this.failure = error instanceof Error ? error : new Error(`connection dropped (${String(error)})`);
		} finally {
			this.done();
			this.notify();
		}
	}

	/** Stops taking bytes in and closes the connection (the reader let go before the end). */
	abandon(): void {
		if (this.settled) return;
		this.abandoned = true;
		this.source.destroy?.();
		this.done();
		this.notify();
	}

	/** The bytes received so far, once there are `bytes` of them or the body has settled. */
	async peek(bytes: number): Promise<Buffer> {
		while (this.queued < bytes && !this.settled) await this.changed();
		return Buffer.concat(this.queue);
	}

	/** Whether the whole body has arrived. */
	get complete(): boolean {
		return this.ended;
	}

	/** The next piece: a Buffer, `null` at the end; throws where the connection broke off. */
	async next(): Promise<Buffer | null> {
		for (;;) {
			const chunk = this.queue.shift();
			if (chunk) {
				this.queued -= chunk.length;
				this.notify();
				return chunk;
			}
			if (this.failure) throw this.failure;
			if (this.ended || this.abandoned) return null;
			await this.changed();
		}
	}

	/** The body for the reader, piece by piece (a break is told once every byte before it was read); `destroy` lets go. */
	reader(): AsyncIterable<Buffer> & { destroy: () => void } {
		return Object.assign(this.chunks(), { destroy: () => this.abandon() });
	}

	private async *chunks(): AsyncGenerator<Buffer> {
		try {
			for (let chunk = await this.next(); chunk; chunk = await this.next()) yield chunk;
		} finally {
			this.abandon();
		}
	}
}

/** Marketo's error envelope, when `text` is one. */
function isEnvelope(text: string): boolean {
	const json = parseJson(text) as { success?: unknown; errors?: unknown } | undefined;
	return !!json && typeof json === 'object' && json.success === false && Array.isArray(json.errors);
}

/** Such a message is short: up to 64 KB of it as text; the rest is let go of (the socket is freed). */
async function messageText(body: ArrivingBody): Promise<string> {
	const text = (await body.peek(ENVELOPE_MAX_BYTES)).toString('utf8');
	body.abandon();
	return text;
}

/** A body handed over whole (bytes): an error status or Marketo's envelope becomes text, a file stays bytes. */
function wholeAnswer(response: HttpResponse): HttpResponse {
	if (!(response.body instanceof Uint8Array)) return response;
	const bytes = toBuffer(response.body);
	const failed = response.statusCode < 200 || response.statusCode >= 300;
	const envelope = !failed && bytes.length <= ENVELOPE_MAX_BYTES && isEnvelope(bytes.toString('utf8'));
	return { ...response, body: failed || envelope ? bytes.toString('utf8') : bytes };
}

/**
 * Settles a streamed answer. An error status, or Marketo's envelope on a 2xx, becomes text (read by the envelope
 * rules: token refresh, retries, errors). Anything else is the file: a stream with every byte, the first ones
 * included. `release` (the concurrency place) is called when the body has arrived, broke off or was let go of.
 */
export async function streamedAnswer(response: HttpResponse, release: () => void): Promise<HttpResponse> {
	const source = bodySource(response.body);
	if (!source) {
		release();
		return wholeAnswer(response);
	}
	const body = new ArrivingBody(source, release);
	let answered = false;
	try {
		const answer = await settle(response, body);
		answered = true;
		return answer;
	} finally {
		if (!answered) body.abandon();
	}
}

async function settle(response: HttpResponse, body: ArrivingBody): Promise<HttpResponse> {
	if (response.statusCode < 200 || response.statusCode >= 300) return { ...response, body: await messageText(body) };
	// a file's first byte is rarely `{`; an envelope is all there within 64 KB
	const start = (await body.peek(1)).toString('utf8').trimStart();
	const head = start === '' && !body.complete ? (await body.peek(ENVELOPE_MAX_BYTES)).toString('utf8').trimStart() : start;
	if (head.startsWith('{')) {
		const text = (await body.peek(ENVELOPE_MAX_BYTES)).toString('utf8');
		if (body.complete && isEnvelope(text)) return { ...response, body: text };
	}
	return { ...response, body: body.reader() };
}
