import type { ResourceDeclaration } from '../types';
import { getMany } from './getMany.operation';
import { getTypes } from './getTypes.operation';

export const activity: ResourceDeclaration = {
	value: 'activity',
	name: 'Activity',
	description: "What leads did: form fills, page visits, email opens, field changes, list changes (the instance's activity log)",
	operations: [getMany, getTypes],
	defaultOperation: getMany.value,
};
