/**
 * The real-n8n end-to-end rig.
 *
 * One rig per test file: a fresh n8n user folder (its own SQLite database), this package packed with
 * `npm pack` and installed into `<userFolder>/.n8n/nodes` the way a user installs a community package,
 * a `marketoApi` credential imported with `n8n import:credentials`, and workflows imported with
 * `n8n import:workflow` and run with `n8n execute --id <id> --rawOutput`, whose JSON is parsed into
 * the run data the helpers below read.
 *
 * The credential points at a Marketo sandbox started in-process, or at a real Marketo instance when
 * MARKETO_BASE_URL, MARKETO_CLIENT_ID and MARKETO_CLIENT_SECRET are set (see `realMarketo`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

import { normalizeBaseUrl } from '../../nodes/Marketo/transport';
import type { MarketoSandbox, SandboxOptions } from '../../sandbox';

export const REPO_DIR = resolve(__dirname, '..', '..');
export const N8N_VERSION = process.env.N8N_VERSION ?? '2.8.4';
/** Where scripts/ensure-n8n.sh installs n8n releases (and the Node.js versions they need). */
const RUNTIME_DIR = join(REPO_DIR, '.n8n-runtime');

/** A poll at second 0 and second 30 of every minute. */
export const HALF_MINUTE_CRON = '0,30 * * * * *';
/** A poll at second 0 of every minute (n8n's own "Every Minute" picks a random second, which blurs poll slots). */
export const MINUTE_CRON = '0 * * * * *';

/** Whether polling every 30 s with HALF_MINUTE_CRON activates in this release (see RELEASE.pollSeconds). */
export function acceptsHalfMinutePolls(version: string): boolean {
	const [major, minor] = version.split('.').map(Number);
	return major < 2 || (major === 2 && minor < 10);
}

/**
 * Everything that differs between the tested n8n releases, in one place (the rest of the rig and the tests are
 * the same for all of them):
 * - the Node.js n8n runs on: 2.10 on need Node 22 or 24, which scripts/ensure-n8n.sh installs and names in
 *   .n8n-runtime/<version>/.node-bin; it goes first on PATH for the n8n process only (jest keeps its own Node);
 * - activating a workflow for `n8n start`: 2.x publishes it (`publish:workflow`); 1.x has no publish command;
 * - the shortest poll schedule a polling trigger may have (`pollSeconds`, `pollTimes()`).
 */
export const RELEASE = {
	version: N8N_VERSION,
	/**
	 * How often the trigger tests poll: every 30 s (HALF_MINUTE_CRON) where the release accepts it, else every minute
	 * (MINUTE_CRON). 1.123.50 and 2.8.4 accept it; 2.35.7 and 2.41.1 refuse any cron whose seconds field is not one
	 * number ("The polling interval is too short. It has to be at least a minute.") and the workflow does not
	 * activate. Releases from 2.10 on (the Node 22 and 24 ones, not all tested) get a minute, which every release
	 * accepts. Tests that wait for polls scale their timeouts with it.
	 */
	pollSeconds: acceptsHalfMinutePolls(N8N_VERSION) ? 30 : 60,
	/** The Marketo Trigger's "Poll Times" parameter for `pollSeconds`. */
	pollTimes(): { item: Array<Record<string, string>> } {
		return { item: [{ mode: 'custom', cronExpression: this.pollSeconds === 30 ? HALF_MINUTE_CRON : MINUTE_CRON }] };
	},
	/** the folder holding the `node` this release runs on; undefined: the Node running the tests */
	nodeBinDir(): string | undefined {
		const file = join(RUNTIME_DIR, N8N_VERSION, '.node-bin');
		return existsSync(file) ? resolve(RUNTIME_DIR, readFileSync(file, 'utf8').trim()) : undefined;
	},
	activateArgs(workflowId: string): string[] {
		return N8N_VERSION.startsWith('1.')
			? ['update:workflow', `--id=${workflowId}`, '--active=true']
			: ['publish:workflow', `--id=${workflowId}`];
	},
};
export const PACKAGE_NAME = 'n8n-nodes-marketo';
export const MARKETO_NODE_TYPE = `${PACKAGE_NAME}.marketo`;
export const CREDENTIAL_TYPE = 'marketoApi';
/** Fixed so that a kept user folder (E2E_KEEP=1) can be opened later with the same key. */
export const ENCRYPTION_KEY = 'n8n-nodes-marketo-e2e-encryption-key';

/* ------------------------------------------------------------------ real Marketo or sandbox */

export interface MarketoTarget {
	baseUrl: string;
	clientId: string;
	clientSecret: string;
}

/** The real Marketo instance to test against, when the three MARKETO_* variables are set. */
export function realMarketo(): MarketoTarget | undefined {
	const baseUrl = process.env.MARKETO_BASE_URL;
	const clientId = process.env.MARKETO_CLIENT_ID;
	const clientSecret = process.env.MARKETO_CLIENT_SECRET;
	if (!baseUrl || !clientId || !clientSecret) return undefined;
	return { baseUrl, clientId, clientSecret };
}

export const AGAINST_REAL_MARKETO = realMarketo() !== undefined;

/**
 * Why a test cannot run against a real Marketo. Against one, such a test is skipped (never passed by returning early)
 * and the reason is put in its name, so that jest's report says what was not checked and why.
 */
export const NEEDS_SANDBOX = {
	faults: 'needs fault injection',
	log: "counts calls in the sandbox's request log",
	data: "reads or sets the sandbox's data directly",
	seeds: "needs the sandbox's seeded lists, programs and leads",
	users: 'needs a second API user with a restricted role',
	clock: "needs the sandbox's short token lifetime or time scale",
	secret: 'needs a client secret and tokens the test knows',
} as const;

/** The name a sandbox-only test has when it is skipped against a real Marketo. */
export function skippedAgainstMarketo(name: string, reason: string): string {
	return `${name} [skipped against a real Marketo: ${reason}]`;
}

/** `it` against the sandbox; against a real Marketo, `it.skip` with the reason in the test's name. */
function sandboxIt(reason: string): jest.It {
	if (typeof it === 'undefined') return undefined as unknown as jest.It;
	if (!AGAINST_REAL_MARKETO) return it;
	const label = (name: unknown) => skippedAgainstMarketo(String(name), reason);
	const skip = ((name: string, fn?: jest.ProvidesCallback, timeout?: number) => it.skip(label(name), fn, timeout)) as unknown as jest.It;
	const each = (...table: unknown[]) => (name: string, fn: (...args: unknown[]) => unknown, timeout?: number) =>
		(it.skip.each as (...t: unknown[]) => (n: string, f: unknown, t?: number) => void)(...table)(label(name), fn, timeout);
	return Object.assign(skip, { each, skip, only: skip, concurrent: skip, failing: skip, todo: it.todo });
}

/** `describe` for a group of tests that all need the sandbox; against a real Marketo it is skipped, reason in its name. */
export function describeSandbox(reason: string): jest.Describe {
	if (typeof describe === 'undefined') return undefined as unknown as jest.Describe;
	if (!AGAINST_REAL_MARKETO) return describe;
	const label = (name: unknown) => skippedAgainstMarketo(String(name), reason);
	const skip = ((name: string, fn: jest.EmptyFunction) => describe.skip(label(name), fn)) as unknown as jest.Describe;
	const each = (...table: unknown[]) => (name: string, fn: (...args: unknown[]) => unknown) =>
		(describe.skip.each as (...t: unknown[]) => (n: string, f: unknown) => void)(...table)(label(name), fn);
	return Object.assign(skip, { each, skip, only: skip });
}

/**
 * `it` for tests that only make sense against the sandbox: `itSandbox(name, fn)` (reason: they read its request log
 * or inject faults), or `itSandbox.because(NEEDS_SANDBOX.faults)(name, fn)` with a reason of its own.
 */
export const itSandbox: jest.It & { because: (reason: string) => jest.It } = (() => {
	const base = sandboxIt('needs fault injection or the request log of the sandbox');
	if (!base) return undefined as unknown as jest.It & { because: (reason: string) => jest.It };
	const call = ((...args: Parameters<jest.It>) => base(...args)) as jest.It;
	const { each, skip, only, todo, concurrent, failing } = base;
	return Object.assign(call, { each, skip, only, todo, concurrent, failing, because: sandboxIt });
})();

/** A name no other run uses, for objects a test creates (and removes) in a real instance. */
export function uniqueName(prefix = 'n8n-e2e'): string {
	return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** A unique e-mail address for leads a test creates. */
export function uniqueEmail(tag = 'lead'): string {
	return `${uniqueName(`n8n-e2e-${tag}`)}@example.com`.toLowerCase();
}

/* ------------------------------------------------------------------ run data */

export interface RunItem {
	json: Record<string, unknown>;
	pairedItem?: { item: number; input?: number } | Array<{ item: number; input?: number }> | number;
	error?: unknown;
	[key: string]: unknown;
}

export interface NodeError {
	message: string;
	description?: string | null;
	httpCode?: string | null;
	name?: string;
	context?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface TaskData {
	startTime: number;
	executionTime: number;
	executionStatus?: string;
	data?: { main?: Array<RunItem[] | null> };
	error?: NodeError;
	hints?: unknown[];
	[key: string]: unknown;
}

/** What `n8n execute --rawOutput` prints: an IRun. */
export interface N8nRun {
	data: {
		resultData: {
			runData: Record<string, TaskData[]>;
			error?: NodeError;
			lastNodeExecuted?: string;
		};
	};
	status: string;
	startedAt: string;
	stoppedAt: string;
	[key: string]: unknown;
}

export interface RunResult {
	/** The parsed run; undefined when n8n did not print one (it failed before running). */
	run?: N8nRun;
	/** true when the workflow ran to the end without a workflow error. */
	ok: boolean;
	/** The workflow error (a node that failed without "continue on fail"). */
	error?: NodeError;
	exitCode: number | null;
	/** The signal that ended n8n, when one did (exitCode is then null). */
	signal?: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	/** Wall time of `n8n execute`, ms (includes booting n8n). */
	durationMs: number;
	workflowId: string;
}

export function taskOf(run: N8nRun | RunResult, nodeName: string, runIndex = 0): TaskData {
	const r = 'data' in run ? run : run.run;
	if (!r) throw new Error('The workflow produced no run data (see stdout/stderr of the result)');
	const tasks = r.data.resultData.runData[nodeName];
	if (!tasks) {
		throw new Error(
			`Node "${nodeName}" did not run; nodes that ran: ${Object.keys(r.data.resultData.runData).join(', ')}`,
		);
	}
	const task = tasks[runIndex];
	if (!task) throw new Error(`Node "${nodeName}" has no run #${runIndex} (it ran ${tasks.length} time(s))`);
	return task;
}

/** Items (json, pairedItem, ...) a node emitted on one output. Throws when the node did not run. */
export function itemsOf(run: N8nRun | RunResult, nodeName: string, output = 0, runIndex = 0): RunItem[] {
	const task = taskOf(run, nodeName, runIndex);
	return task.data?.main?.[output] ?? [];
}

/** The `json` of every item a node emitted on one output. */
export function outputOf(
	run: N8nRun | RunResult,
	nodeName: string,
	output = 0,
	runIndex = 0,
): Array<Record<string, unknown>> {
	return itemsOf(run, nodeName, output, runIndex).map((i) => i.json);
}

/** The error a node failed with (undefined when it succeeded). */
export function errorOf(run: N8nRun | RunResult, nodeName: string, runIndex = 0): NodeError | undefined {
	return taskOf(run, nodeName, runIndex).error;
}

/** Whether a node ran at all. */
export function ran(run: N8nRun | RunResult, nodeName: string): boolean {
	const r = 'data' in run ? run : run.run;
	return !!r?.data.resultData.runData[nodeName];
}

/** Input item indexes an output item is paired with. */
export function pairedIndexes(item: RunItem): number[] {
	const p = item.pairedItem;
	if (p === undefined) return [];
	if (typeof p === 'number') return [p];
	if (Array.isArray(p)) return p.map((x) => x.item);
	return [p.item];
}

/** Pull the pretty-printed IRun out of `n8n execute` stdout (log lines come before and after it). */
export function parseRunOutput(stdout: string): N8nRun | undefined {
	const lines = stdout.split('\n');
	const start = lines.findIndex((l) => l === '{');
	if (start === -1) return undefined;
	const end = lines.findIndex((l, i) => i > start && l === '}');
	if (end === -1) return undefined;
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n')) as N8nRun;
	} catch {
		return undefined;
	}
}

/* ------------------------------------------------------------------ workflow building */

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	alwaysOutputData?: boolean;
	disabled?: boolean;
	notes?: string;
	retryOnFail?: boolean;
}

export interface Workflow {
	id: string;
	name: string;
	active: boolean;
	nodes: WorkflowNode[];
	connections: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }>;
	settings: Record<string, unknown>;
	[key: string]: unknown;
}

/** A node of a chain, without position and id (the builder fills them in). */
export type NodeSpec = Omit<WorkflowNode, 'id' | 'position'> & { id?: string };

export const TRIGGER_NAME = 'Start';

export function newId(length = 16): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	const bytes = randomBytes(length);
	let id = '';
	for (let i = 0; i < length; i++) id += alphabet[bytes[i] % alphabet.length];
	return id;
}

export function manualTrigger(name = TRIGGER_NAME): NodeSpec {
	return { name, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} };
}

/** A Code node running `jsCode` once for all items. */
export function codeNode(name: string, jsCode: string): NodeSpec {
	return { name, type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { mode: 'runOnceForAllItems', jsCode } };
}

/** A Code node that emits the given objects as items. */
export function itemsNode(name: string, items: Array<Record<string, unknown>>): NodeSpec {
	return codeNode(name, `return ${JSON.stringify(items)}.map((json) => ({ json }));`);
}

/**
 * A Code node that emits `count` items built by `make` (a JS function source of `i`, e.g.
 * "(i) => ({ id: i + 1 })"), so that 1,000 items do not bloat the workflow.
 */
export function generatedItemsNode(name: string, count: number, make: string): NodeSpec {
	return codeNode(name, `const make = ${make};\nreturn Array.from({ length: ${count} }, (_, i) => ({ json: make(i) }));`);
}

/** A resource locator value as n8n stores it in a workflow. */
export function rl(mode: 'list' | 'id' | 'url', value: string | number): Record<string, unknown> {
	return { __rl: true, mode, value: String(value) };
}

export interface MarketoNodeOptions {
	name?: string;
	/** What n8n does when the node fails: stop (default), or turn errors into items. */
	onError?: WorkflowNode['onError'];
	alwaysOutputData?: boolean;
}

/** The Marketo node with the given parameters (resource, operation, ...) and the rig's credential. */
export function marketoNode(
	credential: { id: string; name: string },
	parameters: Record<string, unknown>,
	options: MarketoNodeOptions = {},
): NodeSpec {
	const node: NodeSpec = {
		name: options.name ?? 'Marketo',
		type: MARKETO_NODE_TYPE,
		typeVersion: 1,
		parameters,
		credentials: { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
	};
	if (options.onError) node.onError = options.onError;
	if (options.alwaysOutputData) node.alwaysOutputData = true;
	return node;
}

/** n8n's own HTTP Request node (v4.2) calling `GET <path>` on the rig's Marketo with the Marketo API credential. */
export function httpRequestNode(rig: E2eRig, path: string, options: Record<string, unknown> = {}): NodeSpec {
	return {
		name: 'HTTP Request',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'GET',
			url: `${normalizeBaseUrl(rig.baseUrl)}${path}`,
			authentication: 'predefinedCredentialType',
			nodeCredentialType: CREDENTIAL_TYPE,
			options,
		},
		credentials: { [CREDENTIAL_TYPE]: { id: rig.credential.id, name: rig.credential.name } },
	};
}

/**
 * A workflow: a Manual Trigger named "Start", then one chain of nodes per branch, each branch starting at
 * the trigger and running independently of the others (n8n runs them one after the other), so that one
 * n8n boot can cover several scenarios. Node names must be unique across branches.
 */
export function buildWorkflow(name: string, ...branches: NodeSpec[][]): Workflow {
	const trigger = manualTrigger();
	const nodes: WorkflowNode[] = [{ ...trigger, id: newId(8), position: [0, 0] }];
	const connections: Workflow['connections'] = {};
	const seen = new Set([trigger.name]);
	const link = (from: string, to: string) => {
		connections[from] ??= { main: [[]] };
		connections[from].main[0].push({ node: to, type: 'main', index: 0 });
	};
	branches.forEach((chain, b) => {
		let previous = trigger.name;
		chain.forEach((spec, i) => {
			if (seen.has(spec.name)) throw new Error(`Duplicate node name "${spec.name}" in workflow "${name}"`);
			seen.add(spec.name);
			nodes.push({ ...spec, id: spec.id ?? newId(8), position: [240 * (i + 1), 200 * b] });
			link(previous, spec.name);
			previous = spec.name;
		});
	});
	return { id: newId(), name, active: false, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** A workflow that `start` (a trigger node, e.g. the Marketo Trigger) starts, then the nodes of `chain` in turn. */
export function triggeredWorkflow(name: string, start: NodeSpec, ...chain: NodeSpec[]): Workflow {
	const nodes: WorkflowNode[] = [start, ...chain].map((spec, i) => ({ ...spec, id: spec.id ?? newId(8), position: [240 * i, 0] }));
	const connections: Workflow['connections'] = {};
	for (let i = 1; i < nodes.length; i++) connections[nodes[i - 1].name] = { main: [[{ node: nodes[i].name, type: 'main', index: 0 }]] };
	return { id: newId(), name, active: false, nodes, connections, settings: { executionOrder: 'v1' } };
}

/**
 * The usual test workflow: Start -> "Items" (a Code node emitting `items`, or `count` generated items)
 * -> "Marketo" with `parameters`.
 */
export function marketoWorkflow(
	credential: { id: string; name: string },
	parameters: Record<string, unknown>,
	source: { items?: Array<Record<string, unknown>>; count?: number; make?: string } = {},
	options: MarketoNodeOptions & { workflowName?: string } = {},
): Workflow {
	const items =
		source.count !== undefined
			? generatedItemsNode('Items', source.count, source.make ?? '(i) => ({ index: i })')
			: itemsNode('Items', source.items ?? [{}]);
	return buildWorkflow(options.workflowName ?? `Marketo ${String(parameters.resource)} ${String(parameters.operation)}`, [
		items,
		marketoNode(credential, parameters, options),
	]);
}

/* ------------------------------------------------------------------ processes */

/** What n8n says when the task broker's port is in use: it stops before running anything. */
const BROKER_PORT_TAKEN = /Task Broker's port \d+ is already in use/;

export async function freePort(): Promise<number> {
	return await new Promise((resolvePort, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolvePort(port));
		});
	});
}

interface ExecResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	durationMs: number;
}

/**
 * Runs a command to its end. Its stdout and stderr go to files, not pipes: n8n prints a run with console output and
 * then exits at once, and output still queued for a pipe at that moment is lost (seen with runs of 20 MB), while
 * writes to a file are synchronous.
 */
function run(
	command: string,
	args: string[],
	options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ExecResult> {
	const started = Date.now();
	const dir = mkdtempSync(join(tmpdir(), 'n8n-run-'));
	const outFile = join(dir, 'stdout');
	const errFile = join(dir, 'stderr');
	const out = openSync(outFile, 'w');
	const err = openSync(errFile, 'w');
	return new Promise((resolveRun) => {
		let finished = false;
		const finish = (code: number | null, signal: NodeJS.Signals | null = null) => {
			if (finished) return;
			finished = true;
			clearTimeout(timer);
			closeSync(out);
			closeSync(err);
			const stdout = readFileSync(outFile, 'utf8');
			const stderr = readFileSync(errFile, 'utf8');
			rmSync(dir, { recursive: true, force: true });
			resolveRun({ code, signal, stdout, stderr, durationMs: Date.now() - started });
		};
		const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', out, err] });
		const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 5 * 60_000);
		child.once('error', () => finish(null));
		child.once('exit', (code, signal) => finish(code, signal));
	});
}

async function mustRun(command: string, args: string[], options: Parameters<typeof run>[2] = {}): Promise<ExecResult> {
	const result = await run(command, args, options);
	if (result.code !== 0) {
		throw new Error(
			`${command} ${args.join(' ')} exited with ${result.code}\n--- stdout\n${result.stdout.slice(-4000)}\n--- stderr\n${result.stderr.slice(-4000)}`,
		);
	}
	return result;
}

/** The n8n executable, installed by scripts/ensure-n8n.sh (run it when missing). */
export async function ensureN8n(): Promise<string> {
	const bin = join(RUNTIME_DIR, N8N_VERSION, 'node_modules', '.bin', 'n8n');
	const marker = join(RUNTIME_DIR, N8N_VERSION, '.installed');
	if (existsSync(bin) && existsSync(marker)) return bin;
	const result = await mustRun('bash', [join(REPO_DIR, 'scripts', 'ensure-n8n.sh')], { timeoutMs: 20 * 60_000 });
	return result.stdout.trim().split('\n').pop() as string;
}

/**
 * The package tarball: the one global setup packed for this jest run (E2E_PACKAGE_TGZ), or a fresh
 * `npm pack` of the built package (dist/ must exist: `npm run test:e2e` builds first).
 */
export async function packPackage(destination: string): Promise<string> {
	const packed = process.env.E2E_PACKAGE_TGZ;
	if (packed && existsSync(packed)) return packed;
	if (!existsSync(join(REPO_DIR, 'dist'))) throw new Error('dist/ is missing: run `npm run build` first');
	mkdirSync(destination, { recursive: true });
	const result = await mustRun('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], {
		cwd: REPO_DIR,
	});
	const info = JSON.parse(result.stdout.slice(result.stdout.indexOf('['))) as Array<{ filename: string }>;
	return join(destination, info[0].filename);
}

/** Environment for every n8n command: no telemetry, no registry or version lookups, own ports. */
export function n8nEnv(userFolder: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env };
	// Variables of the outer shell must not leak into the tested n8n (e.g. another DB).
	for (const key of Object.keys(env)) {
		if (/^(N8N_|DB_|EXECUTIONS_|QUEUE_|GENERIC_TIMEZONE|WEBHOOK_URL|CREDENTIALS_OVERWRITE|JEST_)/.test(key)) delete env[key];
	}
	// NODE_ENV: jest sets "test", which makes n8n refuse to load nodes ("Not available in tests");
	// scripts/n8n-env.json sets it back to "production".
	const shared = JSON.parse(readFileSync(join(REPO_DIR, 'scripts', 'n8n-env.json'), 'utf8')) as Record<string, string>;
	delete shared['//'];
	const nodeBin = RELEASE.nodeBinDir();
	if (nodeBin) env.PATH = [nodeBin, env.PATH].filter(Boolean).join(delimiter);
	return {
		...env,
		...shared,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
		TZ: 'UTC',
		...extra,
	};
}

/**
 * Install the tarball into `<userFolder>/.n8n/nodes` as a user would by hand
 * (`cd ~/.n8n/nodes && npm install <package>`), with the flags n8n's own installer uses: no scripts,
 * no peer dependencies (n8n-workflow comes from n8n itself), no lock file, no bin links.
 */
export async function installPackage(userFolder: string, tarball: string): Promise<void> {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	if (!existsSync(join(nodesDir, 'package.json'))) {
		writeFileSync(
			join(nodesDir, 'package.json'),
			JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2),
		);
	}
	await mustRun(
		'npm',
		[
			'install',
			tarball,
			'--audit=false',
			'--fund=false',
			'--ignore-scripts',
			'--legacy-peer-deps',
			'--omit=peer',
			'--bin-links=false',
			'--package-lock=false',
			'--loglevel=error',
		],
		{ cwd: nodesDir },
	);
	const installed = join(nodesDir, 'node_modules', PACKAGE_NAME, 'dist');
	if (!existsSync(installed)) throw new Error(`The package did not install into ${installed}`);
	const stray = readdirSync(join(nodesDir, 'node_modules')).filter((d) => d === 'n8n-workflow' || d === 'n8n-core');
	if (stray.length) throw new Error(`Installing the package pulled ${stray.join(', ')} into the nodes folder`);
}

/* ------------------------------------------------------------------ the rig */

export interface CredentialData {
	baseUrl: string;
	clientId: string;
	clientSecret: string;
	rateLimitCalls?: number;
	maxConcurrent?: number;
	rateWindowSeconds?: number;
	[key: string]: unknown;
}

export interface RigOptions {
	/** Options of the in-process sandbox (ignored against a real Marketo); false: no sandbox at all. */
	sandbox?: SandboxOptions | false;
	/** false: do not pack and install this package (workflows of built-in nodes only). */
	installPackage?: boolean;
	/** Extra or overriding fields of the imported credential. */
	credential?: Partial<CredentialData>;
	/** Name of the imported credential (default "Marketo E2E"). */
	credentialName?: string;
	/** Extra environment for every n8n command. */
	env?: NodeJS.ProcessEnv;
}

export interface StartedN8n {
	url: string;
	port: number;
	process: ChildProcess;
	/** stdout+stderr so far. */
	output(): string;
	stop(): Promise<void>;
}

export class E2eRig {
	readonly mode: 'sandbox' | 'marketo';
	/** The in-process sandbox (undefined against a real Marketo). */
	sandbox?: MarketoSandbox;
	/** Base URL the credential points at. */
	baseUrl = '';
	readonly credential = { id: newId(), name: 'Marketo E2E' };
	credentialData!: CredentialData;
	/** Temp folder holding the user folder and the packed tarball. */
	readonly workDir: string;
	readonly userFolder: string;
	n8nBin = '';
	/** Wall time of every `n8n execute`, ms (boot included). */
	readonly executeTimes: number[] = [];
	private readonly options: RigOptions;
	private readonly started: StartedN8n[] = [];
	/** e-mail addresses of leads the tests made, removed from a real Marketo when the file ends */
	private readonly leadsToRemove = new Set<string>();

	private constructor(options: RigOptions) {
		this.options = options;
		this.mode = AGAINST_REAL_MARKETO ? 'marketo' : 'sandbox';
		if (options.credentialName) this.credential.name = options.credentialName;
		this.workDir = mkdtempSync(join(process.env.E2E_TMPDIR ?? tmpdir(), 'n8n-marketo-e2e-'));
		this.userFolder = join(this.workDir, 'user');
	}

	/** Start the sandbox (or pick the real instance), prepare the user folder, install the package, import the credential. */
	static async create(options: RigOptions = {}): Promise<E2eRig> {
		const rig = new E2eRig(options);
		try {
			await rig.setUp();
		} catch (error) {
			await rig.dispose();
			throw error;
		}
		return rig;
	}

	get isSandbox(): boolean {
		return this.mode === 'sandbox';
	}

	private async setUp(): Promise<void> {
		const real = realMarketo();
		if (real) {
			this.baseUrl = real.baseUrl;
			this.credentialData = {
				baseUrl: real.baseUrl,
				clientId: real.clientId,
				clientSecret: real.clientSecret,
				rateLimitCalls: Number(process.env.MARKETO_RATE_LIMIT_CALLS ?? 50),
				maxConcurrent: Number(process.env.MARKETO_MAX_CONCURRENT ?? 5),
				rateWindowSeconds: 20,
			};
		} else {
			const sandboxOptions = this.options.sandbox === false ? undefined : (this.options.sandbox ?? {});
			if (sandboxOptions) {
				// Loaded here so that rigs without a sandbox do not need it.
				const { MarketoSandbox: Sandbox } = await import('../../sandbox');
				this.sandbox = new Sandbox({ ...sandboxOptions });
				const { url } = await this.sandbox.start();
				this.baseUrl = url;
			} else {
				this.baseUrl = 'http://127.0.0.1:9';
			}
			this.credentialData = {
				baseUrl: this.baseUrl,
				clientId: sandboxOptions?.clientId ?? 'sandbox-client-id',
				clientSecret: sandboxOptions?.clientSecret ?? 'sandbox-client-secret',
				rateLimitCalls: 50,
				maxConcurrent: 5,
				// a sandbox with a time scale has a shorter rate window; the credential must know it
				rateWindowSeconds: Math.max(1, Math.round(20 * (sandboxOptions?.timeScale ?? 1))),
			};
		}
		Object.assign(this.credentialData, this.options.credential ?? {});

		mkdirSync(join(this.userFolder, '.n8n'), { recursive: true });
		const withPackage = this.options.installPackage !== false;
		const [bin, tarball] = await Promise.all([
			ensureN8n(),
			withPackage ? packPackage(join(this.workDir, 'pack')) : Promise.resolve(undefined),
		]);
		this.n8nBin = bin;
		if (tarball) await installPackage(this.userFolder, tarball);
		await this.importCredential(this.credential, this.credentialData);
	}

	/** Environment of this rig's n8n commands (a fresh task-broker port each time). */
	async env(extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
		return n8nEnv(this.userFolder, {
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			...this.options.env,
			...extra,
		});
	}

	/**
	 * Run an n8n CLI command in this rig's user folder. The task broker's port is a free one picked just before; another
	 * process on the machine can take it in between (seen once with two suites running at once), and n8n then stops at
	 * start-up, before doing anything, saying so: the command runs again with another port.
	 */
	async n8n(args: string[], timeoutMs = 5 * 60_000, extraEnv: NodeJS.ProcessEnv = {}): Promise<ExecResult> {
		for (let attempt = 1; ; attempt++) {
			const result = await run(this.n8nBin, args, { cwd: this.workDir, env: await this.env(extraEnv), timeoutMs });
			if (attempt >= 3 || result.code === 0 || !BROKER_PORT_TAKEN.test(result.stdout + result.stderr)) return result;
			console.warn(`[e2e] n8n ${args[0]}: the task broker's port was taken by another process; running it again with another port`);
		}
	}

	/** Import one more credential (n8n encrypts plain `data` on import). */
	async importCredential(credential: { id: string; name: string }, data: Record<string, unknown>, type = CREDENTIAL_TYPE) {
		const file = join(this.workDir, `credential-${credential.id}.json`);
		writeFileSync(file, JSON.stringify([{ id: credential.id, name: credential.name, type, data }], null, 2), {
			mode: 0o600,
		});
		try {
			const result = await this.n8n(['import:credentials', `--input=${file}`]);
			if (result.code !== 0 || !/Successfully imported 1 credential/.test(result.stdout + result.stderr)) {
				throw new Error(`import:credentials failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
			}
		} finally {
			rmSync(file, { force: true });
		}
	}

	/**
	 * Activate a workflow so that `n8n start` runs its triggers: `publish:workflow` in n8n 2.x, where workflows are
	 * published; `update:workflow --active=true` in 1.x, which has no publish command.
	 */
	async activateWorkflow(workflowId: string): Promise<ExecResult> {
		return await this.n8n(RELEASE.activateArgs(workflowId));
	}

	/** Import workflows (without running them). */
	async importWorkflows(workflows: Workflow[]): Promise<void> {
		const file = join(this.workDir, `workflows-${newId(6)}.json`);
		writeFileSync(file, JSON.stringify(workflows, null, 2));
		const result = await this.n8n(['import:workflow', `--input=${file}`]);
		if (result.code !== 0 || !/Successfully imported/.test(result.stdout + result.stderr)) {
			throw new Error(`import:workflow failed:\n${result.stdout}\n${result.stderr}`);
		}
	}

	/** Run an imported workflow with `n8n execute --id <id> --rawOutput`. */
	async executeImported(workflowId: string, timeoutMs = 5 * 60_000): Promise<RunResult> {
		const result = await this.n8n(['execute', `--id=${workflowId}`, '--rawOutput'], timeoutMs);
		this.executeTimes.push(result.durationMs);
		const parsed = parseRunOutput(result.stdout);
		const error = parsed?.data.resultData.error;
		return {
			run: parsed,
			ok: result.code === 0 && !!parsed && !error,
			error,
			exitCode: result.code,
			signal: result.signal,
			stdout: result.stdout,
			stderr: result.stderr,
			durationMs: result.durationMs,
			workflowId,
		};
	}

	/** Import and run a workflow; returns the parsed run (check `ok`, or use `mustExecute`). */
	async execute(workflow: Workflow, timeoutMs?: number): Promise<RunResult> {
		await this.importWorkflows([workflow]);
		return await this.executeImported(workflow.id, timeoutMs);
	}

	/** Like `execute`, but throws with n8n's output when the workflow did not succeed. */
	async mustExecute(workflow: Workflow, timeoutMs?: number): Promise<RunResult> {
		const result = await this.execute(workflow, timeoutMs);
		if (!result.ok) throw new Error(`Workflow "${workflow.name}" failed:\n${describeFailure(result)}`);
		return result;
	}

	/** Start `n8n start` (editor, webhooks, triggers) on a free port; resolves once /healthz answers. */
	async startN8n(options: { port?: number; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<StartedN8n> {
		const port = options.port ?? (await freePort());
		const env = await this.env({
			N8N_PORT: String(port),
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			WEBHOOK_URL: `http://127.0.0.1:${port}/`,
			...options.env,
		});
		return await startN8nProcess(this.n8nBin, env, port, this.workDir, options.timeoutMs).then((s) => {
			this.started.push(s);
			return s;
		});
	}

	/**
	 * A GET of Marketo's REST API as the rig's API user, outside n8n: for a test's own setup and checks (a folder to
	 * work in, what an export file holds), against the sandbox or a real instance alike. Returns the answer's `result`.
	 */
	async marketoGet<T = Record<string, unknown>>(path: string, query: Record<string, string> = {}): Promise<T[]> {
		const answer = await this.marketoFetch(path, query);
		const body = (await answer.json()) as { success?: boolean; result?: T[]; errors?: Array<{ code: string; message: string }> };
		if (!body.success) throw new Error(`GET ${path} failed: ${JSON.stringify(body.errors ?? body)}`);
		return body.result ?? [];
	}

	/**
	 * A folder to create static lists in, found through the Asset API's folder browse (a fresh instance has no list to
	 * take one from): MARKETO_E2E_FOLDER ("Folder:123") when set, else a marketing folder someone made, else the
	 * Marketing Activities root itself.
	 */
	async listFolder(): Promise<{ id: number; type: 'Folder' | 'Program' }> {
		const given = /^(Folder|Program):(\d+)$/i.exec(process.env.MARKETO_E2E_FOLDER ?? '');
		if (given) return { id: Number(given[2]), type: given[1].toLowerCase() === 'program' ? 'Program' : 'Folder' };
		type Found = { folderId: { id: number; type: string }; folderType: string; isSystem: boolean; isArchive: boolean };
		const folders = await this.marketoGet<Found>('/rest/asset/v1/folders.json', { maxDepth: '2', maxReturn: '200' });
		const usable = folders.filter((f) => f.folderId?.type === 'Folder' && f.folderType === 'Marketing Folder' && !f.isArchive);
		const found = usable.find((f) => !f.isSystem) ?? usable[0];
		if (!found) throw new Error('Set MARKETO_E2E_FOLDER (e.g. "Folder:123"): the folder browse found no marketing folder to create lists in');
		return { id: found.folderId.id, type: 'Folder' };
	}

	/** The instance's lead partitions (GET /rest/v1/leads/partitions.json). */
	async partitions(): Promise<Array<{ id: number; name: string }>> {
		return await this.marketoGet<{ id: number; name: string }>('/rest/v1/leads/partitions.json');
	}

	/** A GET as the rig's API user, answered as it comes (e.g. a bulk export file). */
	async marketoFetch(path: string, query: Record<string, string> = {}): Promise<Response> {
		const base = normalizeBaseUrl(this.baseUrl);
		const accessToken = await fetchAccessToken(base, this.credentialData);
		const search = new URLSearchParams(query).toString();
		return await fetch(`${base}${path}${search ? `?${search}` : ''}`, { headers: { Authorization: `Bearer ${accessToken}` } });
	}

	/** The sandbox's request log, or undefined against a real Marketo (skip log assertions then). */
	requestLog(): MarketoSandbox['requestLog'] | undefined {
		return this.sandbox?.requestLog;
	}

	/** Run `assertions` only against the sandbox (they read its request log or inject faults). */
	sandboxOnly(assertions: (sandbox: MarketoSandbox) => void | Promise<void>): void | Promise<void> {
		if (this.sandbox) return assertions(this.sandbox);
	}

	/**
	 * Leads (by e-mail) a test makes through the node, to be deleted from a real Marketo when the file ends (the sandbox
	 * goes away with its data). A bulk import leaves no other trace to find them by.
	 */
	removeLeadsAfterwards(emails: Iterable<string>): void {
		for (const email of emails) this.leadsToRemove.add(email.toLowerCase());
	}

	private async removeRecordedLeads(): Promise<void> {
		const removed = await deleteLeadsByEmail(this.baseUrl, this.credentialData, [...this.leadsToRemove]);
		process.stderr.write(`[e2e] removed ${removed} leads this file made from ${this.baseUrl}\n`);
	}

	/** Stop started n8n processes and the sandbox; remove the temp folder (kept when E2E_KEEP=1). */
	async dispose(): Promise<void> {
		if (!this.sandbox && this.leadsToRemove.size > 0) {
			await this.removeRecordedLeads().catch((error: Error) => process.stderr.write(`[e2e] could not remove this file's leads: ${error.message}\n`));
		}
		if (this.executeTimes.length > 0) {
			const sorted = [...this.executeTimes].sort((a, b) => a - b);
			process.stderr.write(
				`[e2e] ${sorted.length} n8n executions: median ${sorted[Math.floor(sorted.length / 2)]} ms, ` +
					`min ${sorted[0]} ms, max ${sorted[sorted.length - 1]} ms (boot included)\n`,
			);
		}
		for (const s of this.started.splice(0)) await s.stop().catch(() => undefined);
		if (this.sandbox) await this.sandbox.stop().catch(() => undefined);
		if (process.env.E2E_KEEP === '1') {
			console.log(`E2E_KEEP=1: kept ${this.workDir}`);
		} else {
			rmSync(this.workDir, { recursive: true, force: true });
		}
	}
}

/** A token for the API user, straight from the instance's identity service (tests' own calls, outside n8n). */
export async function fetchAccessToken(baseUrl: string, user: { clientId: string; clientSecret: string }): Promise<string> {
	const answer = await fetch(`${normalizeBaseUrl(baseUrl)}/identity/oauth/token`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ grant_type: 'client_credentials', client_id: user.clientId, client_secret: user.clientSecret }),
	});
	return ((await answer.json()) as { access_token: string }).access_token;
}

/**
 * Deletes leads by e-mail from a Marketo instance (the tests' own leads, at the end of a file against a real Marketo):
 * looked up 100 e-mails per call (the URI stays under Marketo's 8 KB), deleted 300 ids per call, one call at a time,
 * waiting out 606/615. Returns how many leads were deleted.
 */
export async function deleteLeadsByEmail(baseUrl: string, user: { clientId: string; clientSecret: string }, emails: string[]): Promise<number> {
	const base = normalizeBaseUrl(baseUrl);
	const token = await fetchAccessToken(base, user);
	type Answer = { success: boolean; result?: Array<{ id: number }>; errors?: Array<{ code: string }> };
	const call = async (path: string, init: RequestInit = {}): Promise<Answer> => {
		for (;;) {
			const answer = await fetch(`${base}${path}`, { ...init, headers: { ...init.headers, Authorization: `Bearer ${token}` } });
			const body = (await answer.json()) as Answer;
			const code = body.errors?.[0]?.code;
			if (code !== '606' && code !== '615') return body;
			await new Promise((resolve) => setTimeout(resolve, code === '606' ? 20_000 : 1_000));
		}
	};
	const ids: number[] = [];
	for (let i = 0; i < emails.length; i += 100) {
		const query = new URLSearchParams({ filterType: 'email', filterValues: emails.slice(i, i + 100).join(','), fields: 'id' });
		const found = await call(`/rest/v1/leads.json?${query}`);
		ids.push(...(found.result ?? []).map((lead) => lead.id));
	}
	for (let i = 0; i < ids.length; i += 300) {
		const input = ids.slice(i, i + 300).map((id) => ({ id }));
		await call('/rest/v1/leads/delete.json', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ input }) });
	}
	return ids.length;
}

/** n8n's output of a failed run, for assertion messages. */
export function describeFailure(result: RunResult): string {
	const lines = [`exit code ${result.exitCode}${result.signal ? ` (ended by ${result.signal})` : ''}`];
	if (result.error) lines.push(`workflow error: ${result.error.message}${result.error.description ? ` (${result.error.description})` : ''}`);
	if (!result.run) lines.push('--- stdout', result.stdout.slice(-6000), '--- stderr', result.stderr.slice(-6000));
	// a run printed but n8n not ending cleanly: what it wrote after the run says why
	else if (result.exitCode !== 0) lines.push('--- stderr', result.stderr.slice(-6000), '--- stdout after the run', result.stdout.slice(result.stdout.lastIndexOf('\n}') + 2).slice(-3000));
	return lines.join('\n');
}

/**
 * Spawn `n8n start` (or another long-running command, e.g. `n8n worker` with its health server on `port`) and wait
 * for its health endpoint.
 */
export async function startN8nProcess(
	bin: string,
	env: NodeJS.ProcessEnv,
	port: number,
	cwd: string,
	timeoutMs = 120_000,
	args: string[] = ['start'],
): Promise<StartedN8n> {
	const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
	child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
	let exited = false;
	const exitPromise = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
	const url = `http://127.0.0.1:${port}`;

	const stop = async () => {
		if (exited) return;
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
		await exitPromise;
		clearTimeout(timer);
	};

	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (exited) throw new Error(`n8n ${args.join(' ')} exited early:\n${output.slice(-4000)}`);
		try {
			const res = await fetch(`${url}/healthz`);
			if (res.ok) return { url, port, process: child, output: () => output, stop };
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	await stop();
	throw new Error(`n8n ${args.join(' ')} did not answer on ${url}/healthz within ${timeoutMs} ms:\n${output.slice(-4000)}`);
}

/**
 * Waits until `check` holds (n8n polls on its own schedule, and activation takes longer on a busy machine: fixed
 * sleeps make tests fail at random), or fails saying what did not happen.
 */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 150_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 1_000));
	}
}
