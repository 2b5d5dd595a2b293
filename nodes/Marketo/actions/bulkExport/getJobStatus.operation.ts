import type { OperationDeclaration } from '../types';
import { forEachCheckedItem } from '../shared/items';
import { requireText } from '../shared/values';
import { exportRun } from './context';
import { exportIdField } from './fields';
import { exportJobStatus } from './jobs';

export const getJobStatus: OperationDeclaration = {
	value: 'getJobStatus',
	name: 'Get Job Status',
	action: 'Get the status of a bulk export job',
	description:
		'Get the status of an export job (Created, Queued, Processing, Completed, Failed or Canceled), with the record count, file size and checksum once Completed',
	properties: [exportIdField],
	execute: async (context) => {
		const run = exportRun(context);
		return await forEachCheckedItem(
			context,
			(i) => requireText(context.fn.getNodeParameter('exportId', i), 'Export ID'),
			async (exportId) => await exportJobStatus(run, exportId),
		);
	},
};
