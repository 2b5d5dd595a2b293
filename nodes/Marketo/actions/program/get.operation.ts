import { assetGetOperation } from '../shared/assetGet';
import { programId, programLocator } from '../shared/programs';

export const get = assetGetOperation({
	noun: 'program',
	label: 'Program',
	locator: programLocator('Program to get'),
	idOf: programId,
	basePath: '/rest/asset/v1/program',
	namePlaceholder: 'Summer Webinar',
});
