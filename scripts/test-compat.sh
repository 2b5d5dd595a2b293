#!/usr/bin/env bash
# npm run test:compat: the end-to-end suite in each tested n8n release, one after the other:
#   2.8.4     the newest n8n 2.x that installs on Node 20
#   1.123.50  the last n8n 1.x that does (later 1.123 patches pull isolated-vm 6, which does not build on Node 20)
#
#   COMPAT_VERSIONS="1.123.50"  only some releases
#   extra arguments go to jest, e.g.  npm run test:compat -- test/e2e/leads.e2e.test.ts
#
# Each release is installed once into .n8n-runtime/<version> (scripts/ensure-n8n.sh; a few minutes and about
# 2.3 GB the first time). Ends with one line per release; exits non-zero when a release failed.
# Meant to be run by hand: CI runs the suite in one release only (npm run test:e2e).
set -uo pipefail

script_name="test-compat"
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo_dir" || exit 1

read -r -a versions <<<"${COMPAT_VERSIONS:-2.8.4 1.123.50}"

ensure_deps
say "building the package"
npm run build --silent || exit 1

summary=()
failed=0
for version in "${versions[@]}"; do
	say "n8n $version: installing if needed"
	if ! N8N_VERSION="$version" bash scripts/ensure-n8n.sh >/dev/null; then
		summary+=("n8n $version: could not be installed (see .n8n-runtime/$version/install.log)")
		failed=1
		continue
	fi
	say "n8n $version: end-to-end suite"
	start=$(date +%s)
	if N8N_VERSION="$version" npx jest --config jest.e2e.config.js --runInBand "$@"; then
		summary+=("n8n $version: passed in $(( $(date +%s) - start )) s")
	else
		summary+=("n8n $version: FAILED after $(( $(date +%s) - start )) s")
		failed=1
	fi
done

say "summary (Node $(node --version))"
for line in "${summary[@]}"; do say "  $line"; done
exit "$failed"
