import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { createRequire } from 'node:module';

/**
 * The rules `n8n-node lint` applies (@n8n/node-cli 0.48.3, dist/configs/eslint.js, its n8n Cloud variant), block for
 * block, over what the package ships: nodes/, credentials/ and package.json, the files n8n's verification lints in
 * a package's source. The CLI itself is not a dev dependency: it pulls an AI SDK and an isolated-vm that does not
 * build on Node 20. Only the ignores differ: the CLI lints every .ts file, and the tests, sandbox and scripts of this
 * repository are not community-node code. `npm run lint` then scans the packed tarball the way
 * @n8n/scan-community-package does (scripts/scan-package.mjs).
 *
 * eslint-plugin-n8n-nodes-base is the one the scanner installs in scripts/scan-package (1.16.7, the version the CLI and
 * the scanner resolve to); it cannot be a dev dependency here, its pnpm-only preinstall fails `npm ci`.
 * `npm run lint` installs it first (`node scripts/scan-package.mjs --install-only`).
 */
function loadN8nNodesBase() {
	try {
		return createRequire(import.meta.url)('./scripts/scan-package/node_modules/eslint-plugin-n8n-nodes-base');
	} catch (error) {
		throw new Error(`eslint-plugin-n8n-nodes-base is not installed yet: run \`npm run lint\` (or \`node scripts/scan-package.mjs --install-only\`) once. ${error.message}`);
	}
}
const n8nNodesBase = loadN8nNodesBase();
const communityNodesRecommended = n8nCommunityNodesPlugin.configs.recommended;

export default tseslint.config(
	{
		ignores: ['dist/**', 'node_modules/**', '.n8n-runtime/**', '.e2e/**', 'sandbox/**', 'test/**', 'bench/**', 'scripts/**', 'examples/**', 'docs/**'],
	},
	{
		files: ['**/*.ts'],
		extends: [js.configs.recommended, tseslint.configs.recommended, communityNodesRecommended, importX.configs['flat/recommended']],
		rules: { 'prefer-spread': 'off', 'no-console': 'error' },
	},
	{
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()] },
	},
	{
		files: ['package.json'],
		extends: [communityNodesRecommended],
		rules: { ...n8nNodesBase.configs.community.rules },
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
);
