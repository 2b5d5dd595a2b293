/**
 * Used as an AI tool (usableAsTool), the node is described to the model by n8n as "<operation action> in Marketo"
 * (n8n-workflow's makeDescription). Every operation needs an action of its own, or a model cannot tell tools apart.
 */
import { resources } from '../../../nodes/Marketo/actions/router';

describe('tool descriptions a model reads', () => {
	const actions = resources.flatMap((resource) => resource.operations.map((operation) => ({ at: `${resource.value}.${operation.value}`, action: operation.action.trim() })));

	it('every operation has an action sentence', () => {
		for (const { at, action } of actions) expect({ at, action: action.split(/\s+/).length >= 2 }).toEqual({ at, action: true });
	});

	it('no two operations share an action', () => {
		const seen = new Map<string, string>();
		for (const { at, action } of actions) {
			expect({ at, sameAs: seen.get(action.toLowerCase()) }).toEqual({ at, sameAs: undefined });
			seen.set(action.toLowerCase(), at);
		}
		expect(seen.size).toBeGreaterThanOrEqual(25);
	});
});
