import type { IDataObject } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { forEachCheckedItem } from '../shared/items';
import { requireText } from '../shared/values';
import { exportRun } from './context';
import { exportIdField, optionsCollection, pollIntervalOption, queueRetriesOption, readWaits } from './fields';
import { enqueueExportJob } from './jobs';

export const enqueueJob: OperationDeclaration = {
	value: 'enqueueJob',
	name: 'Enqueue Job',
	action: 'Enqueue a bulk export job',
	description: "Start a Created export job; while Marketo's export queue is full, wait for a place and try again",
	properties: [
		exportIdField,
		optionsCollection([
				{ ...pollIntervalOption, displayName: 'First Queue Wait (Seconds)', description: 'Wait before the second try while the queue is full; doubled after every try, up to 10 minutes' },
				queueRetriesOption,
			]),
	],
	execute: async (context) => {
		const run = exportRun(context);
		return await forEachCheckedItem(
			context,
			(i) => ({
				exportId: requireText(context.fn.getNodeParameter('exportId', i), 'Export ID'),
				queue: readWaits(context.fn.getNodeParameter('options', i, {}) as IDataObject).queue,
			}),
			async ({ exportId, queue }) => await enqueueExportJob(run, exportId, queue),
		);
	},
};
