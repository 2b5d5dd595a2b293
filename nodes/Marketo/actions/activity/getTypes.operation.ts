import type { OperationDeclaration } from '../types';
import { paired } from '../shared/items';
import { activityTypes } from '../shared/activityTypes';

export const getTypes: OperationDeclaration = {
	value: 'getTypes',
	name: 'Get Types',
	action: 'Get activity types',
	description: "List the instance's activity types (ID, name, description, primary attribute and attributes)",
	properties: [],
	// the answer does not depend on the input, so it is read once, not once per item
	execute: async ({ client }) => (await activityTypes(client)).map((t) => paired({ ...t }, 0)),
};
