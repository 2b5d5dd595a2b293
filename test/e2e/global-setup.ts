/**
 * Once per `jest --config jest.e2e.config.js` run: make sure n8n is installed (scripts/ensure-n8n.sh)
 * and pack the built package once; every test file's rig installs that same tarball.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureN8n, packPackage, REPO_DIR } from './rig';

export default async function globalSetup(): Promise<void> {
	const started = Date.now();
	const bin = await ensureN8n();
	if (existsSync(join(REPO_DIR, 'dist'))) {
		const dir = mkdtempSync(join(process.env.E2E_TMPDIR ?? tmpdir(), 'n8n-marketo-pack-'));
		delete process.env.E2E_PACKAGE_TGZ;
		process.env.E2E_PACKAGE_TGZ = await packPackage(dir);
		process.env.E2E_PACK_DIR = dir;
	}
	process.env.E2E_N8N_BIN = bin;
	console.log(`\n[e2e] n8n ready and package packed in ${Date.now() - started} ms`);
}
