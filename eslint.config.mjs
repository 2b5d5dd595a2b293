import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import communityNodes from '@n8n/eslint-plugin-community-nodes';

/**
 * n8n's community-node rules in their n8n Cloud variant (no runtime dependencies, restricted imports and globals),
 * set up the way @n8n/node-cli's own ESLint config sets them up, over the shipped code and package.json.
 */
const recommended = communityNodes.configs.recommended;

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', '.n8n-runtime/**', '.e2e/**', 'sandbox/**', 'test/**', 'bench/**', 'scripts/**', 'examples/**'] },
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		extends: [js.configs.recommended, tseslint.configs.recommended, recommended],
		rules: { 'prefer-spread': 'off', 'no-console': 'error' },
	},
	{
		files: ['package.json'],
		extends: [recommended],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
	},
);
