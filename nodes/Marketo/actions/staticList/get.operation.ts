import { staticListLocator } from '../shared/fields';
import { assetGetOperation } from '../shared/assetGet';
import { staticListId } from '../shared/lists';

export const get = assetGetOperation({
	noun: 'static list',
	label: 'List',
	locator: staticListLocator('Static list to get'),
	idOf: (fn, i) => staticListId(fn, i),
	basePath: '/rest/asset/v1/staticList',
	namePlaceholder: 'Webinar Attendees 2026',
});
