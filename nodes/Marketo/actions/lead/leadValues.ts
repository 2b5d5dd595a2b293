import type { LeadField } from '../shared/marketoData';
import { InputError } from '../shared/values';

/** A value as Marketo's sync takes it. */
export type LeadValue = string | number | boolean | null;

function shown(value: unknown): string {
	const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
	return `"${text.length > 60 ? `${text.slice(0, 57)}...` : text}"`;
}

function fieldLabel(field: LeadField): string {
	return field.displayName && field.displayName !== field.name ? `'${field.displayName}' (${field.name})` : `'${field.name}'`;
}

/**
 * n8n hands a mapped date over as a Luxon DateTime (its resource mapper converts values of date columns); the
 * package cannot import Luxon, so the object is recognised by its methods.
 */
interface DateTimeLike {
	toMillis(): number;
	toISODate(): string | null;
	isValid?: boolean;
}

function isDateTimeLike(value: unknown): value is DateTimeLike {
	return typeof value === 'object' && value !== null && typeof (value as DateTimeLike).toMillis === 'function' && typeof (value as DateTimeLike).toISODate === 'function';
}

function utcSeconds(millis: number): string {
	return new Date(millis).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Milliseconds of a date/time value, or NaN. Bare numbers are refused: seconds or milliseconds is a guess. */
function millisOf(value: unknown): number {
	if (isDateTimeLike(value)) return value.isValid === false ? Number.NaN : value.toMillis();
	if (value instanceof Date) return value.getTime();
	if (typeof value !== 'string') return Number.NaN;
	return Date.parse(value.trim());
}

/** A date field: YYYY-MM-DD, the calendar date as written (a DateTime's own date, not shifted to UTC). */
function dateValue(value: unknown): string | undefined {
	if (isDateTimeLike(value)) return (value.isValid !== false && value.toISODate()) || undefined;
	const text = typeof value === 'string' ? value.trim() : '';
	const written = /^(\d{4}-\d{2}-\d{2})(?:$|[T ])/.exec(text);
	if (written && !Number.isNaN(Date.parse(written[1]))) return written[1];
	const millis = millisOf(value);
	return Number.isNaN(millis) ? undefined : new Date(millis).toISOString().slice(0, 10);
}

function numberValue(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	const number = Number(value.trim());
	return Number.isFinite(number) ? number : undefined;
}

const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);

function booleanValue(value: unknown): boolean | undefined {
	if (typeof value === 'boolean') return value;
	const word = String(value).trim().toLowerCase();
	if (TRUE_WORDS.has(word)) return true;
	if (FALSE_WORDS.has(word)) return false;
	return undefined;
}

/**
 * The value to send for one lead field, converted by the field's Marketo data type, or an InputError naming the
 * field (and the item, when given) and saying what was expected. An empty value clears the field (null); text
 * fields keep an empty text.
 */
export function leadValue(field: LeadField, value: unknown, itemIndex?: number): LeadValue {
	if (value === undefined || value === null) return null;
	if (value === '' && !isText(field.dataType)) return null;
	const refuse = (expected: string): never => {
		const item = itemIndex === undefined ? '' : ` [item ${itemIndex}]`;
		throw new InputError(`Field ${fieldLabel(field)} must be ${expected}; got ${shown(value)}${item}`);
	};
	switch (field.dataType) {
		case 'integer': {
			const number = numberValue(value);
			return number !== undefined && Number.isInteger(number) ? number : refuse('a whole number');
		}
		case 'float':
		case 'currency':
		case 'percent':
		case 'score':
			return numberValue(value) ?? refuse('a number');
		case 'boolean':
			return booleanValue(value) ?? refuse('true or false');
		case 'date':
			return dateValue(value) ?? refuse('a date (YYYY-MM-DD)');
		case 'datetime': {
			const millis = millisOf(value);
			return Number.isNaN(millis) ? refuse('a date and time (e.g. 2026-05-02T09:15:00Z)') : utcSeconds(millis);
		}
		default:
			if (typeof value === 'object') return refuse('text, not an object or a list');
			return String(value);
	}
}

function isText(dataType: string): boolean {
	return !['integer', 'float', 'currency', 'percent', 'score', 'boolean', 'date', 'datetime'].includes(dataType);
}
