#!/usr/bin/env bash
# `npm run test:ui`: the editor in a real browser. Starts the quick start (scripts/start.sh: the Marketo sandbox
# and n8n with this package, the "Marketo Sandbox" credential and the example workflows) on free ports with a
# fresh n8n user folder, then drives Debian's Chromium with playwright-core through test/ui/run.ts. Screenshots
# of every step go to test/ui/screenshots/ (not committed); the run refreshes the few the README shows, in
# docs/screenshots/.
#
#   UI_KEEP=1     keep the n8n user folder and logs (printed at the end)
#   N8N_VERSION   n8n release (default 2.8.4, as for npm start)
set -euo pipefail
script_name=test-ui
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo_dir"

chromium_bin=/usr/bin/chromium
if [[ ! -x "$chromium_bin" ]]; then
	# playwright-core never downloads a browser here: Debian's Chromium is the one driven
	if [[ "$(id -u)" != 0 ]]; then
		say "Chromium is missing: run 'apt-get install -y chromium' as root, then again"
		exit 1
	fi
	say "installing Chromium from Debian (apt-get install chromium)"
	apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

run_dir="$(mktemp -d)"
n8n_port="$(free_port)"
sandbox_port="$(free_port)"
start_pid=""

stop() {
	trap - INT TERM EXIT
	# start.sh stops n8n and the sandbox it started when it is told to stop
	if [[ -n "$start_pid" ]] && kill -0 "$start_pid" 2>/dev/null; then
		kill -TERM "$start_pid" 2>/dev/null || true
		wait "$start_pid" 2>/dev/null || true
	fi
	if [[ "${UI_KEEP:-0}" == 1 ]]; then say "kept: $run_dir"; else rm -rf "$run_dir"; fi
}
trap stop INT TERM EXIT

say "starting the quick start on free ports (n8n $n8n_port, sandbox $sandbox_port; log: $run_dir/start.log)"
N8N_USER_FOLDER="$run_dir/user" N8N_PORT="$n8n_port" SANDBOX_PORT="$sandbox_port" \
	bash scripts/start.sh >"$run_dir/start.log" 2>&1 &
start_pid=$!

# ready when start.sh prints its banner (n8n answers and the owner account exists); n8n may be installing first
until grep -q 'n8n editor:' "$run_dir/start.log" 2>/dev/null; do
	if ! kill -0 "$start_pid" 2>/dev/null; then
		cat "$run_dir/start.log" >&2
		say "the quick start ended before n8n was ready"
		exit 1
	fi
	sleep 1
done
say "n8n is up: driving Chromium"

UI_N8N_URL="http://localhost:$n8n_port" \
	UI_SANDBOX_URL="http://127.0.0.1:$sandbox_port" \
	UI_EMAIL="${OWNER_EMAIL:-owner@sandbox.local}" \
	UI_PASSWORD="${OWNER_PASSWORD:-Sandbox-Owner-1}" \
	UI_CHROMIUM="$chromium_bin" \
	UI_PROFILE_DIR="$run_dir/chromium-profile" \
	node_modules/.bin/tsx test/ui/run.ts
