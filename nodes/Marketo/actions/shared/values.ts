/**
 * Checks of user input that need no API call. Each error names the field (its label in the node) and says what
 * was wrong, so the user knows what to fix.
 */
export class InputError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'InputError';
	}
}

function describeValue(value: unknown): string {
	if (value === undefined || value === null || value === '') return 'empty';
	const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
	return `"${text.length > 60 ? `${text.slice(0, 57)}...` : text}"`;
}

/** One Marketo id (a positive whole number), from a number or a numeric string. */
export function parseId(value: unknown, field: string): number {
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (!/^\d+$/.test(text) || Number(text) <= 0 || !Number.isSafeInteger(Number(text))) {
		throw new InputError(`'${field}' must be a Marketo ID (a positive whole number); got ${describeValue(value)}`);
	}
	return Number(text);
}

/** Ids from one item: a number, a numeric string, a comma-separated list, or an array of those. */
export function parseIdList(value: unknown, field: string): number[] {
	const parts: unknown[] = Array.isArray(value)
		? value
		: typeof value === 'string'
			? value.split(/[,;\s]+/).filter((p) => p !== '')
			: [value];
	if (parts.length === 0) throw new InputError(`'${field}' is empty: give at least one Marketo ID`);
	return parts.map((p) => parseId(p, field));
}

/** A required text value. */
export function requireText(value: unknown, field: string): string {
	const text = value === undefined || value === null ? '' : String(value).trim();
	if (!text) throw new InputError(`'${field}' is empty`);
	return text;
}

/** Comma-separated text or an array, as a list of non-empty strings. */
export function parseTextList(value: unknown, field: string): string[] {
	const parts = Array.isArray(value) ? value.map(String) : String(value ?? '').split(',');
	const list = parts.map((p) => p.trim()).filter((p) => p !== '');
	if (list.length === 0) throw new InputError(`'${field}' is empty: give at least one value`);
	return list;
}

/** Date/time as Marketo's asset API wants it: ISO 8601 without milliseconds. */
export function isoDateTime(value: unknown, field: string): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const date = new Date(String(value));
	if (Number.isNaN(date.getTime())) throw new InputError(`'${field}' is not a date: ${describeValue(value)}`);
	return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
