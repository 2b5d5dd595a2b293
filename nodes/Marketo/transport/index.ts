import { NodeOperationError } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IExecuteFunctions, IHttpRequestOptions, ILoadOptionsFunctions, INode, IPollFunctions } from 'n8n-workflow';

import { MarketoClient } from './client';
import { n8nHttpSender } from './http';
import { CredentialSettingsError, settingsFromCredential } from './settings';

export * from './batch';
export * from './client';
export * from './errors';
export * from './http';
export * from './paging';
export { resetLimiters, RateLimiter } from './limiter';
export { resetTokens } from './token';
export * from './settings';

export const CREDENTIAL_NAME = 'marketoApi';

type MarketoContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

function checked<T>(context: MarketoContext, read: () => T): T {
	let problem: CredentialSettingsError | undefined;
	try {
		return read();
	} catch (error) {
		problem = error as CredentialSettingsError;
	}
	throw new NodeOperationError(context.getNode(), `Marketo credential: ${problem.message}`, {
		description: problem.field ? `Open the Marketo API credential and correct '${problem.field}'.` : undefined,
	});
}

/**
 * A client for the credential's own token handling, outside any node: errors name the credential. Tokens are the
 * same process-wide cache the nodes use.
 */
export function credentialClient(credential: ICredentialDataDecryptedObject, httpRequest: (options: IHttpRequestOptions) => Promise<unknown>): MarketoClient {
	const node: INode = { id: 'marketoApi', name: 'Marketo API credential', type: CREDENTIAL_NAME, typeVersion: 1, position: [0, 0], parameters: {} };
	let settings;
	try {
		settings = settingsFromCredential(credential);
	} catch (error) {
		throw new NodeOperationError(node, `Marketo credential: ${(error as Error).message}`);
	}
	return new MarketoClient(settings, { node, sender: n8nHttpSender(httpRequest) });
}

/** The client for the node's credential. One per execution; tokens and the rate limiter are shared process-wide. */
export async function marketoClient(context: MarketoContext): Promise<MarketoClient> {
	const credential = await context.getCredentials(CREDENTIAL_NAME);
	// settings problems name the credential field to correct
	const settings = checked(context, () => settingsFromCredential(credential));
	return new MarketoClient(settings, {
		node: context.getNode(),
		sender: n8nHttpSender(async (options) => await context.helpers.httpRequest(options)),
		logger: context.logger,
	});
}
