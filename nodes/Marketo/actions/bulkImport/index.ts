import type { ResourceDeclaration } from '../types';
import { getFailures } from './getFailures.operation';
import { getStatus } from './getStatus.operation';
import { getWarnings } from './getWarnings.operation';
import { importLeads } from './importLeads.operation';

export const bulkImport: ResourceDeclaration = {
	value: 'bulkImport',
	name: 'Bulk Import',
	description: 'Import many leads at once from items or a CSV/TSV/SSV file; job status, failures and warnings',
	operations: [getFailures, getStatus, getWarnings, importLeads],
	defaultOperation: 'importLeads',
};
