import { NodeOperationError } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IExecuteFunctions, IHttpRequestOptions, ILoadOptionsFunctions, INode, IPollFunctions } from 'n8n-workflow';

import { MarketoClient } from './client';
import { n8nHttpSender, systemClock } from './http';
import { CredentialSettingsError, settingsFromCredential } from './settings';
import { TokenCache, tokenKey } from './token';

export * from './batch';
export * from './client';
export * from './errors';
export * from './http';
export * from './paging';
export { resetLimiters, RateLimiter } from './limiter';
export { DailyBudgetError, describeReset, nextCentralMidnight, resetUsage } from './dailyBudget';
export { resetTokens } from './token';
export { bodySource, readableClass, toBuffer } from './bodies';
export * from './settings';

export const CREDENTIAL_NAME = 'marketoApi';

type MarketoContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

/** Reads the credential's settings; a problem becomes an error naming the credential field to correct. */
function checked<T>(node: INode, read: () => T): T {
	let problem: CredentialSettingsError | undefined;
	try {
		return read();
	} catch (error) {
		problem = error as CredentialSettingsError;
	}
	throw new NodeOperationError(node, `Marketo credential: ${problem.message}`, {
		description: problem.field ? `Open the Marketo API credential and correct '${problem.field}'.` : undefined,
	});
}

/**
 * A client for the credential's own token handling, outside any node: errors name the credential. Tokens are the
 * same process-wide cache the nodes use.
 */
export function credentialClient(credential: ICredentialDataDecryptedObject, httpRequest: (options: IHttpRequestOptions) => Promise<unknown>): MarketoClient {
	const node: INode = { id: 'marketoApi', name: 'Marketo API credential', type: CREDENTIAL_NAME, typeVersion: 1, position: [0, 0], parameters: {} };
	return new MarketoClient(checked(node, () => settingsFromCredential(credential)), { node, sender: n8nHttpSender(httpRequest) });
}

/**
 * The token this process already holds (or is fetching) for the credential's instance, without asking Marketo:
 * undefined when there is none or the credential's settings are incomplete.
 */
export async function heldToken(credential: ICredentialDataDecryptedObject): Promise<string | undefined> {
	let key: string;
	try {
		const { baseUrl, clientId, clientSecret } = settingsFromCredential(credential);
		key = tokenKey(baseUrl, clientId, clientSecret);
	} catch {
		return undefined;
	}
	const noFetch = { fetchToken: async () => await Promise.reject(new Error('heldToken never fetches')) };
	return await new TokenCache(key, noFetch, systemClock).held();
}

/** The client for the node's credential. One per execution; tokens and the rate limiter are shared process-wide. */
export async function marketoClient(context: MarketoContext): Promise<MarketoClient> {
	const credential = await context.getCredentials(CREDENTIAL_NAME);
	// settings problems name the credential field to correct
	const settings = checked(context.getNode(), () => settingsFromCredential(credential));
	return new MarketoClient(settings, {
		node: context.getNode(),
		sender: n8nHttpSender(async (options) => await context.helpers.httpRequest(options)),
		logger: context.logger,
		// asked only when a Daily Call Budget error is written
		timeZone: () => context.getTimezone(),
	});
}
