import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { MAX_BATCH, marketoClient } from '../transport';
import { browse } from './listSearch';

/** With a search text, pages of 300 are read until this many matches are found (or PAGES_PER_SEARCH pages are read). */
const ENOUGH_MATCHES = 20;
const PAGES_PER_SEARCH = 10;

/**
 * Campaign picker. Marketo's campaigns call filters by exact names only, so pages of 300 are read and the names
 * matched here; n8n asks for more with the page token handed back.
 */
async function searchCampaignPages(context: ILoadOptionsFunctions, filter: string | undefined, paginationToken: string | undefined, requestableOnly: boolean): Promise<INodeListSearchResult> {
	const client = await marketoClient(context);
	const needle = (filter ?? '').trim().toLowerCase();
	let nextPageToken = paginationToken || undefined;
	const results: INodeListSearchResult['results'] = [];
	for (let pages = 0; pages < (needle ? PAGES_PER_SEARCH : 1); pages++) {
		const page = await client.request<IDataObject>({
			method: 'GET',
			path: '/rest/v1/campaigns.json',
			qs: { batchSize: MAX_BATCH, nextPageToken, isTriggerable: requestableOnly || undefined },
		});
		for (const campaign of page.result ?? []) {
			const name = String(campaign.name);
			const where = campaign.programName ? ` (${String(campaign.programName)})` : '';
			if (!needle || name.toLowerCase().includes(needle) || String(campaign.id) === needle) {
				results.push({ name: `${name}${where}`, value: String(campaign.id) });
			}
		}
		nextPageToken = page.moreResult === false ? undefined : page.nextPageToken;
		if (!nextPageToken || results.length >= ENOUGH_MATCHES) break;
	}
	return { results, paginationToken: nextPageToken };
}

export const campaignListSearch = {
	async searchCampaigns(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
		return await searchCampaignPages(this, filter, paginationToken, false);
	},

	/** Only the campaigns Request can run: active, with a Campaign is Requested / Web Service API trigger. */
	async searchRequestableCampaigns(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
		return await searchCampaignPages(this, filter, paginationToken, true);
	},

	async searchPrograms(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
		return await browse(this, { path: '/rest/asset/v1/programs.json' }, filter, paginationToken, (program) => ({
			name: String(program.name),
			value: String(program.id),
			url: typeof program.url === 'string' ? program.url : undefined,
		}));
	},
};
