#!/usr/bin/env bash
# npm run test:compat: the end-to-end suite in each tested n8n release, one after the other:
#   1.123.50  the last n8n 1.x that installs on Node 20 (later 1.123 patches pull isolated-vm 6, which does not
#             build on Node 20)                                                                  Node 20 (the machine's)
#   2.8.4     the newest n8n 2.x that runs on Node 20 (the release CI and `npm start` use)       Node 20 (the machine's)
#   2.35.7    the newest release for Node 22 (2.10 to 2.35 need Node 22)                         Node 22 (npm registry)
#   $NEWEST_TESTED_N8N (scripts/lib.sh): the newest release that installs for Node 24 (2.36 on)   Node 24 (npm registry)
#
#   COMPAT_VERSIONS="2.35.7 2.41.1"  only some releases
#   extra arguments go to jest, e.g.  npm run test:compat -- test/e2e/leads.e2e.test.ts
#
# Each release is installed once into .n8n-runtime/<version>, with the Node.js it needs into .n8n-runtime/node-<major>
# (scripts/ensure-n8n.sh; a few minutes and about 2.3 GB per release the first time). Jest itself runs on the
# machine's Node; only the n8n processes run on the release's Node. Test files run two at a time, as in CI (the
# config's maxWorkers; the whole suite held that way in 2.35.7 and 2.41.1 too). Ends with one line per release (its
# Node, the e2e time and the result); exits non-zero when a release failed.
set -uo pipefail

script_name="test-compat"
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo_dir" || exit 1

read -r -a versions <<<"${COMPAT_VERSIONS:-1.123.50 2.8.4 2.35.7 $NEWEST_TESTED_N8N}"

ensure_deps
say "building the package"
npm run build --silent || exit 1

# node_of <version>: the Node.js the installed release runs on
node_of() {
	local file=".n8n-runtime/$1/.node-bin"
	if [[ -f "$file" ]]; then ".n8n-runtime/$(cat "$file")/node" --version; else node --version; fi
}

summary=()
failed=0
for version in "${versions[@]}"; do
	say "n8n $version: installing if needed"
	start=$(date +%s)
	if ! N8N_VERSION="$version" bash scripts/ensure-n8n.sh >/dev/null; then
		summary+=("n8n $version: could not be installed (see .n8n-runtime/$version/install.log)")
		failed=1
		continue
	fi
	installed=$(($(date +%s) - start))
	say "n8n $version on Node $(node_of "$version"): end-to-end suite"
	start=$(date +%s)
	if N8N_VERSION="$version" npx jest --config jest.e2e.config.js "$@"; then
		result="passed"
	else
		result="FAILED"
		failed=1
	fi
	summary+=("$(printf 'n8n %-9s Node %-9s e2e %-6s in %4s s (install check %s s)' "$version" "$(node_of "$version")" "$result" "$(($(date +%s) - start))" "$installed")")
done

say "summary (jest on Node $(node --version))"
for line in "${summary[@]}"; do say "  $line"; done
exit "$failed"
