import type { INodeExecutionData, INodeParameters, NodeParameterValueType } from 'n8n-workflow';

import { InputError } from './values';

/** `$json.lead.id` or `$json["first name"]` inside an expression: the path of item fields it reads. */
const JSON_FIELD = /\$json((?:\.[A-Za-z_$][\w$]*|\[\s*(["'])[^"']*\2\s*\])+)/g;
const PATH_PART = /\.([A-Za-z_$][\w$]*)|\[\s*(["'])([^"']*)\2\s*\]/g;

function expressionsIn(value: NodeParameterValueType | INodeParameters | undefined, found: string[] = []): string[] {
	if (typeof value === 'string') {
		if (value.startsWith('=')) found.push(value.slice(1));
	} else if (Array.isArray(value)) {
		for (const entry of value) expressionsIn(entry as NodeParameterValueType, found);
	} else if (value && typeof value === 'object') {
		for (const entry of Object.values(value)) expressionsIn(entry as NodeParameterValueType, found);
	}
	return found;
}

function fieldPathsIn(expression: string): string[][] {
	return [...expression.matchAll(JSON_FIELD)].map((match) => [...match[1].matchAll(PATH_PART)].map((part) => part[1] ?? part[3]));
}

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** What an item holds at a path: `absent` when some part of the path is not there. */
function read(json: unknown, path: string[]): { absent: true } | { absent: false; value: unknown } {
	let value = json;
	for (const key of path) {
		if (value === null || typeof value !== 'object' || !(key in value)) return { absent: true };
		value = (value as Record<string, unknown>)[key];
	}
	return { absent: false, value };
}

/**
 * A field whose expression resolved to nothing (`{{ $json.id }}` on an item without `id`, as after a Manual
 * Trigger) otherwise fails with "got empty", which does not say why. When the error is such an empty-value error,
 * this adds which field of the input item the node's expressions read and the item does not have (or has empty),
 * and which fields the item does have.
 */
export function explainEmptyValue(error: unknown, parameters: INodeParameters, item: INodeExecutionData | undefined, itemIndex: number): unknown {
	if (!(error instanceof InputError) || !/\bempty\b/.test(error.message) || !item) return error;
	const reasons: string[] = [];
	for (const expression of expressionsIn(parameters)) {
		for (const path of fieldPathsIn(expression)) {
			const field = path.join('.');
			const found = read(item.json, path);
			const reason = found.absent
				? `input item ${itemIndex + 1} has no '${field}' field, which ${expression.trim()} reads`
				: isEmpty(found.value)
					? `the '${field}' field of input item ${itemIndex + 1} is empty (read by ${expression.trim()})`
					: undefined;
			if (reason && !reasons.includes(reason)) reasons.push(reason);
		}
	}
	if (reasons.length === 0) return error;
	const fields = Object.keys(item.json);
	const itemHas =
		fields.length === 0
			? 'The item has no fields at all (a Manual Trigger outputs an empty item): connect a node that outputs the field, or type the value in.'
			: `The item's fields: ${fields.slice(0, 12).join(', ')}${fields.length > 12 ? ', ...' : ''}.`;
	return new InputError(`${error.message}: ${reasons.join('; ')}. ${itemHas}`);
}
