/** Bulk API: lead import (multipart upload, status, failures, warnings) and lead export. */
import { statSync } from 'node:fs';
import { type Ctx, RawReply, type Route, isObject, jsonObject } from '../context';
import { parseFormat } from '../csv';
import { HttpError, MarketoError, successBody } from '../envelope';
import type { ExportFilter } from '../bulk/exports';
import { parseMultipart } from '../http';
import { fileContentTypeHeader } from '../options';
import { batchSizeParam, decodePageToken, pageOf } from '../paging';
import { field } from '../store/fields';

// ---- import

function createImport(ctx: Ctx): Record<string, unknown> {
	if (ctx.contentType !== 'multipart/form-data') throw new MarketoError('612', `Invalid Content Type '${ctx.contentType}', expected multipart/form-data`);
	const parts = parseMultipart(ctx.rawBody, ctx.headers['content-type']);
	const formField = (name: string): string | null => {
		const p = parts.find((x) => x.name === name && x.filename === undefined);
		return p ? p.data.toString('utf8') : ctx.query.get(name);
	};
	const format = parseFormat(formField('format'));
	if (!format) throw new MarketoError('1003', `Invalid format '${formField('format') ?? ''}': must be csv, tsv or ssv`);
	const file = parts.find((p) => p.name === 'file');
	if (!file) throw new MarketoError('1003', "Required parameter 'file' not specified");
	const lookupField = formField('lookupField') || 'email';
	const def = field(lookupField);
	if (!def || !def.searchable) throw new MarketoError('1003', `Invalid lookupField '${lookupField}'`);
	let listId: number | undefined;
	const rawList = formField('listId');
	if (rawList) {
		listId = Number(rawList);
		if (!Number.isInteger(listId) || !ctx.state.assets.list(listId)) throw new MarketoError('1013', `Static list '${rawList}' not found`);
	}
	let partitionId: number | undefined;
	const partitionName = formField('partitionName');
	if (partitionName) {
		const p = ctx.state.leads.partitionByName(partitionName);
		if (!p) throw new MarketoError('1003', `Partition '${partitionName}' not found`);
		partitionId = p.id;
	}
	const text = file.data.toString('utf8');
	ctx.recordCount = Math.max(0, text.split(/\r?\n/).filter((l) => l.trim()).length - 1);
	const job = ctx.state.imports.create({ clientId: ctx.user.clientId, format, text, lookupField, listId, partitionId });
	return successBody([{ batchId: job.batchId, importId: String(job.batchId), status: job.status }]);
}

function importJob(ctx: Ctx) {
	const id = Number(ctx.params.batchId);
	const job = Number.isInteger(id) ? ctx.state.imports.get(id) : undefined;
	if (!job) throw new MarketoError('1003', `Batch '${ctx.params.batchId}' not found`);
	return job;
}

function importFile(kind: 'failures' | 'warnings') {
	return (ctx: Ctx): RawReply => {
		const job = importJob(ctx);
		const text = ctx.state.imports.file(job, kind);
		return new RawReply(200, { 'Content-Type': fileContentTypeHeader(ctx.state.options, 'text/plain;charset=UTF-8') }, text);
	};
}

// ---- export

const FILTERS = ['createdAt', 'updatedAt', 'staticListId', 'staticListName', 'smartListId', 'smartListName'];

function dateRange(ctx: Ctx, name: string, raw: unknown): ExportFilter {
	if (!isObject(raw)) throw new MarketoError('1003', `Filter '${name}' needs startAt and endAt`);
	const startMs = Date.parse(String(raw.startAt ?? ''));
	const endMs = Date.parse(String(raw.endAt ?? ''));
	if (Number.isNaN(startMs) || Number.isNaN(endMs)) throw new MarketoError('1003', `Filter '${name}' needs valid ISO-8601 startAt and endAt`);
	if (endMs < startMs) throw new MarketoError('1003', `Filter '${name}': endAt is before startAt`);
	const maxDays = ctx.state.options.limits.exportMaxRangeDays;
	const span = endMs - startMs;
	const limit = maxDays * 86400000;
	if (span > limit) throw new MarketoError('1003', `Date range of filter '${name}' exceeds ${maxDays} days`);
	if (ctx.state.options.strictWindow && span === limit) {
		throw new MarketoError('1003', `Date range of filter '${name}' must be less than ${maxDays} days`);
	}
	return { kind: name as 'createdAt' | 'updatedAt', startMs, endMs };
}

function exportFilter(ctx: Ctx, raw: unknown): ExportFilter {
	if (!isObject(raw)) throw new MarketoError('1003', "Required field 'filter' not specified");
	const keys = Object.keys(raw).filter((k) => raw[k] !== undefined && raw[k] !== null);
	if (keys.length !== 1) throw new MarketoError('1003', `Exactly one filter type is allowed, got ${keys.length}`);
	const name = keys[0];
	if (!FILTERS.includes(name)) throw new MarketoError('1003', `Invalid filter type '${name}'`);
	if (ctx.state.options.unsupportedExportFilters.includes(name)) throw new MarketoError('1035', `Unsupported filter type for target subscription: ${name}`);
	const value = raw[name];
	if (name === 'createdAt' || name === 'updatedAt') return dateRange(ctx, name, value);
	if (name === 'smartListId' || name === 'smartListName') throw new MarketoError('1003', `Smart list '${String(value)}' not found`);
	const assets = ctx.state.assets;
	const list = name === 'staticListId' ? assets.list(Number(value)) : assets.listByName(String(value));
	if (!list) throw new MarketoError('1003', `Static list '${String(value)}' not found`);
	return { kind: 'staticList', listId: list.id };
}

function createExport(ctx: Ctx): Record<string, unknown> {
	const body = jsonObject(ctx);
	const fields = body.fields;
	if (!Array.isArray(fields) || !fields.length) throw new MarketoError('1003', "Required field 'fields' not specified");
	for (const f of fields) if (typeof f !== 'string' || !field(f)) throw new MarketoError('1006', `Field '${String(f)}' not found`);
	const format = parseFormat(body.format as string | undefined, 'CSV');
	if (!format) throw new MarketoError('1003', `Invalid format '${String(body.format)}': must be CSV, TSV or SSV`);
	const filter = exportFilter(ctx, body.filter);
	const names = isObject(body.columnHeaderNames) ? body.columnHeaderNames : {};
	const headers = (fields as string[]).map((f) => (typeof names[f] === 'string' ? (names[f] as string) : f));
	const job = ctx.state.exports.create({ clientId: ctx.user.clientId, format, fields: fields as string[], headers, filter });
	return successBody([ctx.state.exports.json(job)]);
}

function exportJob(ctx: Ctx) {
	return ctx.state.exports.get(ctx.params.exportId, ctx.user.clientId);
}

function enqueueExport(ctx: Ctx): Record<string, unknown> {
	const job = exportJob(ctx);
	ctx.state.exports.enqueue(job);
	return successBody([ctx.state.exports.json(job)]);
}

function cancelExport(ctx: Ctx): Record<string, unknown> {
	const job = exportJob(ctx);
	ctx.state.exports.cancel(job);
	return successBody([ctx.state.exports.json(job, true)]);
}

const STATUS_NAMES: Record<string, string> = {
	created: 'Created',
	queued: 'Queued',
	processing: 'Processing',
	cancelled: 'Canceled',
	canceled: 'Canceled',
	completed: 'Completed',
	failed: 'Failed',
};

function listExports(ctx: Ctx): Record<string, unknown> {
	// comma-separated as Marketo's pages show it, or repeated as the Swagger's collectionFormat multi has it
	const wanted = ctx.query
		.getAll('status')
		.flatMap((v) => v.split(','))
		.map((s) => s.trim())
		.filter(Boolean)
		.map((s) => {
			const st = STATUS_NAMES[s.toLowerCase()];
			if (!st) throw new MarketoError('1003', `Invalid status '${s}'`);
			return st;
		});
	const size = batchSizeParam(ctx.query.get('batchSize'), ctx.state.options.limits.maxBatch);
	const token = ctx.query.get('nextPageToken');
	const after = token ? Number(decodePageToken(token, 'exports')) : 0;
	const exp = ctx.state.exports;
	const jobs = exp.list(ctx.user.clientId).filter((j) => j.seq > after && (!wanted.length || wanted.includes(j.status)));
	const bySeq = new Map(jobs.map((j) => [j.seq, j]));
	const { page, nextPageToken } = pageOf(jobs.slice(0, size + 1).map((j) => j.seq), size, 'exports');
	return successBody(page.map((s) => exp.json(bySeq.get(s)!)), { nextPageToken });
}

/** Parses `Range: bytes=a-b` (also `a-` and `-n`); undefined when absent, 'bad' when unsatisfiable. */
export function parseRange(header: string | undefined, total: number): { start: number; end: number } | 'bad' | undefined {
	if (!header) return undefined;
	const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
	if (!m || (m[1] === '' && m[2] === '')) return 'bad';
	let start: number;
	let end: number;
	if (m[1] === '') {
		start = Math.max(0, total - Number(m[2]));
		end = total - 1;
	} else {
		start = Number(m[1]);
		end = m[2] === '' ? total - 1 : Math.min(Number(m[2]), total - 1);
	}
	if (start > end || start >= total) return 'bad';
	return { start, end };
}

function exportFile(ctx: Ctx): RawReply {
	const job = exportJob(ctx);
	const path = ctx.state.exports.filePath(job);
	if (!path) throw new HttpError(404, `Export file for job '${job.exportId}' is not available (status ${job.status})`);
	const total = statSync(path).size;
	const type = fileContentTypeHeader(ctx.state.options, job.format === 'CSV' ? 'text/csv;charset=UTF-8' : 'text/plain;charset=UTF-8');
	const range = parseRange(ctx.headers.range, total);
	if (range === 'bad') {
		return new RawReply(416, { 'Content-Type': 'text/plain', 'Content-Range': `bytes */${total}` }, 'Requested Range Not Satisfiable');
	}
	if (!range) {
		return new RawReply(200, { 'Content-Type': type, 'Content-Length': total, 'Accept-Ranges': 'bytes' }, total ? ctx.state.exports.openFile(path, 0, total - 1) : '');
	}
	const { start, end } = range;
	return new RawReply(
		206,
		{ 'Content-Type': type, 'Content-Length': end - start + 1, 'Content-Range': `bytes ${start}-${end}/${total}`, 'Accept-Ranges': 'bytes' },
		ctx.state.exports.openFile(path, start, end),
	);
}

const B = '/bulk/v1/leads';
const EXPORT_ID = '(?<exportId>[^/]+)';

export const bulkRoutes: Route[] = [
	{ method: 'POST', path: new RegExp(`^${B}\\.json$`), need: 'writeLead', bodyLimit: 'import', handle: createImport },
	{ method: 'GET', path: /^\/bulk\/v1\/leads\/batch\/(?<batchId>[^/]+)\.json$/, need: 'readLead', handle: (ctx) => successBody([ctx.state.imports.json(importJob(ctx))]) },
	{ method: 'GET', path: /^\/bulk\/v1\/leads\/batch\/(?<batchId>[^/]+)\/failures\.json$/, need: 'readLead', handle: importFile('failures') },
	{ method: 'GET', path: /^\/bulk\/v1\/leads\/batch\/(?<batchId>[^/]+)\/warnings\.json$/, need: 'readLead', handle: importFile('warnings') },
	{ method: 'GET', path: new RegExp(`^${B}/export\\.json$`), need: 'readLead', handle: listExports },
	{ method: 'POST', path: new RegExp(`^${B}/export/create\\.json$`), need: 'readLead', handle: createExport },
	{ method: 'POST', path: new RegExp(`^${B}/export/${EXPORT_ID}/enqueue\\.json$`), need: 'readLead', handle: enqueueExport },
	{ method: 'POST', path: new RegExp(`^${B}/export/${EXPORT_ID}/cancel\\.json$`), need: 'readLead', handle: cancelExport },
	{ method: 'GET', path: new RegExp(`^${B}/export/${EXPORT_ID}/status\\.json$`), need: 'readLead', handle: (ctx) => successBody([ctx.state.exports.json(exportJob(ctx))]) },
	{ method: 'GET', path: new RegExp(`^${B}/export/${EXPORT_ID}/file\\.json$`), need: 'readLead', handle: exportFile },
];
