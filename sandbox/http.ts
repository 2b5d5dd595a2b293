/** Request plumbing: bounded body reading, form and multipart parsing. */
import type { IncomingMessage } from 'node:http';
import { HttpError, MarketoError } from './envelope';

/** Reads the body; more than `limit` bytes is HTTP 413 (Marketo: 1 MB, 10 MB for import). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const declared = Number(req.headers['content-length'] ?? 0);
		if (declared > limit) {
			req.resume();
			reject(new HttpError(413, 'Request Entity Too Large'));
			return;
		}
		const chunks: Buffer[] = [];
		let size = 0;
		let failed = false;
		req.on('data', (c: Buffer) => {
			if (failed) return;
			size += c.length;
			if (size > limit) {
				failed = true;
				reject(new HttpError(413, 'Request Entity Too Large'));
				return;
			}
			chunks.push(c);
		});
		req.on('end', () => {
			if (!failed) resolve(Buffer.concat(chunks));
		});
		req.on('error', (e) => {
			if (!failed) reject(e);
		});
	});
}

export function mediaType(contentType: string | undefined): string {
	return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export function parseJsonBody(raw: Buffer): unknown {
	if (!raw.length) return undefined;
	try {
		return JSON.parse(raw.toString('utf8'));
	} catch {
		throw new MarketoError('609');
	}
}

export interface MultipartPart {
	name: string;
	filename?: string;
	contentType?: string;
	data: Buffer;
}

/** A multipart/form-data body split into its parts; malformed bodies are 613. */
export function parseMultipart(raw: Buffer, contentType: string | undefined): MultipartPart[] {
	const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
	if (!m) throw new MarketoError('613', 'Invalid multipart request: no boundary');
	const boundary = Buffer.from(`--${(m[1] ?? m[2]).trim()}`);
	const parts: MultipartPart[] = [];
	let pos = raw.indexOf(boundary);
	if (pos < 0) throw new MarketoError('613', 'Invalid multipart request: boundary not found');
	for (;;) {
		pos += boundary.length;
		if (raw.slice(pos, pos + 2).toString() === '--') break;
		if (raw.slice(pos, pos + 2).toString() === '\r\n') pos += 2;
		const headerEnd = raw.indexOf('\r\n\r\n', pos);
		if (headerEnd < 0) throw new MarketoError('613', 'Invalid multipart request: part without headers');
		const headers = raw.slice(pos, headerEnd).toString('utf8');
		const next = raw.indexOf(boundary, headerEnd + 4);
		if (next < 0) throw new MarketoError('613', 'Invalid multipart request: unterminated part');
		let dataEnd = next;
		if (raw[dataEnd - 2] === 13 && raw[dataEnd - 1] === 10) dataEnd -= 2;
		const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
		const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
		if (name === undefined) throw new MarketoError('613', 'Invalid multipart request: part without a name');
		const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
		const partType = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1];
		parts.push({ name, filename, contentType: partType, data: raw.slice(headerEnd + 4, dataEnd) });
		pos = next;
	}
	return parts;
}
