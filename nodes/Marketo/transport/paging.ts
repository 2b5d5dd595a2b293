import type { MarketoClient, MarketoEnvelope, MarketoRequest } from './client';
import { MAX_BATCH } from './batch';

export interface PageLimit {
	/** every record (n8n's "Return All") */
	returnAll: boolean;
	/** how many records at most when not returning all (n8n's "Limit") */
	limit: number;
}

/** Lead database reads: `batchSize` up to 300, and `nextPageToken` from the previous answer until there is none. */
export async function pageByToken<T>(client: MarketoClient, request: MarketoRequest, { returnAll, limit }: PageLimit): Promise<T[]> {
	const records: T[] = [];
	let nextPageToken: string | undefined;
	for (;;) {
		const wanted = returnAll ? MAX_BATCH : Math.min(MAX_BATCH, limit - records.length);
		if (wanted <= 0) break;
		const page: MarketoEnvelope<T> = await client.request<T>({
			...request,
			qs: { ...request.qs, batchSize: wanted, nextPageToken },
		});
		const result = page.result ?? [];
		records.push(...result);
		nextPageToken = page.nextPageToken;
		if (!nextPageToken || page.moreResult === false || result.length === 0) break;
	}
	return returnAll ? records : records.slice(0, limit);
}

/** Asset API browse: `maxReturn` up to 200, `offset` raised until a short page or 702 "No assets found". */
export const MAX_RETURN = 200;

export async function pageByOffset<T>(client: MarketoClient, request: MarketoRequest, { returnAll, limit }: PageLimit): Promise<T[]> {
	const records: T[] = [];
	for (let offset = 0; ; ) {
		const maxReturn = returnAll ? MAX_RETURN : Math.min(MAX_RETURN, limit - records.length);
		if (maxReturn <= 0) break;
		const page: MarketoEnvelope<T> = await client.request<T>({
			...request,
			qs: { ...request.qs, offset, maxReturn },
			// "No assets found" past the end is the end of paging, not a failure
			acceptCodes: ['702', ...(request.acceptCodes ?? [])],
		});
		const result = page.success ? (page.result ?? []) : [];
		records.push(...result);
		if (result.length < maxReturn) break;
		offset += result.length;
	}
	return returnAll ? records : records.slice(0, limit);
}
