import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { MAX_RETURN, marketoClient } from '../transport';

/**
 * Searchable pickers for resource locators. Marketo's asset API browses but does not search by name, so each call
 * reads one page of 200 and keeps the matches; n8n asks for the next page with the offset we hand back.
 */
async function browse(
	context: ILoadOptionsFunctions,
	path: string,
	filter: string | undefined,
	paginationToken: string | undefined,
	toItem: (asset: IDataObject) => { name: string; value: string; url?: string },
): Promise<INodeListSearchResult> {
	const client = await marketoClient(context);
	const offset = Number(paginationToken ?? 0) || 0;
	const page = await client.request<IDataObject>({ method: 'GET', path, qs: { offset, maxReturn: MAX_RETURN }, acceptCodes: ['702'] });
	const assets = page.success ? (page.result ?? []) : [];
	const needle = (filter ?? '').trim().toLowerCase();
	const results = assets.map(toItem).filter((item) => !needle || item.name.toLowerCase().includes(needle) || item.value === needle);
	return { results, paginationToken: assets.length === MAX_RETURN ? String(offset + MAX_RETURN) : undefined };
}

export const listSearch = {
	async searchStaticLists(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
		return await browse(this, '/rest/asset/v1/staticLists.json', filter, paginationToken, (list) => ({
			name: String(list.name),
			value: String(list.id),
			url: typeof list.computedUrl === 'string' ? list.computedUrl : undefined,
		}));
	},

	/** Folders and programs a static list can live in; the value carries the type: `Folder:13`, `Program:1034`. */
	async searchFolders(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
		return await browse(this, '/rest/asset/v1/folders.json', filter, paginationToken, (folder) => {
			const ref = (folder.folderId as IDataObject | undefined) ?? { id: folder.id, type: 'Folder' };
			const type = String(ref.type ?? 'Folder');
			return { name: `${String(folder.path ?? folder.name)} (${type})`, value: `${type}:${String(ref.id)}` };
		});
	},
};
