/**
 * Shared by the benchmarks: a real n8n (the e2e rig: packed package, fresh user folder, `n8n execute`) against
 * the in-process Marketo sandbox with Marketo's limits on, figures read from the sandbox's request log and from
 * n8n's run data, and markdown tables.
 *
 * Benchmarks never run against a real Marketo: they spend hundreds of calls of the shared quota on purpose.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import type { MarketoSandbox, RequestLogEntry } from '../sandbox';
import {
	buildWorkflow,
	E2eRig,
	generatedItemsNode,
	marketoNode,
	N8N_VERSION,
	newId,
	packPackage,
	parseRunOutput,
	REPO_DIR,
	type N8nRun,
	type RigOptions,
	type RunResult,
	type Workflow,
} from '../test/e2e/rig';

/** Marketo's limits per instance, which the sandbox enforces in every benchmark. */
export const MARKETO_LIMITS = { calls: 100, windowSeconds: 20, concurrent: 10 } as const;
/** Marketo's lead database takes at most 300 ids per call. */
export const MAX_BATCH = 300;

/* ------------------------------------------------------------------ settings from the environment */

/** A number from the environment, checked. */
export function envNumber(name: string, fallback: number, check: (n: number) => boolean = (n) => n > 0): number {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	const n = Number(raw);
	if (!Number.isFinite(n) || !check(n)) throw new Error(`${name}=${raw} is not a valid value`);
	return n;
}

/**
 * The sandbox time scale of a benchmark (BENCH_TIME_SCALE): every Marketo duration, the 20 s rate window
 * included, is multiplied by it, and the credential's Rate Window is set to match. It must turn 20 s into
 * whole seconds, the unit of the credential field.
 */
export function timeScale(fallback: number): number {
	const scale = envNumber('BENCH_TIME_SCALE', fallback, (n) => n > 0 && n <= 1);
	const windowSeconds = MARKETO_LIMITS.windowSeconds * scale;
	if (Math.abs(windowSeconds - Math.round(windowSeconds)) > 1e-9) {
		throw new Error(`BENCH_TIME_SCALE=${scale} makes a ${windowSeconds} s window; pick one giving whole seconds (1, 0.5, 0.25, 0.1, 0.05)`);
	}
	return scale;
}

/** The credential's share of Marketo's limits. */
export interface LimitSetting {
	label: string;
	calls: number;
	concurrent: number;
	/** the credential's 'Adapt Pace to Other Integrations' (default on) */
	adaptive?: boolean;
}

export const WHOLE_LIMIT: LimitSetting = { label: '100 / window, 10 in flight (Marketo’s whole limit)', calls: 100, concurrent: 10 };
export const DEFAULT_SHARE: LimitSetting = { label: '50 / window, 5 in flight (default share)', calls: 50, concurrent: 5 };

/* ------------------------------------------------------------------ the rig */

let packDir: string | undefined;

/**
 * The packed package every rig of this process installs: the tarball the bench runner packed
 * (E2E_PACKAGE_TGZ), else a fresh build and `npm pack` of this checkout.
 */
export async function preparePackage(): Promise<string> {
	const packed = process.env.E2E_PACKAGE_TGZ;
	if (packed && existsSync(packed)) return packed;
	if (process.env.BENCH_NO_BUILD === '1' && existsSync(join(REPO_DIR, 'dist'))) {
		progress('BENCH_NO_BUILD=1: packing dist/ as it is');
	} else {
		progress('building the package (npm run build)');
		try {
			execFileSync('npm', ['run', 'build'], { cwd: REPO_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
		} catch (error) {
			const out = `${String((error as { stdout?: Buffer }).stdout ?? '')}${String((error as { stderr?: Buffer }).stderr ?? '')}`;
			throw new Error(`npm run build failed:\n${out.slice(-3000)}`);
		}
	}
	packDir = mkdtempSync(join(process.env.E2E_TMPDIR ?? tmpdir(), 'n8n-marketo-bench-pack-'));
	delete process.env.E2E_PACKAGE_TGZ;
	const tgz = await packPackage(packDir);
	process.env.E2E_PACKAGE_TGZ = tgz;
	return tgz;
}

/** A real n8n with the packed package and a credential, against a fresh in-process sandbox. */
export async function benchRig(options: RigOptions): Promise<E2eRig> {
	if (process.env.MARKETO_BASE_URL || process.env.MARKETO_CLIENT_ID || process.env.MARKETO_CLIENT_SECRET) {
		throw new Error('Benchmarks run against the sandbox only: unset MARKETO_BASE_URL, MARKETO_CLIENT_ID and MARKETO_CLIENT_SECRET');
	}
	await preparePackage();
	progress(`starting the sandbox and a fresh n8n ${N8N_VERSION} user folder`);
	return await E2eRig.create(options);
}

/**
 * `n8n execute --id <id> --rawOutput` like the rig's `executeImported`, with n8n's stdout and stderr written to
 * files instead of pipes: n8n exits right after printing the run, and a run of 90,000 items (tens of MB) printed
 * into a pipe is cut short when the process exits.
 */
export async function executeLarge(rig: E2eRig, workflowId: string, timeoutMs: number, extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> {
	const base = join(rig.workDir, `execute-${newId(6)}`);
	const out = openSync(`${base}.out`, 'w');
	const err = openSync(`${base}.err`, 'w');
	const env = await rig.env(extraEnv);
	const started = Date.now();
	const code = await new Promise<number | null>((resolve, reject) => {
		const child = spawn(rig.n8nBin, ['execute', `--id=${workflowId}`, '--rawOutput'], { cwd: rig.workDir, env, stdio: ['ignore', out, err] });
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', reject);
		child.on('exit', (exitCode) => {
			clearTimeout(timer);
			resolve(exitCode);
		});
	});
	const durationMs = Date.now() - started;
	closeSync(out);
	closeSync(err);
	const stdout = readFileSync(`${base}.out`, 'utf8');
	const stderr = readFileSync(`${base}.err`, 'utf8');
	rmSync(`${base}.out`, { force: true });
	rmSync(`${base}.err`, { force: true });
	rig.executeTimes.push(durationMs);
	const run = parseRunOutput(stdout);
	const error = run?.data.resultData.error;
	return { run, ok: code === 0 && !!run && !error, error, exitCode: code, stdout, stderr, durationMs, workflowId };
}

/**
 * A rig whose sandbox has `leads` seeded leads and the given time scale, with one credential per limit setting
 * (the rig's own credential for the first one), the credential's Rate Window matching the sandbox's.
 */
export async function rigWithSettings(
	settings: LimitSetting[],
	scale: number,
	sandbox: NonNullable<Exclude<RigOptions['sandbox'], false>>,
): Promise<{ rig: E2eRig; credentials: Map<LimitSetting, { id: string; name: string }> }> {
	const windowSeconds = MARKETO_LIMITS.windowSeconds * scale;
	const limits = (s: LimitSetting) => ({ rateLimitCalls: s.calls, maxConcurrent: s.concurrent, rateWindowSeconds: windowSeconds, adaptivePacing: s.adaptive !== false });
	const rig = await benchRig({
		sandbox: { maxLogEntries: 100_000, ...sandbox, timeScale: scale },
		credential: limits(settings[0]),
		credentialName: `Marketo bench ${settings[0].calls}`,
	});
	try {
		const credentials = new Map([[settings[0], rig.credential]]);
		for (const setting of settings.slice(1)) {
			const credential = { id: newId(), name: `Marketo bench ${setting.calls}${setting.adaptive === false ? ' fixed' : ''}` };
			await rig.importCredential(credential, { ...rig.credentialData, ...limits(setting) });
			credentials.set(setting, credential);
		}
		return { rig, credentials };
	} catch (error) {
		await rig.dispose();
		throw error;
	}
}

/**
 * Start -> "Lead IDs" (a Code node: ids 1..leads, one per item or `idsPerItem` comma-separated per item) ->
 * "Marketo", List Membership > Add Leads to `listId`.
 */
export function addLeadsWorkflow(
	name: string,
	credential: { id: string; name: string },
	leads: number,
	listId: number,
	idsPerItem = 1,
): Workflow {
	const source =
		idsPerItem === 1
			? generatedItemsNode('Lead IDs', leads, '(i) => ({ id: i + 1 })')
			: generatedItemsNode(
					'Lead IDs',
					Math.ceil(leads / idsPerItem),
					`(i) => ({ id: Array.from({ length: Math.min(${idsPerItem}, ${leads} - i * ${idsPerItem}) }, (_, k) => i * ${idsPerItem} + k + 1).join(',') })`,
				);
	return buildWorkflow(name, [
		source,
		marketoNode(credential, {
			resource: 'listMembership',
			operation: 'add',
			list: { __rl: true, mode: 'id', value: String(listId) },
			leadId: '={{ $json.id }}',
		}),
	]);
}

/** Lead ids 1..leads that are not members of the list in the sandbox. */
export function missingMembers(sandbox: MarketoSandbox, listId: number, leads: number): number {
	const members = new Set(sandbox.assets.memberIds(listId));
	let missing = 0;
	for (let id = 1; id <= leads; id++) if (!members.has(id)) missing++;
	return missing;
}

/** Remove what preparePackage made. */
export function cleanUp(): void {
	if (packDir) rmSync(packDir, { recursive: true, force: true });
	packDir = undefined;
}

/** Runs a benchmark's main function: tables on stdout, progress and failures on stderr, exit code 1 on failure. */
export function main(run: () => Promise<void>): void {
	run()
		.then(() => {
			cleanUp();
		})
		.catch((error: unknown) => {
			cleanUp();
			process.stderr.write(`\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
			process.exitCode = 1;
		});
}

/* ------------------------------------------------------------------ figures */

/**
 * The least time Marketo's rate limit allows for `calls` calls at `perWindow` calls per window: the first
 * window's calls go at once, each further window's calls one window later (300 calls at 100 per 20 s: 40 s).
 */
export function idealMs(calls: number, perWindow: number, windowSeconds: number): number {
	return Math.max(0, Math.ceil(calls / perWindow) - 1) * windowSeconds * 1000;
}

/** What the sandbox saw of some calls. */
export interface LogFigures {
	calls: number;
	/** answered 606 (rate window spent) */
	rate606: number;
	/** answered 615 (too many calls in flight) */
	conc615: number;
	/** answered with another Marketo error, or an HTTP status other than 200 */
	otherErrors: number;
	/** ids or records the successful calls carried */
	records: number;
	/** from the arrival of the first call to the answer of the last, ms */
	spanMs: number;
}

export function logFigures(entries: RequestLogEntry[]): LogFigures {
	let first = Infinity;
	let last = -Infinity;
	const figures: LogFigures = { calls: entries.length, rate606: 0, conc615: 0, otherErrors: 0, records: 0, spanMs: 0 };
	for (const e of entries) {
		const at = Date.parse(e.time);
		first = Math.min(first, at);
		last = Math.max(last, at + e.durationMs);
		if (e.code === '606') figures.rate606++;
		else if (e.code === '615') figures.conc615++;
		else if (e.code || e.status !== 200) figures.otherErrors++;
		else figures.records += e.recordCount ?? 0;
	}
	figures.spanMs = entries.length ? last - first : 0;
	return figures;
}

/** Wall time of one node's work in a run (n8n's own measure: `executionTime` of its task). */
export function nodeTimeMs(run: RunResult | N8nRun, nodeName: string): number {
	const r = 'data' in run ? run : run.run;
	const task = r?.data.resultData.runData[nodeName]?.[0];
	if (!task) throw new Error(`node "${nodeName}" did not run`);
	return task.executionTime;
}

/** 1,234 */
export function int(n: number): string {
	return Math.round(n).toLocaleString('en-US');
}

/** 41.2 s */
export function seconds(ms: number, digits = 1): string {
	return `${(ms / 1000).toFixed(digits)} s`;
}

/** 1.03× */
export function ratio(n: number): string {
	return Number.isFinite(n) ? `${n.toFixed(2)}×` : '–';
}

/** The machine while the benchmark ran (the numbers depend on it). */
export function machine(): string {
	const [one, five] = loadavg();
	return `${cpus().length} cores, load average ${one.toFixed(2)} (1 min) / ${five.toFixed(2)} (5 min), Node ${process.version}, n8n ${N8N_VERSION}`;
}

/** A markdown table. */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
	const line = (cells: Array<string | number>) => `| ${cells.map(String).join(' | ')} |`;
	return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Prints a benchmark's result on stdout: a heading, the table, notes. */
export function report(title: string, tableText: string, notes: string[] = []): void {
	const out = [`### ${title}`, '', tableText, ''];
	for (const note of notes) out.push(`- ${note}`);
	process.stdout.write(`${out.join('\n')}\n\n`);
}

/** Progress on stderr, so that stdout holds only the tables. */
export function progress(message: string): void {
	process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export async function sleep(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}
