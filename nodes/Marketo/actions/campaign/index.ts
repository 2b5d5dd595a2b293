import type { ResourceDeclaration } from '../types';
import { get } from './get.operation';
import { getMany } from './getMany.operation';
import { request } from './request.operation';
import { schedule } from './schedule.operation';

export const campaign: ResourceDeclaration = {
	value: 'campaign',
	name: 'Campaign',
	description: 'Smart campaigns: find them, run them for leads (Request), schedule batch runs',
	operations: [get, getMany, request, schedule],
	defaultOperation: 'request',
};
