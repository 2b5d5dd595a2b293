import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

/** Whether a stored parameter value holds an expression anywhere (n8n stores them as strings starting with '='). */
function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (value && typeof value === 'object') return Object.values(value).some(holdsExpression);
	return false;
}

/**
 * `read(itemIndex)` for every item, run only once when the parameter holds no expression: its value is then the
 * same for every item, while n8n spends tens of microseconds on each read (finding the property among the node's
 * fields, validating it, extracting a resource locator's value), which for 90,000 items was seconds before the
 * first call. A failed read fails every item the same way.
 */
export function readPerItem<T>(fn: IExecuteFunctions, name: string, read: (itemIndex: number) => T): (itemIndex: number) => T {
	const stored = fn.getNode().parameters[name];
	// not stored (n8n fills in defaults, but if it did not, the default may be an expression): every item
	if (stored === undefined || holdsExpression(stored)) return read;
	let once: { value: T } | { error: unknown } | undefined;
	return (itemIndex) => {
		if (!once) {
			try {
				once = { value: read(itemIndex) };
			} catch (error) {
				once = { error };
			}
		}
		if ('error' in once) throw once.error;
		return once.value;
	};
}

/** An expression that only reads a field of the item: `={{ $json.id }}`, `={{ $json.lead.id }}` */
const ITEM_FIELD = /^=\{\{\s*\$json((?:\.[A-Za-z_$][\w$]*)+)\s*\}\}$/;

/**
 * The parameter's raw value for each item, for the batched operations, which read every item before the first
 * call. A value without an expression is read once (readPerItem). An expression that only reads a field of the
 * item (`{{ $json.id }}`, the Lead ID default) is read from the item itself: the same value n8n's expression
 * engine gives, without its cost of about 50 microseconds an item (4.5 s for 90,000 items, a tenth of the time
 * Marketo's rate limit needs for them). Any other expression goes through n8n.
 */
export function itemValueReader(fn: IExecuteFunctions, name: string, items: INodeExecutionData[]): (itemIndex: number) => unknown {
	const stored = fn.getNode().parameters[name];
	const path = typeof stored === 'string' ? ITEM_FIELD.exec(stored)?.[1].split('.').slice(1) : undefined;
	if (path) {
		return (itemIndex) =>
			path.reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as IDataObject)[key] : undefined), items[itemIndex].json);
	}
	return readPerItem(fn, name, (itemIndex) => fn.getNodeParameter(name, itemIndex));
}

/** Return All / Limit of an item, as the paging helpers take them. */
export function readPageLimit(fn: IExecuteFunctions, itemIndex: number): { returnAll: boolean; limit: number } {
	const returnAll = fn.getNodeParameter('returnAll', itemIndex) as boolean;
	return { returnAll, limit: returnAll ? 0 : (fn.getNodeParameter('limit', itemIndex) as number) };
}
