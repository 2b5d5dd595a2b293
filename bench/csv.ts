/**
 * CSV speed, both ways. Writing, as Bulk Import does it: rows per second and MB per second for writing input items
 * as CSV (RFC 4180 quoting, cut into parts under Marketo's 10 MB), for splitting an input file into parts on row
 * boundaries, and for building the multipart body of one part. Parsing, as Bulk Export's items output does it:
 * the file fed in 64 KB chunks (as a download arrives) to the streaming reader that turns rows into lead objects,
 * Marketo's `null` into empty. Prints figures; asserts nothing about time.
 *
 *   npx tsx bench/csv.ts            (BENCH_ROWS=200000 by default, BENCH_REPEAT=3)
 */
import { performance } from 'node:perf_hooks';

import { cellText, MAX_FILE_BYTES, splitFile, writeParts } from '../nodes/Marketo/actions/bulkImport/importFile';
import { LeadRowReader } from '../nodes/Marketo/actions/bulkExport/download';
import { multipartBody } from '../nodes/Marketo/actions/shared/multipart';

function envInt(name: string, fallback: number): number {
	const n = Number(process.env[name] ?? fallback);
	if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number`);
	return n;
}

const ROWS = envInt('BENCH_ROWS', 200_000);
const REPEAT = envInt('BENCH_REPEAT', 3);

const HEADER = ['email', 'firstName', 'lastName', 'company', 'title', 'city', 'leadScore', 'address'];

/** Items like a CRM export: mostly plain, every 10th with a comma, every 25th with quotes and a line break, some non-ASCII. */
function makeItems(count: number): Array<Record<string, unknown>> {
	return Array.from({ length: count }, (_, i) => ({
		email: `lead${i}@example.com`,
		firstName: i % 7 === 0 ? 'Zoë' : 'Ann',
		lastName: `Lead ${i}`,
		company: i % 10 === 0 ? `Smith, Jones & Co ${i}` : `Company ${i % 500}`,
		title: i % 25 === 0 ? 'Head of "Growth"\nEMEA' : 'Manager',
		city: i % 3 === 0 ? 'Łódź' : 'Berlin',
		leadScore: i % 100,
		address: i % 2 === 0 ? null : `${i} Main Street`,
	}));
}

interface Figure {
	what: string;
	rows: number;
	bytes: number;
	ms: number;
}

function best(what: string, rows: number, run: () => number): Figure {
	let ms = Infinity;
	let bytes = 0;
	for (let r = 0; r < REPEAT; r++) {
		const started = performance.now();
		bytes = run();
		ms = Math.min(ms, performance.now() - started);
	}
	return { what, rows, bytes, ms };
}

function main(): void {
	const items = makeItems(ROWS);
	const figures: Figure[] = [];

	// items -> cells -> parts: what Import Leads does with input items
	let parts = writeParts(HEADER, [], 'csv');
	figures.push(
		best('items to CSV parts (cells + RFC 4180 + split)', ROWS, () => {
			const rows = items.map((item) => HEADER.map((name) => cellText(item[name])));
			parts = writeParts(HEADER, rows, 'csv');
			return parts.reduce((n, p) => n + p.body.length, 0);
		}),
	);
	const file = Buffer.concat([parts[0].body, ...parts.slice(1).map((p) => p.body.subarray(p.body.indexOf(0x0a) + 1))]);

	// a file in a binary property -> parts on row boundaries
	let split = splitFile(file, ',');
	figures.push(
		best('CSV file split into parts on row boundaries', ROWS, () => {
			split = splitFile(file, ',');
			return file.length;
		}),
	);

	// one part -> multipart body
	const part = split.parts[0];
	figures.push(
		best('multipart body of one part', part.rowCount, () => multipartBody([{ name: 'file', fileName: 'leads.csv', contentType: 'text/csv', data: part.body }]).body.length),
	);

	// the file as an export download -> lead objects: what Bulk Export's Items output does, chunk by chunk
	const CHUNK = 64 * 1024;
	let leads = 0;
	figures.push(
		best('CSV download parsed into lead items (64 KB chunks)', ROWS, () => {
			const reader = new LeadRowReader(',');
			for (let at = 0; at < file.length; at += CHUNK) reader.push(file.subarray(at, at + CHUNK));
			leads = reader.end().length;
			return file.length;
		}),
	);
	if (leads !== ROWS) throw new Error(`parsed ${leads} leads from a file of ${ROWS} rows`);

	console.log(`# CSV writing (Bulk Import) and parsing (Bulk Export items) (${ROWS} rows, best of ${REPEAT}, node ${process.version})\n`);
	console.log(`File: ${(file.length / 1e6).toFixed(1)} MB in ${parts.length} part(s) under ${(MAX_FILE_BYTES / 1e6).toFixed(2)} MB each\n`);
	console.log('| step | rows | MB | ms | rows/s | MB/s |');
	console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
	for (const f of figures) {
		const seconds = f.ms / 1000;
		console.log(
			`| ${f.what} | ${f.rows} | ${(f.bytes / 1e6).toFixed(1)} | ${f.ms.toFixed(0)} | ${Math.round(f.rows / seconds).toLocaleString('en-US')} | ${(f.bytes / 1e6 / seconds).toFixed(0)} |`,
		);
	}
}

main();
