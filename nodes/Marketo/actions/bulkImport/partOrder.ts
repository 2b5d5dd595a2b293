import { parseDelimited } from '../shared/csv';

/**
 * Which parts of a run must wait for which. Marketo runs up to two import jobs at the same time, and a job does not
 * see the leads another running job creates: the same new email in two parts that run together becomes two leads.
 * So a part that holds a lookup value an earlier part also holds is uploaded only once that part has finished (as
 * Create or Update sends a repeated lookup value in a later round). Parts without common values still run together.
 */

/** A 52-bit hash of a text: two 32-bit FNV-1a variants. Two values that collide only make a part wait needlessly. */
function hash52(text: string): number {
	let a = 0x811c9dc5;
	let b = 0x01000193;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		a = Math.imul(a ^ c, 0x01000193);
		b = Math.imul(b ^ c, 0x5bd1e995);
	}
	return (a >>> 0) * 0x100000 + ((b >>> 0) & 0xfffff);
}

/**
 * The key of a lookup value: Marketo matches emails regardless of case, and spaces around a value are not part of
 * it; the field's name is part of the key (files of one run may use different lookup fields). Hashed, so that a
 * million values take numbers rather than strings (strings cut from a part's text would keep the whole text).
 */
export function lookupKey(lookupField: string, value: string): number | undefined {
	const text = value.trim().toLowerCase();
	if (text === '') return undefined;
	return hash52(`${lookupField.toLowerCase()}\u0000${text}`);
}

/**
 * For each part (given as its lookup keys, in upload order), the earlier parts it must wait for: for each of its
 * values the last earlier part that holds it (which itself waited for the ones before). Parts are read one at a
 * time, so only one part's keys are in memory at once, besides one number per distinct value.
 */
export function earlierPartsSharingValues(parts: Iterable<Iterable<number | undefined>>): number[][] {
	const lastPartOf = new Map<number, number>();
	const waits: number[][] = [];
	let p = 0;
	for (const keys of parts) {
		const before = new Set<number>();
		for (const key of keys) {
			if (key === undefined) continue;
			const last = lastPartOf.get(key);
			if (last !== undefined && last !== p) before.add(last);
			lastPartOf.set(key, p);
		}
		waits.push([...before].sort((x, y) => x - y));
		p++;
	}
	return waits;
}

/** The lookup keys of the rows of one file part (the header row first): the values of column `column`. */
export function* partLookupKeys(body: Buffer, delimiter: string, column: number, lookupField: string): Generator<number | undefined> {
	const [, ...rows] = parseDelimited(body.toString('utf8'), delimiter);
	for (const row of rows) yield lookupKey(lookupField, row[column] ?? '');
}
