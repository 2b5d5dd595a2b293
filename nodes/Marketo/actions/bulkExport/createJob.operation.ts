import type { IDataObject } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { forEachItem } from '../shared/items';
import { exportRun } from './context';
import { columnHeaderNames, columnHeaderNamesOption, exportFieldsField, filterFields, formatField, optionsCollection, readExportFields, readFilter, readFormat } from './fields';
import { jobFilters } from './filter';
import { createExportJob } from './jobs';

export const createJob: OperationDeclaration = {
	value: 'createJob',
	name: 'Create Job',
	action: 'Create a bulk export job',
	description: 'Define an export job (fields, format, filter) without starting it; Enqueue Job starts it',
	properties: [
		exportFieldsField,
		formatField,
		...filterFields(false),
		optionsCollection([columnHeaderNamesOption]),
	],
	execute: async (context) => {
		const run = exportRun(context);
		return await forEachItem(context, async (i) => {
			const { fn, client } = context;
			const format = readFormat(fn, i);
			const [filter] = jobFilters(readFilter(fn, i, new Date(run.clock.now())), false);
			const options = fn.getNodeParameter('options', i, {}) as IDataObject;
			const fields = await readExportFields(fn, client, i);
			const job = await createExportJob(run, { fields, format, filter, columnHeaderNames: columnHeaderNames(options.columnHeaderNames, fields) });
			return { ...job, fields, filter: filter as IDataObject };
		});
	},
};
