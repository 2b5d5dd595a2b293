import type { IDataObject } from 'n8n-workflow';

import type { OperationDeclaration } from '../types';
import { forEachCheckedItem } from '../shared/items';
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
		const { fn, client } = context;
		return await forEachCheckedItem(
			context,
			async (i) => {
				const format = readFormat(fn, i);
				const [filter] = jobFilters(readFilter(fn, i, new Date(run.clock.now())), false);
				const options = fn.getNodeParameter('options', i, {}) as IDataObject;
				const fields = await readExportFields(fn, client, i);
				return { fields, format, filter, columnHeaderNames: columnHeaderNames(options.columnHeaderNames, fields) };
			},
			async (definition) => {
				const job = await createExportJob(run, definition);
				return { ...job, fields: definition.fields, filter: definition.filter as IDataObject };
			},
		);
	},
};
