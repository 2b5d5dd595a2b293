#!/usr/bin/env bash
# `npm run test:all`: install everything, then lint, typecheck, unit tests and end-to-end tests in a real n8n.
# Every step runs even when an earlier one failed (except the installs); exits non-zero if any failed.
# n8n itself installs in the background from the start (see below).
# The end-to-end suite runs in n8n 2.8.4 (Node 20), then its release-sensitive files (NEWEST_CI_E2E_FILES in
# scripts/lib.sh) in the newest tested release (NEWEST_TESTED_N8N, on the Node 24 that scripts/ensure-n8n.sh
# installs). E2E_NEWEST=0 leaves that run out, E2E_NEWEST=full runs the whole suite there, E2E_NEWEST=<version> the
# files in that release instead.
# Ends with the step timings and then jest's summary lines of the unit and e2e runs.
set -uo pipefail
script_name=test-all
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo_dir"

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
total_start=$(date +%s)
failed=()
timings=()

# step <name> <command...>: runs the command with its output shown and kept in $logs/<name>.log
step() {
	local name="$1" start rc
	shift
	say "── $name: $*"
	start=$(date +%s)
	"$@" 2>&1 | tee "$logs/$name.log"
	rc=${PIPESTATUS[0]}
	timings+=("$(printf '%-10s %5ss  %s' "$name" "$(($(date +%s) - start))" "$([[ $rc == 0 ]] && echo ok || echo "FAILED ($rc)")")")
	[[ $rc == 0 ]] || failed+=("$name")
	return "$rc"
}

summary() {
	echo
	say "timings (total $(($(date +%s) - total_start))s):"
	printf '  %s\n' "${timings[@]}" >&2
	if ((${#failed[@]})); then say "FAILED: ${failed[*]}"; else say "all steps passed"; fi
	for name in unit e2e ${newest:+"e2e-$newest"}; do
		[[ -f "$logs/$name.log" ]] || continue
		echo
		echo "$name tests:"
		grep -E '^(Test Suites|Tests|Snapshots|Time):' "$logs/$name.log" | sed 's/\x1b\[[0-9;]*m//g'
	done
}

# n8n (a first install takes minutes) installs in the background while the project installs, lints, typechecks
# and runs its unit tests; the end-to-end tests wait for it.
n8n_start=$(date +%s)
bash scripts/ensure-n8n.sh >"$logs/n8n.log" 2>&1 &
n8n_pid=$!
# the newest tested release installs at the same time (after its own Node)
case "${E2E_NEWEST:-1}" in
0) newest="" ;;
1 | full) newest="$NEWEST_TESTED_N8N" ;;
*) newest="$E2E_NEWEST" ;;
esac
newest_files=()
if [[ "${E2E_NEWEST:-1}" != full ]]; then
	for name in "${NEWEST_CI_E2E_FILES[@]}"; do newest_files+=("test/e2e/$name.e2e.test.ts"); done
fi
if [[ -n "$newest" ]]; then
	N8N_VERSION="$newest" bash scripts/ensure-n8n.sh >"$logs/n8n-newest.log" 2>&1 &
	newest_pid=$!
fi

step install ensure_deps || { kill "$n8n_pid" ${newest_pid:-} 2>/dev/null; summary; exit 1; }
step lint npm run --silent lint
step typecheck npm run --silent typecheck
step unit npm run --silent test:unit -- --ci

say "── n8n: waiting for scripts/ensure-n8n.sh (started with the install)"
wait "$n8n_pid"
n8n_rc=$?
cat "$logs/n8n.log" >&2
timings+=("$(printf '%-10s %5ss  %s' n8n "$(($(date +%s) - n8n_start))" "$([[ $n8n_rc == 0 ]] && echo 'ok (in parallel with the steps above)' || echo "FAILED ($n8n_rc)")")")
if [[ $n8n_rc != 0 ]]; then
	failed+=(n8n)
	summary
	exit 1
fi

step e2e npm run --silent test:e2e -- --ci

if [[ -n "$newest" ]]; then
	say "── n8n $newest: waiting for its install (started with the first one)"
	wait "$newest_pid"
	newest_rc=$?
	cat "$logs/n8n-newest.log" >&2
	if [[ $newest_rc == 0 ]]; then
		# the package is already built by the e2e step above
		step "e2e-$newest" env N8N_VERSION="$newest" npx jest --config jest.e2e.config.js --ci "${newest_files[@]}"
	else
		timings+=("$(printf '%-10s %5ss  %s' "n8n-$newest" 0 "FAILED ($newest_rc)")")
		failed+=("n8n-$newest")
	fi
fi

summary
((${#failed[@]} == 0))
