/** nextPageToken: Marketo hands out opaque base32 strings; the sandbox's encode a scope and the last id sent. */
import { MarketoError } from './envelope';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32(buf: Buffer): string {
	let bits = 0;
	let value = 0;
	let out = '';
	for (const byte of buf) {
		value = (value << 8) | byte;
		bits += 8;
		while (bits >= 5) {
			out += ALPHABET[(value >>> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
	while (out.length % 8) out += '=';
	return out;
}

export function unbase32(s: string): Buffer {
	const clean = s.replace(/=+$/, '');
	let bits = 0;
	let value = 0;
	const bytes: number[] = [];
	for (const ch of clean) {
		const v = ALPHABET.indexOf(ch);
		if (v < 0) throw new Error('bad base32');
		value = (value << 5) | v;
		bits += 5;
		if (bits >= 8) {
			bytes.push((value >>> (bits - 8)) & 255);
			bits -= 8;
		}
	}
	return Buffer.from(bytes);
}

/** A token for "continue after `position` in `scope`". */
export function encodePageToken(scope: string, position: number | string): string {
	return base32(Buffer.from(`sbx|${scope}|${position}`, 'utf8'));
}

/** The position a token carries; 1003 when the token is not one of this scope's. */
export function decodePageToken(token: string, scope: string): string {
	let text = '';
	try {
		text = unbase32(token.trim()).toString('utf8');
	} catch {
		/* falls through to the error below */
	}
	const parts = text.split('|');
	if (parts.length !== 3 || parts[0] !== 'sbx' || parts[1] !== scope) {
		throw new MarketoError('1003', `Invalid next page token '${token}'`);
	}
	return parts[2];
}

/** batchSize: default and maximum `max` (300); anything else is 1003. */
export function batchSizeParam(raw: string | null, max: number): number {
	if (raw === null || raw === '') return max;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < 1 || n > max) {
		throw new MarketoError('1003', `Invalid batchSize '${raw}', must be between 1 and ${max}`);
	}
	return n;
}

/** Keyset paging over ascending ids: `ids` are the candidates after the token's id, already capped at size+1. */
export function pageOf(ids: number[], size: number, scope: string): { page: number[]; nextPageToken?: string } {
	if (ids.length <= size) return { page: ids };
	const page = ids.slice(0, size);
	return { page, nextPageToken: encodePageToken(scope, page[page.length - 1]) };
}
