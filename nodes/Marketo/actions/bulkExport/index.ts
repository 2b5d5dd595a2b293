import type { ResourceDeclaration } from '../types';
import { cancelJob } from './cancelJob.operation';
import { createJob } from './createJob.operation';
import { downloadFile } from './downloadFile.operation';
import { enqueueJob } from './enqueueJob.operation';
import { exportLeads } from './exportLeads.operation';
import { getJobStatus } from './getJobStatus.operation';
import { getManyJobs } from './getManyJobs.operation';

export const bulkExport: ResourceDeclaration = {
	value: 'bulkExport',
	name: 'Bulk Export',
	description: 'Export many leads at once to a CSV/TSV/SSV file or items; export jobs step by step',
	operations: [cancelJob, createJob, downloadFile, enqueueJob, exportLeads, getJobStatus, getManyJobs],
	defaultOperation: 'exportLeads',
};
