import type { ResourceDeclaration } from '../types';
import { getMany } from './getMany.operation';
import { update } from './update.operation';

export const leadPartition: ResourceDeclaration = {
	value: 'leadPartition',
	name: 'Lead Partition',
	description: 'Partitions that keep groups of leads apart within one instance',
	operations: [getMany, update],
	defaultOperation: getMany.value,
};
