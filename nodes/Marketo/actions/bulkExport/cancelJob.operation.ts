import type { OperationDeclaration } from '../types';
import { forEachCheckedItem } from '../shared/items';
import { requireText } from '../shared/values';
import { exportRun } from './context';
import { exportIdField } from './fields';
import { cancelExportJob } from './jobs';

export const cancelJob: OperationDeclaration = {
	value: 'cancelJob',
	name: 'Cancel Job',
	action: 'Cancel a bulk export job',
	description: 'Cancel an export job that is Created, Queued or Processing; it frees its place in the queue',
	properties: [exportIdField],
	execute: async (context) => {
		const run = exportRun(context);
		return await forEachCheckedItem(
			context,
			(i) => requireText(context.fn.getNodeParameter('exportId', i), 'Export ID'),
			async (exportId) => await cancelExportJob(run, exportId),
		);
	},
};
