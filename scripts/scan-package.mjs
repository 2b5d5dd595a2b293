#!/usr/bin/env node
// The offline part of n8n's package verification (`npx @n8n/scan-community-package <name>`), run on this checkout
// and on the tarball `npm pack` makes from the current build (run `npm run build` first; `npm run lint` does).
//
// The scanner itself downloads the published package from the registry, checks its npm provenance and fetches the
// attested GitHub source; none of that exists before a release. What it then does is two ESLint passes with its own
// config (no-console as an error, the community-node rules, eslint-plugin-n8n-nodes-base's rulesets):
//   - over the source: package.json and nodes/, credentials/ (.js, .ts, .json), its SOURCE_FILE_PATTERNS;
//   - over the tarball: every .js file and the published package.json.
// This script calls the scanner's own analyzePackage() for both, so the rules are exactly the scanner's.
//
// The scanner lives in scripts/scan-package/ with its own lock file, installed with `npm ci --ignore-scripts` on the
// first run (again when that lock changes): its eslint-plugin-n8n-nodes-base has a `preinstall: npx only-allow pnpm`
// that fails under npm, and the npm `overrides` field that could replace it is refused by the scanner itself in a
// published package.json. eslint.config.mjs loads that same plugin from there, so both lints use one version.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scannerDir = path.join(repoDir, 'scripts', 'scan-package');
const scannerEntry = path.join(scannerDir, 'node_modules', '@n8n', 'scan-community-package', 'scanner', 'scanner.mjs');
const installedStamp = path.join(scannerDir, 'node_modules', '.lock-sha256');

function run(command, args, cwd) {
	const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr || result.stdout}`);
	}
	return result.stdout;
}

function ensureScannerInstalled() {
	const lockSha = createHash('sha256').update(fs.readFileSync(path.join(scannerDir, 'package-lock.json'))).digest('hex');
	if (fs.existsSync(scannerEntry) && fs.existsSync(installedStamp) && fs.readFileSync(installedStamp, 'utf8') === lockSha) {
		return;
	}
	console.error('[scan-package] installing @n8n/scan-community-package (npm ci --ignore-scripts, first run only)');
	run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], scannerDir);
	fs.writeFileSync(installedStamp, lockSha);
}

function packAndExtract(workDir) {
	if (!fs.existsSync(path.join(repoDir, 'dist'))) {
		throw new Error('dist/ is missing: run `npm run build` first');
	}
	const tarball = run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', workDir], repoDir)
		.trim()
		.split('\n')
		.pop();
	const packageDir = path.join(workDir, 'package');
	fs.mkdirSync(packageDir);
	run('tar', ['-xzf', path.join(workDir, tarball), '-C', packageDir, '--strip-components=1'], workDir);
	return packageDir;
}

async function main() {
	ensureScannerInstalled();
	// `--install-only`: what eslint.config.mjs needs (the scanner's eslint-plugin-n8n-nodes-base), nothing else
	if (process.argv.includes('--install-only')) return;
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'marketo-scan-'));
	// the scanner makes a temp folder when it is loaded; keep it inside ours so that it goes away with it
	const previousTmpDir = process.env.TMPDIR;
	process.env.TMPDIR = workDir;
	try {
		const scanner = await import(pathToFileURL(scannerEntry).href);
		if (previousTmpDir === undefined) delete process.env.TMPDIR;
		else process.env.TMPDIR = previousTmpDir;

		const packageDir = packAndExtract(workDir);
		const passes = [
			{ name: 'source (package.json, nodes/, credentials/)', dir: repoDir, patterns: scanner.SOURCE_FILE_PATTERNS },
			{ name: 'packed tarball (.js files, package.json)', dir: packageDir, patterns: ['**/*.js', 'package.json'] },
		];
		let failed = false;
		for (const pass of passes) {
			const result = await scanner.analyzePackage(pass.dir, pass.patterns);
			if (result.passed) {
				console.log(`[scan-package] ${pass.name}: no findings`);
			} else {
				failed = true;
				console.log(`[scan-package] ${pass.name}: ${result.message}`);
				if (result.details) console.log(result.details);
			}
		}
		process.exitCode = failed ? 1 : 0;
	} finally {
		fs.rmSync(workDir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(`[scan-package] ${error.message}`);
	process.exitCode = 1;
});
