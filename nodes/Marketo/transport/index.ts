import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';

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
