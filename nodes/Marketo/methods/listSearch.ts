import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { MAX_RETURN, marketoClient } from '../transport';

/** With a search text, pages are read until this many matches are found (or PAGES_PER_SEARCH pages are read). */
const ENOUGH_MATCHES = 20;
const PAGES_PER_SEARCH = 10;

/**
 * Searchable pickers for resource locators. Marketo's asset API browses but does not search by name, so pages of
 * 200 are read and the matches kept: one page when browsing, and with a search text further pages until there are
 * enough matches, so a list on page 7 is found without the user scrolling through empty pages. n8n asks for more
 * with the offset we hand back.
 */
export async function browse(
	context: ILoadOptionsFunctions,
	request: { path: string; qs?: Record<string, string | number> },
	filter: string | undefined,
	paginationToken: string | undefined,
	toItem: (asset: IDataObject) => { name: string; value: string; url?: string },
): Promise<INodeListSearchResult> {
	const client = await marketoClient(context);
	const needle = (filter ?? '').trim().toLowerCase();
	let offset = Number(paginationToken ?? 0) || 0;
	const results: INodeListSearchResult['results'] = [];
	for (let pages = 0; pages < (needle ? PAGES_PER_SEARCH : 1); pages++) {
		const page = await client.request<IDataObject>({
			method: 'GET',
			path: request.path,
			qs: { ...request.qs, offset, maxReturn: MAX_RETURN },
			acceptCodes: ['702'],
		});
		const assets = page.success ? (page.result ?? []) : [];
		results.push(...assets.map(toItem).filter((item) => !needle || item.name.toLowerCase().includes(needle) || item.value === needle));
		if (assets.length < MAX_RETURN) return { results };
		offset += MAX_RETURN;
		if (results.length >= ENOUGH_MATCHES) break;
	}
	return { results, paginationToken: String(offset) };
}

/** How deep the folder picker looks; a folder deeper than this can still be given by ID. */
const FOLDER_DEPTH = 10;

export const listSearch = {
	async searchStaticLists(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
		return await browse(this, { path: '/rest/asset/v1/staticLists.json' }, filter, paginationToken, (list) => ({
			name: String(list.name),
			value: String(list.id),
			url: typeof list.computedUrl === 'string' ? list.computedUrl : undefined,
		}));
	},

	/**
	 * Folders and programs a static list can live in; the value carries the type: `Folder:13`, `Program:1034`.
	 * Marketo lists 2 levels below the top by default, and programs usually sit deeper.
	 */
	async searchFolders(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
		return await browse(this, { path: '/rest/asset/v1/folders.json', qs: { maxDepth: FOLDER_DEPTH } }, filter, paginationToken, (folder) => {
			const ref = (folder.folderId as IDataObject | undefined) ?? { id: folder.id, type: 'Folder' };
			const type = String(ref.type ?? 'Folder');
			return { name: `${String(folder.path ?? folder.name)} (${type})`, value: `${type}:${String(ref.id)}` };
		});
	},
};
