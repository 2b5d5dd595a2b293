import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { credentialClient, heldToken } from '../nodes/Marketo/transport';

/** Tokens this process has handed to n8n to store: concurrent first requests store a token once, not once each. */
const handedToN8n = new Set<string>();

/** The stored token, while it has useful life left (until `tokenRefreshAt`, the transport's own safety margin). */
function storedToken(credentials: ICredentialDataDecryptedObject): string | undefined {
	const token = credentials.sessionToken;
	return typeof token === 'string' && token && Date.now() < (Number(credentials.tokenRefreshAt) || 0) ? token : undefined;
}

/**
 * Marketo API access: a LaunchPoint "Custom" service bound to an API-only user.
 *
 * The Marketo nodes fetch the access token through their transport: from `<base>/identity/oauth/token`
 * (client_credentials, as a form POST so the secret never sits in a URL), cached per instance for the whole n8n
 * process, sent only as `Authorization: Bearer`, replaced before it expires and whenever Marketo answers 601/602.
 *
 * The credential also works in n8n's HTTP Request node (Predefined Credential Type > Marketo API), for the
 * endpoints the node does not cover. n8n calls preAuthentication when the expirable field (`sessionToken`) is empty
 * or a request failed, and saves the credential (re-encrypted, one database write) whenever preAuthentication hands
 * the field back. So the field holds the token itself, with `tokenRefreshAt` beside it (both encrypted with the rest
 * of the credential), and the credential is written only when the token changes:
 * - authenticate sends the token this process holds (the Marketo node replaces it after a 601/602), else the
 *   stored one while it has useful life left; with neither, it fails the request before sending it, and n8n then
 *   asks preAuthentication for a new token and sends the request again with it (a stale token never reaches Marketo);
 * - preAuthentication hands a token back only when the stored one is missing or stale, and a token once per process
 *   (the other requests of a batch use the process-wide cache); after a failed request with a good stored token it
 *   hands back nothing, so n8n neither writes the credential nor repeats the request.
 */
export class MarketoApi implements ICredentialType {
	name = 'marketoApi';

	displayName = 'Marketo API';

	icon: Icon = { light: 'file:marketo.svg', dark: 'file:marketo.dark.svg' };

	documentationUrl = 'https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/authentication';

	properties: INodeProperties[] = [
		{ displayName: 'Access Token', name: 'sessionToken', type: 'hidden', typeOptions: { expirable: true, password: true }, default: '' },
		{ displayName: 'Token Refresh At', name: 'tokenRefreshAt', type: 'hidden', typeOptions: { password: true }, default: 0 },
		{
			// shown above the fields, not in tooltips: where each value is found in Marketo
			displayName:
				'In Marketo, an admin finds these under Admin > Integration: the base URL in Web Services (REST API > Endpoint), the Client ID and Secret in LaunchPoint (your Custom service > View Details). The service needs an API-only user whose role has the API permissions the workflow uses.',
			name: 'whereToFind',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'REST API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://123-ABC-456.mktorest.com',
			hint: 'In Marketo: Admin > Integration > Web Services > REST API > Endpoint. Paste it with or without the trailing /rest.',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			hint: 'In Marketo: Admin > Integration > LaunchPoint > your Custom service > View Details',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			hint: 'In Marketo: Admin > Integration > LaunchPoint > your Custom service > View Details',
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
			hint: 'Leave at 20: Marketo counts calls per 20 seconds. Only a local test server (such as the Marketo sandbox) accepts a shorter window.',
			description:
				"Length of Marketo's rate-limit window. A longer window spends the share more slowly; a shorter one is refused unless the base URL is on this computer (localhost or 127.x).",
		},
		{
			displayName: 'Adapt Pace to Other Integrations',
			name: 'adaptivePacing',
			type: 'boolean',
			default: true,
			description:
				"Whether to slow down when Marketo says the shared limits are reached (another integration or another n8n worker is using them) and speed up again, up to the share above, while calls go through. Turn off only to compare: n8n then always uses its whole share and waits 20 seconds after each refusal.",
		},
		{
			displayName: 'Daily Call Budget',
			name: 'dailyBudget',
			type: 'options',
			options: [
				{ name: 'None', value: 'none', description: 'No limit of its own: n8n stops only when Marketo refuses calls (error 607)' },
				{ name: 'Share of the Daily Quota', value: 'percent', description: "Stop when the instance's calls today reach a percentage of its daily quota" },
				{ name: 'Number of Calls', value: 'calls', description: "Stop when the instance's calls today reach a number" },
			],
			default: 'none',
			description:
				"Marketo's daily API quota (50,000 calls by default) is shared by every integration on the instance, such as the CRM sync. With a budget, n8n reads Marketo's own count of today's calls at the start of each run and every 200 calls, and stops before the call that would go over it, saying when the quota resets (midnight US Central time).",
		},
		{
			displayName: 'Daily Call Budget (%)',
			name: 'dailyBudgetPercent',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 100 },
			default: 80,
			displayOptions: { show: { dailyBudget: ['percent'] } },
			description: "The part of the instance's daily quota that may be used (by every integration together) before n8n stops calling Marketo",
		},
		{
			displayName: 'Daily Quota of the Instance',
			name: 'dailyQuota',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50000,
			displayOptions: { show: { dailyBudget: ['percent'] } },
			description: 'Calls per day your Marketo subscription allows (50,000 unless Adobe raised it; see Admin > Web Services > API Call Information)',
		},
		{
			displayName: 'Daily Call Budget (Calls)',
			name: 'dailyBudgetCalls',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 10000,
			displayOptions: { show: { dailyBudget: ['calls'] } },
			description: 'Calls per day on the instance (every integration counted) after which n8n stops calling Marketo',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		// a good stored token: nothing to store (n8n also calls this after a request failed for another reason)
		if (storedToken(credentials)) return {};
		const replacing = typeof credentials.sessionToken === 'string' && credentials.sessionToken !== '';
		const { token, refreshAt } = await credentialClient(credentials, this.helpers.httpRequest).accessToken();
		// an empty field and a token this process already handed over: another request is storing it, and
		// authenticate finds it in the process-wide cache (a stale one must be handed back: n8n retries with it)
		if (!replacing && handedToN8n.has(token)) return {};
		if (handedToN8n.size > 100) handedToN8n.clear();
		handedToN8n.add(token);
		return { sessionToken: token, tokenRefreshAt: refreshAt };
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		// the process's token first: it is the one the Marketo node replaced after a 601/602
		const token = (await heldToken(credentials)) ?? storedToken(credentials);
		if (!token) {
			// n8n then asks preAuthentication for a new token and sends the request again (its newer request helper
			// does so on HTTP 401 only, hence the status)
			throw Object.assign(new Error('The access token stored in the Marketo API credential has expired'), { response: { status: 401 } });
		}
		return { ...requestOptions, headers: { ...requestOptions.headers, Authorization: `Bearer ${token}` } };
	}
}
