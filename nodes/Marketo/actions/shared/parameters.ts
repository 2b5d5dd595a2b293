import type { IExecuteFunctions } from 'n8n-workflow';

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
	if (holdsExpression(fn.getNode().parameters[name])) return read;
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
