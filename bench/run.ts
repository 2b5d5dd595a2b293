/**
 * `npm run bench`: builds the package once, then runs each benchmark listed below, one after another, each in its
 * own process (tables on stdout, progress on stderr). Figures only: benchmarks are not timed tests.
 *
 *   npm run bench                      every benchmark
 *   npm run bench -- export-memory     only the named ones (file names without .ts)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The benchmarks, in the order they run: one file each in bench/. */
const BENCHES = ['ceiling', 'peer', 'shared-quota', 'export-memory', 'csv', 'queue-mode'];

function main(): void {
	const repo = join(__dirname, '..');
	const wanted = process.argv.slice(2).map((name) => name.replace(/\.ts$/, ''));
	const unknown = wanted.filter((name) => !BENCHES.includes(name));
	if (unknown.length) throw new Error(`Unknown benchmark ${unknown.join(', ')}; known: ${BENCHES.join(', ')}`);
	const chosen = wanted.length ? BENCHES.filter((name) => wanted.includes(name)) : BENCHES;

	process.stderr.write('[bench] building the package (npm run build)\n');
	execFileSync('npm', ['run', 'build'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });

	const failed: string[] = [];
	for (const name of chosen) {
		process.stderr.write(`[bench] ${name}\n`);
		const result = spawnSync(process.execPath, [join(repo, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(repo, 'bench', `${name}.ts`)], {
			cwd: repo,
			stdio: 'inherit',
			// built above: benchmarks that pack the package use dist/ as it is
			env: { ...process.env, BENCH_NO_BUILD: '1' },
		});
		if (result.status !== 0) failed.push(name);
	}
	if (failed.length) {
		process.stderr.write(`[bench] failed: ${failed.join(', ')}\n`);
		process.exitCode = 1;
	}
}

main();
