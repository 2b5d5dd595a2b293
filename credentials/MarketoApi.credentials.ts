import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Marketo REST API access: a LaunchPoint "Custom" service bound to an API-only user.
 *
 * The access token is not stored here. The node's transport fetches it from `<base>/identity/oauth/token`
 * (client_credentials, as a form POST so the secret never sits in a URL), caches it per instance for the whole n8n
 * process, sends it only as `Authorization: Bearer`, and replaces it before it expires and whenever Marketo answers
 * 601/602. n8n's expirable-credential mechanism refreshes only on an empty token or HTTP 401, and Marketo reports
 * an expired token with HTTP 200, so it cannot do this job. The credential test is the Marketo node's
 * `marketoApiConnectionTest`, which runs the same transport.
 */
export class MarketoApi implements ICredentialType {
	name = 'marketoApi';

	displayName = 'Marketo API';

	icon: Icon = { light: 'file:marketo.svg', dark: 'file:marketo.dark.svg' };

	documentationUrl = 'https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/authentication';

	properties: INodeProperties[] = [
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
}
