import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { assetLocator, locatorId } from '../shared/locators';
import { InputError } from '../shared/values';

/**
 * The smart campaign: picked from a list searchable by name (`searchMethod`: every campaign, or only those Marketo
 * lets the API request), given by ID, or pasted as its Marketo URL (`https://app-xxx.marketo.com/#SC1001A1`).
 */
export function campaignLocator(description: string, searchMethod: 'searchCampaigns' | 'searchRequestableCampaigns'): INodeProperties {
	return assetLocator({ name: 'campaign', displayName: 'Campaign', description, noun: 'smart campaign', searchListMethod: searchMethod, urlCode: 'SC', exampleId: 1001 });
}

export function campaignId(fn: IExecuteFunctions, itemIndex: number): number {
	return locatorId(fn, itemIndex, 'campaign', 'Campaign');
}

export const myTokensField: INodeProperties = {
	displayName: 'My Tokens',
	name: 'tokens',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	default: {},
	placeholder: 'Add Token',
	description:
		"Values for this run only, replacing the My Tokens of the campaign's program (for example a webinar link in the email the campaign sends). The tokens must exist in the program or a parent folder.",
	options: [
		{
			name: 'token',
			displayName: 'Token',
			values: [
				{
					displayName: 'Name',
					name: 'name',
					type: 'string',
					default: '',
					placeholder: 'e.g. {{my.Webinar Link}}',
					description: 'The token as written in Marketo, with its braces: {{my.Name}}',
				},
				{ displayName: 'Value', name: 'value', type: 'string', default: '', description: 'Value for this run' },
			],
		},
	],
};

export interface MyToken {
	name: string;
	value: string;
}

/** Marketo takes at most 100 tokens per call. */
const MAX_TOKENS = 100;
const TOKEN_NAME = /^\{\{my\.[^{}]+\}\}$/;

/** The My Tokens of an item, checked before any call: names like {{my.Name}}, each once, at most 100. */
export function readTokens(fn: IExecuteFunctions, itemIndex: number): MyToken[] {
	const collection = fn.getNodeParameter('tokens', itemIndex, {}) as { token?: Array<{ name?: unknown; value?: unknown }> };
	const tokens = (collection.token ?? []).map((t) => ({ name: String(t.name ?? '').trim(), value: t.value === undefined || t.value === null ? '' : String(t.value) }));
	if (tokens.length > MAX_TOKENS) throw new InputError(`'My Tokens': Marketo takes at most ${MAX_TOKENS} tokens; got ${tokens.length}`);
	const seen = new Set<string>();
	for (const token of tokens) {
		if (!TOKEN_NAME.test(token.name)) {
			throw new InputError(`'My Tokens': the name "${token.name}" must look like {{my.Name}} (the token as written in Marketo, with its braces)`);
		}
		if (seen.has(token.name)) throw new InputError(`'My Tokens': ${token.name} is given twice`);
		seen.add(token.name);
	}
	return tokens;
}
