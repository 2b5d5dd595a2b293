import { resultFileOperation } from './resultFileOperation';

export const getWarnings = resultFileOperation({
	value: 'getWarnings',
	name: 'Get Warnings',
	action: 'Get the warned rows of a bulk import job',
	description: "Get the rows an import job imported with a warning (e.g. a value cut to the field's length), each with Marketo's reason, and the warnings file",
	kind: 'warnings',
});
