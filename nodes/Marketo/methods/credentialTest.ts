import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INode,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { MarketoClient, n8nCredentialTestSender, settingsFromCredential } from '../transport';

/** The node a credential test runs as (the transport needs one to build errors). */
const TEST_NODE: INode = {
	id: 'marketo-credential-test',
	name: 'Marketo credential test',
	type: 'n8n-nodes-marketo.marketo',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/**
 * The credential's Test button: fetches a token, then makes one cheap call (list lead partitions, which needs
 * the Read-Only Lead permission), and reports Marketo's own message when either fails.
 */
export async function marketoApiConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		const settings = settingsFromCredential(credential.data ?? {});
		// `request` is the only HTTP helper n8n gives a credential test (ICredentialTestFunctions has no httpRequest,
		// in n8n-workflow 2.8 and in the newest release); the deprecation rule is about node contexts, which have one.
		const { helpers } = this;
		const client = new MarketoClient(settings, {
			node: TEST_NODE,
			sender: n8nCredentialTestSender(async (options) => await helpers.request(options)),
			retry: { maxAttempts: 2, maxTotalMs: 20_000 },
		});
		await client.checkToken();
		const answer = await client.request({ method: 'GET', path: '/rest/v1/leads/partitions.json' });
		const count = answer.result?.length ?? 0;
		return { status: 'OK', message: `Connected: token received, ${count} lead partition${count === 1 ? '' : 's'} readable` };
	} catch (error) {
		const description = (error as { description?: string }).description;
		return { status: 'Error', message: `${(error as Error).message}${description ? ` — ${description}` : ''}` };
	}
}
