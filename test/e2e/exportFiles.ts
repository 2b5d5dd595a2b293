/**
 * Helpers for e2e tests that check files the node downloads: reading a node's binary back into the run data, and
 * fetching the same file straight from the sandbox as the credential's API user, to compare bytes.
 */
import { codeNode, type E2eRig, fetchAccessToken, outputOf, type RunResult } from './rig';

/**
 * A Code node after a node that outputs files: reads each item's binary `data` from n8n's binary store (n8n 2 keeps
 * it on disk and removes it when `n8n execute` ends) and puts it in the json as base64, for the test to compare.
 */
export function readBack(name: string) {
	return codeNode(
		name,
		`const items = $input.all();
const out = [];
for (let i = 0; i < items.length; i++) {
	const json = { ...items[i].json };
	if (items[i].binary && items[i].binary.data) json.fileBase64 = (await this.helpers.getBinaryDataBuffer(i, 'data')).toString('base64');
	out.push({ json });
}
return out;`,
	);
}

/** The file a `readBack` node read, as bytes. */
export function fileOf(result: RunResult, readNode: string, index = 0): Buffer {
	const json = outputOf(result, readNode)[index];
	if (typeof json?.fileBase64 !== 'string') throw new Error(`"${readNode}" read no file`);
	return Buffer.from(json.fileBase64, 'base64');
}

export function lines(file: Buffer): string[] {
	return file.toString('utf8').split('\n').filter((l) => l !== '');
}

/**
 * Calls straight to the rig's Marketo as the credential's API user. The token is asked for on every call: at a
 * sandbox time scale of 0.05 a token lives 3 minutes, less than some test files take.
 */
export function directApi(rig: E2eRig) {
	const authorization = async (): Promise<string> => `Bearer ${await fetchAccessToken(rig.baseUrl, rig.credentialData)}`;
	return {
		/** GET (no body) or POST with a JSON body; the parsed envelope. */
		async call(path: string, body?: unknown): Promise<{ result?: Array<Record<string, unknown>> }> {
			const answer = await fetch(`${rig.baseUrl}${path}`, {
				method: body === undefined ? 'GET' : 'POST',
				headers: { Authorization: await authorization(), 'Content-Type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			return (await answer.json()) as { result?: Array<Record<string, unknown>> };
		},
		/** An export job's whole file, as bytes. */
		async exportFile(exportId: string): Promise<Buffer> {
			const answer = await fetch(`${rig.baseUrl}/bulk/v1/leads/export/${exportId}/file.json`, { headers: { Authorization: await authorization() } });
			return Buffer.from(await answer.arrayBuffer());
		},
	};
}

/** Creates and enqueues an export job straight through the API and waits until it is Completed; its id. */
export async function finishedExport(api: ReturnType<typeof directApi>, filter: Record<string, unknown>, fields = ['id', 'email']): Promise<string> {
	const created = await api.call('/bulk/v1/leads/export/create.json', { fields, format: 'CSV', filter });
	const exportId = String(created.result?.[0]?.exportId);
	await api.call(`/bulk/v1/leads/export/${exportId}/enqueue.json`, {});
	for (let i = 0; i < 600; i++) {
		const status = (await api.call(`/bulk/v1/leads/export/${exportId}/status.json`)).result?.[0]?.status;
		if (status === 'Completed') return exportId;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`export ${exportId} did not complete`);
}
