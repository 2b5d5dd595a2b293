import type { ResourceDeclaration } from '../types';
import { get } from './get.operation';
import { getMany } from './getMany.operation';

export const program: ResourceDeclaration = {
	value: 'program',
	name: 'Program',
	description: 'Programs (asset API): find by ID, URL or name, or list them',
	operations: [get, getMany],
	defaultOperation: 'get',
};
