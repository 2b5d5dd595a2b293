import { randomBytes } from 'crypto';

/**
 * A `multipart/form-data` body (RFC 7578), built by hand: n8n's request helper would need a Node stream or the
 * form-data package for it, and neither may be used by a community node. Lines end in CRLF; the file is copied
 * byte for byte.
 */

export interface MultipartField {
	name: string;
	value: string;
}

export interface MultipartFile {
	name: string;
	fileName: string;
	contentType: string;
	data: Buffer;
}

export interface MultipartBody {
	body: Buffer;
	/** the Content-Type header, boundary included */
	contentType: string;
	boundary: string;
}

/** Quotes and line breaks would end the header value early: they become underscores in names. */
function headerSafe(text: string): string {
	return text.replace(/["\r\n\\]/g, '_');
}

function isFile(part: MultipartField | MultipartFile): part is MultipartFile {
	return (part as MultipartFile).data !== undefined;
}

export function newBoundary(): string {
	return `----n8nMarketoBoundary${randomBytes(12).toString('hex')}`;
}

/**
 * Builds the body. The boundary (random unless given) must not occur in any part; a given one that does is
 * refused, a random one is drawn again.
 */
export function multipartBody(parts: Array<MultipartField | MultipartFile>, boundary?: string): MultipartBody {
	const chosen = boundary ?? newBoundary();
	const marker = Buffer.from(`--${chosen}`);
	const clash = parts.some((p) => (isFile(p) ? p.data.includes(marker) : p.value.includes(`--${chosen}`)));
	if (clash) {
		if (boundary !== undefined) throw new Error('The multipart boundary occurs in the content');
		return multipartBody(parts);
	}
	const chunks: Buffer[] = [];
	for (const part of parts) {
		const disposition = `Content-Disposition: form-data; name="${headerSafe(part.name)}"`;
		if (isFile(part)) {
			chunks.push(
				Buffer.from(
					`--${chosen}\r\n${disposition}; filename="${headerSafe(part.fileName)}"\r\nContent-Type: ${part.contentType}\r\n\r\n`,
					'utf8',
				),
				part.data,
				Buffer.from('\r\n'),
			);
		} else {
			chunks.push(Buffer.from(`--${chosen}\r\n${disposition}\r\n\r\n${part.value}\r\n`, 'utf8'));
		}
	}
	chunks.push(Buffer.from(`--${chosen}--\r\n`));
	return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${chosen}`, boundary: chosen };
}
