import { InputError, isoDateTime, parseId, requireText } from '../shared/values';

/**
 * The lead selection of an export job, as Marketo takes it: exactly one of `createdAt` / `updatedAt` (a window of at
 * most 31 days), `staticListId` / `staticListName`, `smartListId` / `smartListName`.
 */
export interface DateWindow {
	/** ISO 8601 without milliseconds, as Marketo asks */
	startAt: string;
	endAt: string;
}

export type ExportFilter =
	| { createdAt: DateWindow }
	| { updatedAt: DateWindow }
	| { staticListId: number }
	| { staticListName: string }
	| { smartListId: number }
	| { smartListName: string };

export const FILTER_NAMES = ['createdAt', 'updatedAt', 'staticListId', 'staticListName', 'smartListId', 'smartListName'] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

/** Marketo refuses date filters spanning more than 31 days. */
export const MAX_WINDOW_DAYS = 31;
const DAY_MS = 86_400_000;

export function filterName(filter: ExportFilter): FilterName {
	return Object.keys(filter)[0] as FilterName;
}

export function dateWindowOf(filter: ExportFilter): DateWindow | undefined {
	if ('createdAt' in filter) return filter.createdAt;
	if ('updatedAt' in filter) return filter.updatedAt;
	return undefined;
}

/** A short text for the output and for messages: `createdAt 2024-01-01T00:00:00Z..2024-01-31T00:00:00Z`. */
export function describeFilter(filter: ExportFilter): string {
	const name = filterName(filter);
	const window = dateWindowOf(filter);
	return window ? `${name} ${window.startAt}..${window.endAt}` : `${name} ${String(Object.values(filter)[0])}`;
}

const LABELS: Record<'createdAt' | 'updatedAt', string> = { createdAt: 'Created', updatedAt: 'Updated' };

/**
 * A date window from the node's Start and End (End empty: now). Both must be dates and Start not after End.
 * `field` names the filter in messages.
 */
export function dateWindow(startValue: unknown, endValue: unknown, name: 'createdAt' | 'updatedAt', now: Date): DateWindow {
	const label = LABELS[name];
	const startAt = isoDateTime(startValue, `${label} After`);
	if (!startAt) throw new InputError(`'${label} After' is empty: give the start of the window`);
	const endAt = isoDateTime(endValue, `${label} Before`) ?? isoDateTime(now.toISOString(), 'now')!;
	if (Date.parse(startAt) > Date.parse(endAt)) {
		throw new InputError(`'${label} After' (${startAt}) is later than '${label} Before' (${endAt})`);
	}
	return { startAt, endAt };
}

function windowFromJson(value: unknown, name: 'createdAt' | 'updatedAt', now: Date): DateWindow {
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		throw new InputError(`Filter '${name}' needs an object {"startAt": ..., "endAt": ...}`);
	}
	const { startAt, endAt } = value as Record<string, unknown>;
	return dateWindow(startAt, endAt, name, now);
}

function parseJson(text: string): unknown {
	let parsed: unknown;
	let valid = true;
	try {
		parsed = JSON.parse(text);
	} catch {
		valid = false;
	}
	if (!valid) throw new InputError(`'Filter (JSON)' is not valid JSON: ${text.slice(0, 60)}`);
	return parsed;
}

/**
 * Checks a filter object given as JSON (the Custom JSON filter, or an expression): exactly one known filter,
 * valid dates in order, a positive list id, a non-empty list name.
 */
export function filterFromJson(raw: unknown, now: Date): ExportFilter {
	const value = typeof raw === 'string' ? parseJson(raw) : raw;
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		throw new InputError(`'Filter (JSON)' must be an object such as {"staticListId": 1021}`);
	}
	const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null && v !== '');
	if (entries.length === 0) throw new InputError(`'Filter (JSON)' holds no filter: give one of ${FILTER_NAMES.join(', ')}`);
	if (entries.length > 1) {
		throw new InputError(
			`Marketo takes one filter per export job; 'Filter (JSON)' holds ${entries.length}: ${entries.map(([k]) => k).join(', ')}. Keep one (export several times, or use a static list, to combine them).`,
		);
	}
	const [name, v] = entries[0];
	switch (name) {
		case 'createdAt':
		case 'updatedAt':
			return { [name]: windowFromJson(v, name, now) } as ExportFilter;
		case 'staticListId':
			return { staticListId: parseId(v, 'staticListId') };
		case 'smartListId':
			return { smartListId: parseId(v, 'smartListId') };
		case 'staticListName':
			return { staticListName: requireText(v, 'staticListName') };
		case 'smartListName':
			return { smartListName: requireText(v, 'smartListName') };
		default:
			throw new InputError(`Unknown export filter '${name}': use one of ${FILTER_NAMES.join(', ')}`);
	}
}

/**
 * Longest piece Export Leads cuts a long window into. Marketo's documentation says "31 days or fewer" without
 * saying whether exactly 31 days passes, so the pieces stay a day under it.
 */
export const PIECE_DAYS = 30;

/**
 * Splits a window into consecutive pieces of at most `maxDays` days that share their boundary instants: piece k
 * ends exactly where piece k+1 starts. Marketo does not document whether `endAt` is inclusive, and lead times can
 * carry fractions of a second, so a gap of even one second could lose leads; with shared boundaries none is lost
 * under either reading. Under the inclusive reading a lead exactly on a boundary comes in both pieces: the joined
 * result drops the second copy by lead id (see boundary.ts).
 */
export function splitWindow(window: DateWindow, maxDays = PIECE_DAYS): DateWindow[] {
	const start = Date.parse(window.startAt);
	const end = Date.parse(window.endAt);
	const span = maxDays * DAY_MS;
	const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
	const windows: DateWindow[] = [];
	for (let from = start; ; from += span) {
		const to = Math.min(from + span, end);
		windows.push({ startAt: iso(from), endAt: iso(to) });
		if (to >= end) break;
	}
	return windows;
}

/** Whether a date window is longer than `maxDays` days. */
export function isTooLong(window: DateWindow, maxDays = MAX_WINDOW_DAYS): boolean {
	return Date.parse(window.endAt) - Date.parse(window.startAt) > maxDays * DAY_MS;
}

/**
 * The filters of the jobs one export needs: the filter itself, or, for a date window longer than 30 days, one
 * filter per piece (see splitWindow) when `split` is allowed. Without `split` (one job) only windows over Marketo's
 * 31 days are refused, with a message saying what to do.
 */
export function jobFilters(filter: ExportFilter, split: boolean): ExportFilter[] {
	const window = dateWindowOf(filter);
	if (!window || !isTooLong(window, split ? PIECE_DAYS : MAX_WINDOW_DAYS)) return [filter];
	const name = filterName(filter) as 'createdAt' | 'updatedAt';
	if (!split) {
		throw new InputError(
			`The ${name} window ${window.startAt}..${window.endAt} is longer than the ${MAX_WINDOW_DAYS} days Marketo allows in one job. Use the Export Leads operation, which splits it into several jobs, or shorten the window.`,
		);
	}
	return splitWindow(window).map((w) => ({ [name]: w }) as ExportFilter);
}
