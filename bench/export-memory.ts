/**
 * Export memory: Bulk Export > Export Leads of 1,000,000 leads through a real n8n in filesystem binary mode
 * (N8N_DEFAULT_BINARY_DATA_MODE=filesystem), against the in-process sandbox. Prints, for a small and the full
 * export, the wall time of the node, the file size and the peak resident memory of the n8n process: the file is
 * streamed to disk, so memory should not grow with the file size. Figures only, no assertions on time.
 *
 *   npx tsx bench/export-memory.ts
 *   BENCH_LEADS=200000 npx tsx bench/export-memory.ts      fewer leads
 *   BENCH_TIME_SCALE=0.05                                    sandbox time scale (default 0.05: job phases of 50 ms)
 *
 * The times it prints are the sandbox's at that time scale with 1 s polls, not what a real Marketo would take.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

import { buildWorkflow, E2eRig, itemsOf, marketoNode, N8N_VERSION, parseRunOutput, RELEASE, type Workflow } from '../test/e2e/rig';

const DAY = 86_400_000;

function envNumber(name: string, fallback: number): number {
	const raw = process.env[name];
	const n = raw === undefined || raw === '' ? fallback : Number(raw);
	if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}=${raw} is not a positive number`);
	return n;
}

function progress(message: string): void {
	process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Resident memory of a process now and at its peak (VmRSS / VmHWM from /proc), in bytes; undefined once it has exited. */
function memoryOf(pid: number): { rss: number; peak: number } | undefined {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
		return { rss: kb('VmRSS'), peak: kb('VmHWM') };
	} catch {
		return undefined;
	}
}

interface Measured {
	stdout: string;
	exitCode: number | null;
	wallMs: number;
	peakRss: number;
}

/** `n8n execute --id <id> --rawOutput`, sampling the n8n process's memory every 100 ms. */
async function executeMeasured(rig: E2eRig, workflowId: string): Promise<Measured> {
	const env = await rig.env({ N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' });
	const started = Date.now();
	const child = spawn(rig.n8nBin, ['execute', `--id=${workflowId}`, '--rawOutput'], { cwd: rig.workDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
	child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
	let peakRss = 0;
	const sample = () => {
		const m = child.pid ? memoryOf(child.pid) : undefined;
		if (m) peakRss = Math.max(peakRss, m.peak, m.rss);
	};
	const timer = setInterval(sample, 100);
	const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	clearInterval(timer);
	if (exitCode !== 0) progress(`n8n execute exited with ${exitCode}:\n${stderr.slice(-3000)}`);
	return { stdout, exitCode, wallMs: Date.now() - started, peakRss };
}

function exportWorkflow(rig: E2eRig, name: string, createdAfter: number, createdBefore: number): Workflow {
	return buildWorkflow(name, [
		marketoNode(
			rig.credential,
			{
				resource: 'bulkExport',
				operation: 'exportLeads',
				fields: ['id', 'email', 'firstName', 'lastName', 'company', 'title', 'city', 'country', 'leadScore', 'createdAt'],
				filterType: 'createdAt',
				createdAfter: new Date(createdAfter).toISOString(),
				createdBefore: new Date(createdBefore).toISOString(),
				output: 'file',
				options: { pollInterval: 1 },
			},
			{ name: 'Export' },
		),
	]);
}

/** The Node.js the n8n release runs on (RELEASE.nodeBinDir: 2.10 on bring their own), which may not be this one. */
function n8nNodeVersion(): string {
	const dir = RELEASE.nodeBinDir();
	return dir ? spawnSync(join(dir, 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim() : process.version;
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
	if (process.env.MARKETO_BASE_URL) throw new Error('This benchmark runs against the sandbox only: unset MARKETO_BASE_URL');
	if (process.platform !== 'linux') throw new Error('Peak memory is read from /proc: run this benchmark on Linux');
	const leads = envNumber('BENCH_LEADS', 1_000_000);
	const timeScale = envNumber('BENCH_TIME_SCALE', 0.05);
	if (!existsSync(join(__dirname, '..', 'dist'))) throw new Error('dist/ is missing: run `npm run build` first');

	progress(`starting the sandbox with ${int(leads)} leads and a fresh n8n ${N8N_VERSION} (filesystem binary mode)`);
	const rig = await E2eRig.create({
		sandbox: { seedLeads: leads, timeScale, latencyMs: 0 },
		env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' },
	});
	const rows: string[][] = [];
	const peaks: number[] = [];
	try {
		// seeded leads are spread over the last 60 days: a 3-day window holds about 5 %, 61 days all (3 jobs of at most 30 days)
		const now = Date.now();
		const runs = [
			{ label: 'small (3 days)', from: now - 3 * DAY, to: now + 60_000 },
			{ label: 'all (61 days)', from: now - 61 * DAY, to: now + 60_000 },
		];
		for (const r of runs) {
			const workflow = exportWorkflow(rig, `export memory ${r.label}`, r.from, r.to);
			await rig.importWorkflows([workflow]);
			progress(`exporting ${r.label}`);
			const measured = await executeMeasured(rig, workflow.id);
			const run = parseRunOutput(measured.stdout);
			if (!run || run.data.resultData.error) throw new Error(`the export failed: ${run?.data.resultData.error?.message ?? measured.stdout.slice(-2000)}`);
			const [item] = itemsOf(run, 'Export');
			const binary = (item.binary as Record<string, { id?: string; bytes?: number }>).data;
			const task = run.data.resultData.runData.Export[0];
			const stored = binary.id?.startsWith('filesystem') ? 'filesystem' : 'memory';
			const path = binary.id ? join(rig.userFolder, '.n8n', 'binaryData', binary.id.replace(/^[^:]+:/, '')) : '';
			const onDisk = path && existsSync(path) ? statSync(path).size : binary.bytes ?? 0;
			peaks.push(measured.peakRss);
			rows.push([
				r.label,
				int(Number(item.json.numberOfRecords)),
				String(item.json.jobCount),
				mb(onDisk),
				stored,
				`${(task.executionTime / 1000).toFixed(1)} s`,
				`${(measured.wallMs / 1000).toFixed(1)} s`,
				mb(measured.peakRss),
				// the small export is the baseline: n8n booted, the node loaded, one job run and downloaded
				peaks.length === 1 ? 'baseline' : `${measured.peakRss >= peaks[0] ? '+' : ''}${mb(measured.peakRss - peaks[0])}`,
			]);
		}
	} finally {
		await rig.dispose();
	}
	const header = [
		'export',
		'leads',
		'jobs',
		'file',
		'binary store',
		`node time (sandbox at time scale ${timeScale}, polls every 1 s)`,
		'n8n execute wall time (same)',
		'peak RSS of n8n',
		'growth over the small export',
	];
	const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
	process.stdout.write(
		[
			'### Export memory: Export Leads to a file in filesystem binary mode',
			'',
			line(header),
			line(header.map(() => '---')),
			...rows.map(line),
			'',
			`- ${cpus().length} cores, n8n ${N8N_VERSION} on Node ${n8nNodeVersion()} (the bench itself on ${process.version}); the sandbox at time scale ${timeScale} (every Marketo duration × ${timeScale}: job phases of at least ${Math.round(1000 * timeScale)} ms), no call latency, the node polling every 1 s (allowed only for a local test server)`,
			'- node time: n8n\'s executionTime of the Export node (jobs, polling, download); wall time includes booting n8n. Neither is what a real Marketo takes: there each job waits in Marketo\'s export queue and runs for minutes, the node polls at most once a minute (Marketo refreshes job status no faster), so an export takes at least a minute per job plus Marketo\'s own processing time, not measured here',
			'- peak RSS: VmHWM of the `n8n execute` process, sampled every 100 ms; goal: growth under 150 MB whatever the file size',
			'',
		].join('\n'),
	);
}

main().catch((error: unknown) => {
	process.stderr.write(`\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exitCode = 1;
});
