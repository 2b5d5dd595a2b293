/**
 * Runs the Marketo node's operations through its router with a small stand-in for n8n's IExecuteFunctions:
 * parameters are given per item (a function of the item stands in for an expression), and resource locators are
 * resolved the way n8n does it, with the regex the node declares for the URL mode. Calls go to a real sandbox
 * over loopback. The end-to-end tests run the same operations in a real n8n; this covers input checks and
 * batching corners quickly.
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, ILoadOptionsFunctions, INodeExecutionData, INodePropertyMode } from 'n8n-workflow';

import { buildProperties, route } from '../../../nodes/Marketo/actions/router';
import { resetLimiters, resetTokens } from '../../../nodes/Marketo/transport';
import { MarketoSandbox } from '../../../sandbox';
import type { RequestLogEntry, SandboxOptions } from '../../../sandbox';
import { testNode } from './fakeMarketo';

export type Json = Record<string, unknown>;
export type Param = unknown | ((json: Json, itemIndex: number) => unknown);

export const rl = (mode: 'list' | 'id' | 'url', value: string | number): Json => ({ __rl: true, mode, value: String(value) });
export const fromItem = (key: string) => (json: Json) => json[key];

/** The resource locator modes the node declares for a parameter name. */
function modesOf(name: string): INodePropertyMode[] {
	const property = buildProperties().find((p) => p.name === name && p.type === 'resourceLocator');
	return property?.modes ?? [];
}

/** n8n's resolution of a resource locator value with `extractValue: true`. */
function extractValue(name: string, value: Json): unknown {
	const mode = modesOf(name).find((m) => m.name === value.mode);
	const text = String(value.value ?? '');
	if (mode?.extractValue?.type === 'regex') {
		const match = new RegExp(mode.extractValue.regex).exec(text);
		if (!match) throw new Error(`ERROR: ${mode.displayName} parameter's value is invalid`);
		return match[1];
	}
	return text;
}

export interface HarnessOptions {
	continueOnFail?: boolean;
	/** binary data of the input items, by item index and property name */
	binary?: Array<Record<string, { data: string; mimeType: string; fileName?: string }>>;
}

/** n8n's `helpers.httpRequest` as the transport uses it (full response, no throwing on status), over fetch. */
async function textHttpRequest(request: IHttpRequestOptions) {
	const response = await fetch(request.url, {
		method: request.method,
		headers: request.headers as Record<string, string>,
		body: request.body as string | undefined,
	});
	return { statusCode: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
}

/** The node, bound to a started sandbox. */
export function nodeHarness(sandbox: () => MarketoSandbox, credential: () => Json) {
	async function run(parameters: Record<string, Param>, items: Json[] = [{}], options: HarnessOptions = {}): Promise<INodeExecutionData[]> {
		// as n8n stores them: a parameter given per item (a function here) is an expression
		const stored = Object.fromEntries(Object.entries(parameters).map(([name, value]) => [name, typeof value === 'function' ? '={{ per item }}' : value]));
		const fn = {
			getInputData: () => items.map((json, i) => ({ json: json as IDataObject, binary: options.binary?.[i] })),
			getNode: () => ({ ...testNode, parameters: stored }),
			continueOnFail: () => options.continueOnFail ?? false,
			getCredentials: async () => credential(),
			getNodeParameter: (name: string, itemIndex: number, ...rest: [unknown?, { extractValue?: boolean }?]) => {
				const [fallback, extract] = rest;
				// a path into a parameter (e.g. the column mapper's 'columns.value'), as n8n reads it
				const given = name in parameters ? parameters[name] : name.split('.').reduce<unknown>((at, key) => (at as Json | undefined)?.[key], parameters);
				let value = typeof given === 'function' ? (given as (j: Json, i: number) => unknown)(items[itemIndex], itemIndex) : given;
				if (value === undefined) {
					if (rest.length > 0) return fallback;
					throw new Error(`Could not get parameter "${name}"`);
				}
				if (value && typeof value === 'object' && (value as Json).__rl && extract?.extractValue) value = extractValue(name, value as Json);
				return value;
			},
			helpers: {
				httpRequest: textHttpRequest,
				getBinaryDataBuffer: async (itemIndex: number, property: string) => Buffer.from(options.binary?.[itemIndex]?.[property]?.data ?? '', 'base64'),
			},
		} as unknown as IExecuteFunctions;
		const [output] = await route.call(fn);
		return output;
	}
	/** What n8n hands a list search or load options method: the credential, the node and the HTTP helper. */
	function loadOptionsContext(): ILoadOptionsFunctions {
		return {
			getNode: () => testNode,
			getCredentials: async () => credential(),
			helpers: { httpRequest: textHttpRequest },
		} as unknown as ILoadOptionsFunctions;
	}
	const calls = (path: string | RegExp, method?: string): RequestLogEntry[] =>
		sandbox().requestLog.filter((e) => (typeof path === 'string' ? e.path === path : path.test(e.path)) && (!method || e.method === method));
	return { run, calls, loadOptionsContext };
}

export const jsonOf = (output: INodeExecutionData[]) => output.map((o) => o.json);
export const pairedOf = (output: INodeExecutionData[]) => output.map((o) => (o.pairedItem as { item: number }).item);

/**
 * A sandbox for the whole test file, reset before each test together with the process-wide token cache and rate
 * limiters; `credential` is the sandbox's credential (fast rate window), with `extra` values on top.
 */
export function fileSandbox(options: SandboxOptions): { sandbox: () => MarketoSandbox; credential: (extra?: Json) => Json } {
	let sandbox: MarketoSandbox;
	let url = '';
	beforeAll(async () => {
		sandbox = new MarketoSandbox(options);
		({ url } = await sandbox.start());
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	beforeEach(() => {
		sandbox.reset();
		resetTokens();
		resetLimiters();
	});
	return {
		sandbox: () => sandbox,
		credential: (extra = {}) => ({ baseUrl: url, clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret', rateLimitCalls: 100, rateWindowSeconds: 1, ...extra }),
	};
}
