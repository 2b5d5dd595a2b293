import type { OperationDeclaration } from '../types';
import { returnAllAndLimit } from '../shared/fields';
import { forEachItem } from '../shared/items';
import { exportRun } from './context';
import { JOB_STATUSES, listExportJobs } from './jobs';

export const getManyJobs: OperationDeclaration = {
	value: 'getManyJobs',
	name: 'Get Many Jobs',
	action: 'Get many bulk export jobs',
	description: 'List the export jobs this API user created in the last 7 days, oldest first, optionally only those in some statuses',
	properties: [
		{
			displayName: 'Statuses',
			name: 'statuses',
			type: 'multiOptions',
			options: JOB_STATUSES.map((status) => ({ name: status, value: status })),
			default: [],
			description: 'Only jobs in these statuses. Empty: every job.',
		},
		...returnAllAndLimit(),
	],
	execute: async (context) => {
		const run = exportRun(context);
		return await forEachItem(context, async (i) => {
			const { fn } = context;
			const statuses = fn.getNodeParameter('statuses', i, []) as string[];
			const returnAll = fn.getNodeParameter('returnAll', i) as boolean;
			const limit = returnAll ? 0 : (fn.getNodeParameter('limit', i) as number);
			return await listExportJobs(run, statuses, { returnAll, limit });
		});
	},
};
