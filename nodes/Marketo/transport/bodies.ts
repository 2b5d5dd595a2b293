import { createHash } from 'crypto';

/**
 * The shapes an HTTP body can come in from n8n's request helper, turned into one: an async iterable of Buffers
 * that can be let go of (`destroy`). n8n's helper has handed over a Node Readable (axios, responseType 'stream')
 * in every release tested; a web ReadableStream (fetch, undici) and a whole Buffer or string are taken as well, so
 * that a change in n8n's HTTP stack costs streaming at worst, never the file.
 *
 * Node's stream classes are reached without importing Node's `stream` module (n8n's rules for community nodes):
 * a SHA-256 hash from `crypto` is a Transform stream, so Readable is among its prototypes in every Node release.
 */

export type Chunk = Buffer | string | Uint8Array;

/** A body that arrives piece by piece; `destroy` closes the connection (the reader let go before the end). */
export type BodySource = AsyncIterable<Chunk> & { destroy?: (error?: Error) => void };

/** The part of Node's Readable this package uses. */
export interface ReadableLike {
	readonly readableLength: number;
	push(chunk: Buffer | null): boolean;
	destroy(error?: Error): void;
}

export type ReadableClass = (new (options: {
	read: () => void;
	destroy: (error: Error | null, callback: (error?: Error | null) => void) => void;
}) => ReadableLike) & { from(iterable: AsyncIterable<Buffer>, options?: { objectMode?: boolean }): unknown };

/** The class named Readable among the prototypes of `like`, if any. */
export function readableClassOf(like: unknown): ReadableClass | undefined {
	let proto: unknown = like && typeof like === 'object' ? Object.getPrototypeOf(like) : undefined;
	while (proto) {
		const ctor = (proto as { constructor?: { name?: string; from?: unknown } }).constructor;
		if (ctor?.name === 'Readable' && typeof ctor.from === 'function') return ctor as unknown as ReadableClass;
		proto = Object.getPrototypeOf(proto);
	}
	return undefined;
}

let nodeReadable: ReadableClass | undefined;

/** Node's Readable class (the type n8n's binary store takes as a stream), whatever the HTTP body was. */
export function readableClass(): ReadableClass {
	nodeReadable ??= readableClassOf(createHash('sha256'));
	if (!nodeReadable) throw new Error('Node.js stream classes are not reachable in this runtime');
	return nodeReadable;
}

export function toBuffer(chunk: Chunk): Buffer {
	return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
}

interface WebReader {
	read(): Promise<{ done: boolean; value?: Chunk }>;
	cancel(reason?: unknown): Promise<void>;
	releaseLock(): void;
}

function isWebStream(body: unknown): body is { getReader(): WebReader } {
	return !!body && typeof body === 'object' && typeof (body as { getReader?: unknown }).getReader === 'function';
}

function isAsyncIterable(body: unknown): body is BodySource {
	return !!body && typeof body === 'object' && typeof (body as BodySource)[Symbol.asyncIterator] === 'function';
}

/** A web ReadableStream read through its reader (not every runtime makes one async-iterable); cancel closes it. */
function webSource(stream: { getReader(): WebReader }): BodySource {
	const reader = stream.getReader();
	let finished = false;
	const finish = (reason?: unknown): void => {
		if (finished) return;
		finished = true;
		void reader.cancel(reason).catch(() => undefined);
	};
	async function* pieces(): AsyncGenerator<Chunk> {
		try {
			for (;;) {
				const { done, value } = await reader.read();
				if (done) {
					finished = true;
					return;
				}
				if (value !== undefined) yield value;
			}
		} finally {
			finish();
		}
	}
	return Object.assign(pieces(), { destroy: (error?: Error) => finish(error) });
}

/**
 * The body as a source of pieces: a Node Readable or other async iterable as it is, a web ReadableStream through
 * its reader. Undefined for a body that is already whole (Buffer, string) or absent.
 */
export function bodySource(body: unknown): BodySource | undefined {
	if (body === undefined || body === null || typeof body === 'string' || Buffer.isBuffer(body) || body instanceof Uint8Array) return undefined;
	// a web ReadableStream may be async-iterable too, but only its reader can be cancelled (closing the connection)
	if (isWebStream(body)) return webSource(body);
	if (isAsyncIterable(body)) return body;
	return undefined;
}
