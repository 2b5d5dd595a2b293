import type { OperationDeclaration } from '../types';
import { paired } from '../shared/items';
import { leadPartitions } from '../shared/marketoData';

export const getMany: OperationDeclaration = {
	value: 'getAll',
	name: 'Get Many',
	action: 'Get many lead partitions',
	description: "List the instance's lead partitions (ID, name, description)",
	properties: [],
	// the answer does not depend on the input, so it is read once, not once per item
	execute: async ({ client }) => (await leadPartitions(client)).map((p) => paired({ ...p }, 0)),
};
