/**
 * An expression that resolved to nothing names the input field it read and says the item lacks it, instead of a
 * bare "got empty" (a Marketo node after a Manual Trigger, whose item has no fields).
 */
import { explainEmptyValue } from '../../../nodes/Marketo/actions/shared/missingFields';
import { InputError, parseIdList, requireText } from '../../../nodes/Marketo/actions/shared/values';

function failure(read: () => unknown): unknown {
	try {
		read();
	} catch (error) {
		return error;
	}
	throw new Error('expected the read to fail');
}

const emptyLeadId = () => failure(() => parseIdList(undefined, 'Lead ID'));

describe('explainEmptyValue', () => {
	it('an item without the field the expression reads: names the field, the item and says it has no fields', () => {
		const error = explainEmptyValue(emptyLeadId(), { leadId: '={{ $json.id }}' }, { json: {} }, 0) as Error;
		expect(error).toBeInstanceOf(InputError);
		expect(error.message).toBe(
			"'Lead ID' must be a Marketo ID (a positive whole number); got empty: input item 1 has no 'id' field, which {{ $json.id }} reads. " +
				'The item has no fields at all (a Manual Trigger outputs an empty item): connect a node that outputs the field, or type the value in.',
		);
	});

	it('lists the fields the item does have, and follows nested paths and bracket notation', () => {
		const parameters = { leadId: '={{ $json.lead.id }}', other: { nested: ['={{ $json["Lead Name"] }}'] } };
		const error = explainEmptyValue(emptyLeadId(), parameters, { json: { email: 'a@x.com', lead: { name: 'Ana' } } }, 2) as Error;
		expect(error.message).toContain("input item 3 has no 'lead.id' field, which {{ $json.lead.id }} reads");
		expect(error.message).toContain("input item 3 has no 'Lead Name' field");
		expect(error.message).toContain("The item's fields: email, lead.");
	});

	it('a field that is there but empty is called empty, not missing', () => {
		const error = explainEmptyValue(failure(() => requireText('  ', 'Export ID')), { exportId: '={{ $json.exportId }}' }, { json: { exportId: ' ' } }, 0) as Error;
		expect(error.message).toMatch(/^'Export ID' is empty: the 'exportId' field of input item 1 is empty \(read by \{\{ \$json.exportId \}\}\)/);
	});

	it('leaves other errors alone: a value that is wrong rather than empty, a fixed value, a field the item has', () => {
		const wrong = failure(() => parseIdList('abc', 'Lead ID'));
		expect(explainEmptyValue(wrong, { leadId: '={{ $json.id }}' }, { json: {} }, 0)).toBe(wrong);
		const empty = emptyLeadId();
		expect(explainEmptyValue(empty, { leadId: '' }, { json: {} }, 0)).toBe(empty);
		expect(explainEmptyValue(empty, { leadId: '={{ $json.id }}' }, { json: { id: 5 } }, 0)).toBe(empty);
		const notInput = new Error('got empty');
		expect(explainEmptyValue(notInput, { leadId: '={{ $json.id }}' }, { json: {} }, 0)).toBe(notInput);
	});
});
