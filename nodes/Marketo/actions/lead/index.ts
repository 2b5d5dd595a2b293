import type { ResourceDeclaration } from '../types';
import { createOrUpdate } from './createOrUpdate.operation';
import { deleteLeads } from './delete.operation';
import { get } from './get.operation';
import { getMany } from './getMany.operation';

export const lead: ResourceDeclaration = {
	value: 'lead',
	name: 'Lead',
	description: 'People in the lead database',
	operations: [createOrUpdate, deleteLeads, get, getMany],
	defaultOperation: createOrUpdate.value,
};
