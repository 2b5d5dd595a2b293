import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { isDroppedConnection, MarketoApiError, RETRYABLE_HTTP_STATUSES } from './errors';
import type { Clock, HttpSender, HttpResponse } from './http';
import { REQUEST_TIMEOUT_MS } from './http';
import { bodyText, encodeQuery, parseJson } from './response';
import type { MarketoEnvelope, MarketoSettings } from './types';

/**
 * `POST <base>/identity/oauth/token` with a form body: the secret never sits in a URL (URLs end up in proxy and
 * server logs). Dropped connections and 5xx are retried; a refusal is reported with Marketo's own words.
 */
export async function fetchToken(
settings: MarketoSettings,
node: INode,
sender: HttpSender,
clock: Clock,
maxAttempts: number,
backoffDelay: (attempt: number) => number,
): Promise<{ accessToken: string; expiresInSeconds: number }> {
	const url = `${settings.baseUrl}/identity/oauth/token`;
	const body = encodeQuery({
		grant_type: 'client_credentials',
		client_id: settings.clientId,
		client_secret: settings.clientSecret,
	});
	for (let attempt = 1; ; attempt++) {
		let response: HttpResponse;
		try {
			response = await sender({
				method: 'POST',
				url,
				headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
				body,
				timeout: REQUEST_TIMEOUT_MS,
			});
		} catch (error) {
			if (isDroppedConnection(error) && attempt < maxAttempts) {
				await clock.sleep(backoffDelay(attempt));
				continue;
			}
			throw new NodeOperationError(node, `Could not reach Marketo's identity service at ${url}`, {
				description: `${(error as Error).message}. Check the REST API base URL in the credential (In Marketo: Admin > Integration > Web Services > REST API > Endpoint, pasted with or without the trailing /rest).`,
			});
		}
		if (RETRYABLE_HTTP_STATUSES.has(response.statusCode) && attempt < maxAttempts) {
			await clock.sleep(backoffDelay(attempt));
			continue;
		}
		const text = bodyText(response.body);
		const json = parseJson(text) as Record<string, unknown> | undefined;
		if (response.statusCode === 200 && json && typeof json.access_token === 'string') {
			const expiresIn = Number(json.expires_in);
			return { accessToken: json.access_token, expiresInSeconds: Number.isFinite(expiresIn) ? expiresIn : 0 };
		}
		const marketoSays = json
			? String(json.error_description ?? json.error ?? (json as MarketoEnvelope).errors?.[0]?.message ?? text.slice(0, 120))
			: text.slice(0, 120).trim();
		if (response.statusCode === 401 || response.statusCode === 400) {
			throw new MarketoApiError(node, {
				code: `HTTP ${response.statusCode}`,
				message: `Marketo refused the Client ID / Client Secret: ${marketoSays || 'unauthorized'}`,
				httpStatus: response.statusCode,
				hint: 'Copy the Client ID and Client Secret again from Marketo Admin > LaunchPoint > (your custom service) > View Details, and check that the API-only user is active.',
			});
		}
		throw new MarketoApiError(node, {
			code: `HTTP ${response.statusCode}`,
			message: `No usable answer from Marketo's identity service at ${url}${marketoSays ? `: ${marketoSays}` : ''}`,
			httpStatus: response.statusCode,
			hint: 'Check the REST API base URL in the credential: it is shown in Marketo under Admin > Integration > Web Services > REST API > Endpoint (https://<munchkin-id>.mktorest.com, with or without the trailing /rest).',
		});
	}
}
