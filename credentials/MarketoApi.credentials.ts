import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestHelper,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { credentialClient } from '../nodes/Marketo/transport';

/** A stored token is used while it has more than this left; then the next request gets a fresh one. */
const STORED_TOKEN_MARGIN_MS = 60_000;

/**
 * Marketo REST API access: a LaunchPoint "Custom" service bound to an API-only user.
 *
 * The Marketo nodes fetch the access token through their transport: from `<base>/identity/oauth/token`
 * (client_credentials, as a form POST so the secret never sits in a URL), cached per instance for the whole n8n
 * process, sent only as `Authorization: Bearer`, replaced before it expires and whenever Marketo answers 601/602.
 *
 * The credential also works in n8n's HTTP Request node (Predefined Credential Type > Marketo API), for the
 * endpoints the node does not cover. n8n refreshes an expirable credential only when its expirable field is empty
 * or a call answers HTTP 401, and Marketo reports an expired token with HTTP 200, so the expirable field
 * (`sessionToken`) is kept empty: preAuthentication then runs before every request, hands back the stored token
 * while it has time left, and a fresh one (from the same process-wide cache) otherwise. The token and its expiry
 * live in the hidden fields `accessToken` and `tokenExpiresAt`, encrypted with the rest of the credential.
 */
export class MarketoApi implements ICredentialType {
	name = 'marketoApi';

	displayName = 'Marketo API';

	icon: Icon = { light: 'file:marketo.svg', dark: 'file:marketo.dark.svg' };

	documentationUrl = 'https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/authentication';

	properties: INodeProperties[] = [
		{ displayName: 'Session Token', name: 'sessionToken', type: 'hidden', typeOptions: { expirable: true, password: true }, default: '' },
		{ displayName: 'Access Token', name: 'accessToken', type: 'hidden', typeOptions: { password: true }, default: '' },
		{ displayName: 'Token Expires At', name: 'tokenExpiresAt', type: 'hidden', typeOptions: { password: true }, default: 0 },
		{
			displayName: 'REST API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://123-ABC-456.mktorest.com',
			description:
				'In Marketo: Admin > Integration > Web Services > REST API > Endpoint. Paste it with or without the trailing /rest.',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: 'In Marketo: Admin > Integration > LaunchPoint > your Custom service > View Details',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'In Marketo: Admin > Integration > LaunchPoint > your Custom service > View Details',
		},
		{
			displayName: 'API Calls per 20 Seconds',
			name: 'rateLimitCalls',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 100 },
			default: 50,
			description:
				"Marketo allows 100 calls per 20 seconds per instance, shared by every integration on it. 50 is Adobe's recommended share for one integration; raise it only if nothing else uses this instance.",
		},
		{
			displayName: 'Concurrent Calls',
			name: 'maxConcurrent',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 10 },
			default: 5,
			description:
				"Marketo allows 10 calls in flight per instance, shared by every integration. 5 is Adobe's recommended share.",
		},
		{
			displayName: 'Rate Window (Seconds)',
			name: 'rateWindowSeconds',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 3600 },
			default: 20,
			description:
				"Length of Marketo's rate-limit window. Keep 20 for Marketo (a longer window spends the share more slowly); a shorter one is accepted only for a local test server, such as the Marketo sandbox run with a time scale.",
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const storedExpiry = Number(credentials.tokenExpiresAt) || 0;
		if (typeof credentials.accessToken === 'string' && credentials.accessToken && storedExpiry - Date.now() > STORED_TOKEN_MARGIN_MS) {
			return { sessionToken: '', accessToken: credentials.accessToken, tokenExpiresAt: storedExpiry };
		}
		const { token, expiresAt } = await credentialClient(credentials, this.helpers.httpRequest).accessToken();
		// the expirable field stays empty, so that this runs again before the next request
		return { sessionToken: '', accessToken: token, tokenExpiresAt: expiresAt };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};
}
