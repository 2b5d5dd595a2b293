import { multipartBody } from '../../../nodes/Marketo/actions/shared/multipart';
import { parseMultipart } from '../../../sandbox/http';

describe('multipart/form-data body', () => {
	const file = Buffer.from('email,firstName\r\na@x.com,Zoë\r\n', 'utf8');

	it('has the boundary lines, the file part named "file" with filename and content type, CRLF line ends', () => {
		const { body, contentType, boundary } = multipartBody([{ name: 'file', fileName: 'leads.csv', contentType: 'text/csv', data: file }], 'XyZ');
		expect(boundary).toBe('XyZ');
		expect(contentType).toBe('multipart/form-data; boundary=XyZ');
		expect(body.toString('utf8')).toBe(
			'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="leads.csv"\r\nContent-Type: text/csv\r\n\r\n' +
				'email,firstName\r\na@x.com,Zoë\r\n' +
				'\r\n--XyZ--\r\n',
		);
	});

	it('is read back byte for byte by a multipart parser, fields and file', () => {
		const binary = Buffer.from([0, 1, 2, 0x0d, 0x0a, 0x2d, 0x2d, 255]);
		const { body, contentType } = multipartBody([
			{ name: 'format', value: 'csv' },
			{ name: 'file', fileName: 'leads.csv', contentType: 'text/csv', data: file },
			{ name: 'other', fileName: 'x.bin', contentType: 'application/octet-stream', data: binary },
		]);
		const parts = parseMultipart(body, contentType);
		expect(parts.map((p) => [p.name, p.filename, p.contentType])).toEqual([
			['format', undefined, undefined],
			['file', 'leads.csv', 'text/csv'],
			['other', 'x.bin', 'application/octet-stream'],
		]);
		expect(parts[0].data.toString()).toBe('csv');
		expect(parts[1].data.equals(file)).toBe(true);
		expect(parts[2].data.equals(binary)).toBe(true);
	});

	it('draws a random boundary that is not in the file, and refuses a given one that is', () => {
		const a = multipartBody([{ name: 'file', fileName: 'f.csv', contentType: 'text/csv', data: file }]);
		const b = multipartBody([{ name: 'file', fileName: 'f.csv', contentType: 'text/csv', data: file }]);
		expect(a.boundary).not.toBe(b.boundary);
		expect(a.boundary.length).toBeGreaterThan(20);
		const clash = Buffer.from('a\r\n--BOUND\r\n');
		expect(() => multipartBody([{ name: 'file', fileName: 'f.csv', contentType: 'text/csv', data: clash }], 'BOUND')).toThrow(/boundary/);
	});

	it('keeps quotes and line breaks of a file name out of the header', () => {
		const { body } = multipartBody([{ name: 'file', fileName: 'my "best"\r\nleads.csv', contentType: 'text/csv', data: file }], 'B');
		expect(body.toString()).toContain('filename="my _best___leads.csv"');
	});
});
