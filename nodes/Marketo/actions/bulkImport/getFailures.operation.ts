import { resultFileOperation } from './resultFileOperation';

export const getFailures = resultFileOperation({
	value: 'getFailures',
	name: 'Get Failures',
	action: 'Get the failed rows of a bulk import job',
	description: "Get the rows an import job could not import, each with Marketo's reason, and the failures file",
	kind: 'failures',
});
