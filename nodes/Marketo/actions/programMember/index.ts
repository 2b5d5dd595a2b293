import type { ResourceDeclaration } from '../types';
import { getMany } from './getMany.operation';
import { sync } from './sync.operation';
import { updateStatus } from './updateStatus.operation';

export const programMember: ResourceDeclaration = {
	value: 'programMember',
	name: 'Program Member',
	description: 'Members of a program: read them, set their status, update their member fields',
	operations: [getMany, updateStatus, sync],
	defaultOperation: 'updateStatus',
};
