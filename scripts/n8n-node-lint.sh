#!/usr/bin/env bash
# `npm run lint:n8n-node`: n8n's own `n8n-node lint` (@n8n/node-cli 0.48.3) over exactly what the package ships, as
# it lints a package made with `npm create @n8n/node`: nodes/, credentials/, package.json and tsconfig.json copied
# into a folder with the CLI's default eslint.config.mjs (with "strict": true in package.json the CLI checks that
# this file is the default one). The repository's own eslint.config.mjs applies the same rules faster in
# `npm run lint`; this runs the real command as a cross-check.
#
# The CLI is not a dev dependency (about 700 MB: n8n's AI SDK, and an isolated-vm that does not build on Node 20):
# it installs once into <runtime folder>/n8n-node-cli with install scripts off (2.5 minutes measured).
#   N8N_RUNTIME_DIR   runtime folder (default <repo>/.n8n-runtime, as for n8n itself)
set -euo pipefail
script_name=n8n-node-lint
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo_dir"

version=0.48.3
tool_dir="${N8N_RUNTIME_DIR:-$repo_dir/.n8n-runtime}/n8n-node-cli"
if [[ "$(cat "$tool_dir/.installed" 2>/dev/null)" != "$version" ]]; then
	say "installing @n8n/node-cli $version into $tool_dir (first run only, about 700 MB)"
	mkdir -p "$tool_dir"
	echo '{ "name": "n8n-node-cli", "private": true }' >"$tool_dir/package.json"
	(cd "$tool_dir" && npm install "@n8n/node-cli@$version" --ignore-scripts --no-audit --no-fund --loglevel=error)
	echo "$version" >"$tool_dir/.installed"
fi

# inside the tool's folder, so that the copy resolves the CLI and its ESLint plugins from there
stage="$tool_dir/package-copy"
rm -rf "$stage"
mkdir -p "$stage"
cp -r nodes credentials package.json tsconfig.json "$stage/"
printf "import { config } from '@n8n/node-cli/eslint';\n\nexport default config;\n" >"$stage/eslint.config.mjs"
cd "$stage"
if "$tool_dir/node_modules/.bin/n8n-node" lint; then
	say "n8n-node lint: no findings"
else
	say "n8n-node lint found problems (above); file paths are in a copy, the same paths exist in this repository"
	exit 1
fi
