import type { ResourceDeclaration } from '../types';
import { create } from './create.operation';
import { deleteList } from './delete.operation';
import { get } from './get.operation';
import { getMany } from './getMany.operation';
import { update } from './update.operation';

export const staticList: ResourceDeclaration = {
	value: 'staticList',
	name: 'Static List',
	description: 'Static lists (asset API): find, create, rename, delete',
	operations: [create, deleteList, get, getMany, update],
	defaultOperation: 'get',
};
