/**
 * Peer: the same job as the ceiling benchmark (lead ids added to a static list), done the way users do it without
 * this package, in the same n8n run against the same sandbox (Marketo's limits on: 100 calls per window, 10 in
 * flight). One workflow, one `n8n execute`, four branches run one after the other, a rate window apart:
 *
 *   1. the Marketo node, List Membership > Add Leads (credential at its default share: 50 / window, 5 in flight);
 *   2. HTTP Request, one call per 300 ids: a Code node chunks the ids, the token is fetched by an HTTP Request node
 *      from /identity/oauth/token (client id and secret in the query, as Marketo's guide shows it);
 *   3. HTTP Request, one call per id, paced with the node's Batching option to 5 calls per 1/20 window
 *      (= 100 per window, Marketo's whole limit);
 *   4. HTTP Request, one call per id with the node's defaults (what a user builds first).
 *
 * Each branch writes to its own static list, so the sandbox's request log and list members tell them apart.
 *
 *   npx tsx bench/peer.ts                      3,000 ids, time scale 0.1 (2 s window; about 2 minutes)
 *   BENCH_LEADS=1000 BENCH_TIME_SCALE=0.25 npx tsx bench/peer.ts
 */
import {
	buildWorkflow,
	codeNode,
	generatedItemsNode,
	itemsOf,
	marketoNode,
	type NodeSpec,
	type RunResult,
} from '../test/e2e/rig';
import {
	benchRig,
	envNumber,
	executeLarge,
	int,
	logFigures,
	machine,
	main,
	MARKETO_LIMITS,
	nodeTimeMs,
	progress,
	ratio,
	report,
	seconds,
	table,
	timeScale,
} from './lib';

interface Variant {
	key: string;
	label: string;
	listId: number;
	/** the nodes after the Start trigger (a Wait node is put in front of every branch but the first) */
	chain: NodeSpec[];
	/** nodes whose execution time is the branch's work */
	timed: string[];
	/** the node whose output items carry each call's answer */
	output: string;
}

function httpRequest(name: string, parameters: Record<string, unknown>): NodeSpec {
	return { name, type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, parameters };
}

/** The token as users fetch it: GET /identity/oauth/token with the client id and secret in the query, once. */
function getToken(name: string, baseUrl: string, clientId: string, clientSecret: string): NodeSpec {
	return {
		...httpRequest(name, {
			method: 'GET',
			url: `${baseUrl}/identity/oauth/token`,
			sendQuery: true,
			queryParameters: {
				parameters: [
					{ name: 'grant_type', value: 'client_credentials' },
					{ name: 'client_id', value: clientId },
					{ name: 'client_secret', value: clientSecret },
				],
			},
			options: {},
		}),
		executeOnce: true,
	} as NodeSpec;
}

/** POST /rest/v1/lists/{id}/leads.json with a JSON body `{input:[{id}]}` and the Bearer token from `tokenNode`. */
function addToList(name: string, baseUrl: string, listId: number, tokenNode: string, jsonBody: string, options: Record<string, unknown> = {}): NodeSpec {
	return httpRequest(name, {
		method: 'POST',
		url: `${baseUrl}/rest/v1/lists/${listId}/leads.json`,
		sendHeaders: true,
		headerParameters: {
			parameters: [{ name: 'Authorization', value: `=Bearer {{ $('${tokenNode}').first().json.access_token }}` }],
		},
		sendBody: true,
		contentType: 'json',
		specifyBody: 'json',
		jsonBody,
		options,
	});
}

function waitNode(name: string, secondsToWait: number): NodeSpec {
	return {
		name,
		type: 'n8n-nodes-base.wait',
		typeVersion: 1.1,
		parameters: { resume: 'timeInterval', amount: secondsToWait, unit: 'seconds' },
	};
}

/** Items of a node's output whose answer was not `success:true` with every record added. */
function failedItems(result: RunResult, nodeName: string): number {
	return itemsOf(result, nodeName).filter((item) => {
		const json = item.json as { success?: boolean; status?: string; result?: Array<{ status?: string }> };
		if (json.status !== undefined) return json.status !== 'added';
		return json.success !== true || (json.result ?? []).some((r) => r.status !== 'added');
	}).length;
}

main(async () => {
	const leads = envNumber('BENCH_LEADS', 3_000, (n) => Number.isInteger(n) && n > 0);
	const scale = timeScale(0.1);
	const windowSeconds = MARKETO_LIMITS.windowSeconds * scale;
	const windowMs = windowSeconds * 1000;
	// Marketo's 100 calls per 20 s as the HTTP Request node's Batching option: 5 items every second, scaled
	const pace = { batchSize: 5, batchInterval: Math.round((windowMs * 5) / MARKETO_LIMITS.calls) };

	const peerUser = { clientId: 'peer-client-id', clientSecret: 'peer-client-secret', email: 'peer@sandbox.example.com' };
	const rig = await benchRig({
		sandbox: { seedLeads: leads, timeScale: scale, maxLogEntries: 100_000, apiUsers: [peerUser] },
		credential: { rateWindowSeconds: windowSeconds },
		credentialName: 'Marketo bench',
	});
	try {
		const sandbox = rig.sandbox!;
		const base = rig.baseUrl;
		const ids = (name: string) => generatedItemsNode(name, leads, '(i) => ({ id: i + 1 })');
		const chunk300 = codeNode(
			'Chunk 300',
			'const ids = $input.all().map((item) => item.json.id);\n' +
				'const out = [];\n' +
				'for (let i = 0; i < ids.length; i += 300) out.push({ json: { input: ids.slice(i, i + 300).map((id) => ({ id })) } });\n' +
				'return out;',
		);
		const variants: Variant[] = [
			{
				key: 'node',
				label: 'Marketo node, Add Leads (credential defaults: 50 / window, 5 in flight)',
				listId: 1021,
				chain: [
					ids('IDs 1'),
					marketoNode(rig.credential, {
						resource: 'listMembership',
						operation: 'add',
						list: { __rl: true, mode: 'id', value: '1021' },
						leadId: '={{ $json.id }}',
					}),
				],
				timed: ['Marketo'],
				output: 'Marketo',
			},
			{
				key: 'batch',
				label: 'HTTP Request, 300 ids per call (Code node chunks them), token by HTTP Request',
				listId: 1022,
				chain: [
					getToken('Token 2', base, peerUser.clientId, peerUser.clientSecret),
					ids('IDs 2'),
					chunk300,
					addToList('Add per 300', base, 1022, 'Token 2', '={{ JSON.stringify({ input: $json.input }) }}'),
				],
				timed: ['Token 2', 'Chunk 300', 'Add per 300'],
				output: 'Add per 300',
			},
			{
				key: 'paced',
				label: `HTTP Request, 1 id per call, Batching ${pace.batchSize} items / ${pace.batchInterval} ms (100 per window), token by HTTP Request`,
				listId: 1023,
				chain: [
					getToken('Token 3', base, peerUser.clientId, peerUser.clientSecret),
					ids('IDs 3'),
					addToList('Add paced', base, 1023, 'Token 3', '={ "input": [ { "id": {{ $json.id }} } ] }', { batching: { batch: pace } }),
				],
				timed: ['Token 3', 'Add paced'],
				output: 'Add paced',
			},
			{
				key: 'naive',
				label: 'HTTP Request, 1 id per call, node defaults, token by HTTP Request',
				listId: 1026,
				chain: [
					getToken('Token 4', base, peerUser.clientId, peerUser.clientSecret),
					ids('IDs 4'),
					addToList('Add per item', base, 1026, 'Token 4', '={ "input": [ { "id": {{ $json.id }} } ] }'),
				],
				timed: ['Token 4', 'Add per item'],
				output: 'Add per item',
			},
		];
		// a full rate window between branches, so that each starts with an empty window
		const branches = variants.map((v, i) => (i === 0 ? v.chain : [waitNode(`Wait ${i + 1}`, windowSeconds + 1), ...v.chain]));
		const workflow = buildWorkflow('Bench peer', ...branches);
		await rig.importWorkflows([workflow]);
		const members = new Map(variants.map((v) => [v.listId, sandbox.assets.memberIds(v.listId).length]));
		sandbox.clearLog();

		const load = machine();
		progress(`adding ${int(leads)} ids four ways in one n8n run`);
		const result = await executeLarge(rig, workflow.id, 9 * 60_000);
		if (!result.run) throw new Error(`n8n printed no run: ${result.stderr.slice(-2000)}`);
		if (!result.ok) progress(`the workflow ended with an error: ${result.error?.message}`);

		const log = sandbox.requestLog;
		const rows: string[][] = [];
		let nodeMs = 0;
		for (const v of variants) {
			const calls = log.filter((e) => e.path === `/rest/v1/lists/${v.listId}/leads.json`);
			const f = logFigures(calls);
			const ms = v.timed.reduce((sum, name) => sum + nodeTimeMs(result, name), 0);
			if (v.key === 'node') nodeMs = ms;
			const added = sandbox.assets.memberIds(v.listId).length - (members.get(v.listId) ?? 0);
			rows.push([
				v.label,
				int(f.calls),
				seconds(ms, 2),
				v.key === 'node' ? '1.00×' : ratio(ms / nodeMs),
				int(f.rate606),
				int(f.conc615),
				int(failedItems(result, v.output)),
				`${int(added)} / ${int(leads)}`,
			]);
		}
		const tokenCalls = log.filter((e) => e.path === '/identity/oauth/token');
		report(
			`Peer: ${int(leads)} lead ids added to a static list, the Marketo node vs the HTTP Request node`,
			table(['way', 'Add calls', `time (sandbox at time scale ${scale})`, 'vs node', '606', '615', 'items not added', 'ids in the list'], rows),
			[
				`One workflow, one \`n8n execute\`, branches one after the other with a rate window between them; ${int(tokenCalls.length)} token calls in all (${int(
					tokenCalls.filter((e) => e.query.client_id === peerUser.clientId).length,
				)} by the HTTP Request branches, with their own API user and the secret in the query, as Marketo’s guide shows it).`,
				scale === 1
					? 'Real time: the sandbox’s window is Marketo’s 20 s.'
					: `Sandbox time scale ${scale}: the rate window is ${windowSeconds} s instead of 20 s (the credential’s Rate Window and the HTTP Request pacing are scaled to match); multiply the paced branch’s time by ${1 / scale} for real time.`,
				'Time: n8n’s execution time of the branch’s nodes (token, chunking, calls), the ids source excluded.',
				'HTTP Request answers with HTTP 200 for 606 and 615 (Marketo’s errors are in the body), so its branches end “successfully” with those items not added; Retry On Fail does not see them.',
				`Machine: ${load}.`,
			],
		);
	} finally {
		await rig.dispose();
	}
});
