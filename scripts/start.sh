#!/usr/bin/env bash
# `npm start`: the quick start. Installs what is missing, builds this package, starts the Marketo sandbox,
# installs the package into a local n8n (user folder .n8n-runtime/user, embedded SQLite) with a ready-made
# "Marketo Sandbox" credential and the example workflows, and runs n8n in the foreground. Ctrl-C stops both.
#
#   N8N_PORT       editor port (default 5678)
#   SANDBOX_PORT   sandbox port (default 8790)
#   N8N_VERSION    n8n release (default 2.8.4)
#   OWNER_EMAIL / OWNER_PASSWORD   the local n8n login created on first start
#                  (default owner@sandbox.local / Sandbox-Owner-1)
#   N8N_USER_FOLDER  n8n's user folder (default .n8n-runtime/user); the logs go beside it
set -euo pipefail
script_name=start
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo_dir"

n8n_port="${N8N_PORT:-5678}"
sandbox_port="${SANDBOX_PORT:-8790}"
owner_email="${OWNER_EMAIL:-owner@sandbox.local}"
owner_password="${OWNER_PASSWORD:-Sandbox-Owner-1}"
user_folder="${N8N_USER_FOLDER:-$repo_dir/.n8n-runtime/user}"
log_dir="$(dirname "$user_folder")"
credential_id="mktoSandboxCred1"
sandbox_pid=""
n8n_pid=""

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

cleanup() {
	trap - INT TERM EXIT
	[[ -n "$n8n_pid" ]] && kill "$n8n_pid" 2>/dev/null && wait "$n8n_pid" 2>/dev/null || true
	[[ -n "$sandbox_pid" ]] && kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null || true
	say "stopped"
}

for port in "$n8n_port" "$sandbox_port"; do
	if port_busy "$port"; then
		say "port $port is in use (another n8n or sandbox?); set N8N_PORT / SANDBOX_PORT to free ports"
		exit 1
	fi
done

ensure_deps
say "building the package"
npm run --silent build
n8n_bin="$(bash scripts/ensure-n8n.sh | tail -n 1)"

trap cleanup INT TERM EXIT

say "starting the Marketo sandbox on http://127.0.0.1:$sandbox_port"
mkdir -p "$user_folder"
node_modules/.bin/tsx sandbox/cli.ts --port "$sandbox_port" >"$log_dir/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 1 100); do
	port_busy "$sandbox_port" && break
	kill -0 "$sandbox_pid" 2>/dev/null || { cat "$log_dir/sandbox.log" >&2; say "the sandbox did not start"; exit 1; }
	sleep 0.2
done

say "installing this package into $user_folder/.n8n/nodes"
pack_and_install "$user_folder"

export_n8n_env
export N8N_USER_FOLDER="$user_folder" N8N_PORT="$n8n_port" N8N_HOST=localhost
export N8N_RUNNERS_BROKER_PORT="${N8N_RUNNERS_BROKER_PORT:-$(free_port)}"

say "importing the \"Marketo Sandbox\" credential and the example workflows"
credential_file="$(mktemp)"
cat >"$credential_file" <<JSON
[{ "id": "$credential_id", "name": "Marketo Sandbox", "type": "marketoApi",
   "data": { "baseUrl": "http://127.0.0.1:$sandbox_port", "clientId": "sandbox-client-id",
             "clientSecret": "sandbox-client-secret", "rateLimitCalls": 50, "maxConcurrent": 5, "rateWindowSeconds": 20 } }]
JSON
"$n8n_bin" import:credentials --input="$credential_file" >"$user_folder/import.log" 2>&1 \
	|| { cat "$user_folder/import.log" >&2; rm -f "$credential_file"; exit 1; }
rm -f "$credential_file"

# Each example is imported once, and again only when the file changed (edits made in the editor survive restarts).
mkdir -p "$user_folder/.examples"
for example in examples/*.json; do
	[[ -f "$example" ]] || continue
	stamp="$user_folder/.examples/$(basename "$example").sha256"
	sum="$(sha256sum "$example" | cut -d' ' -f1)"
	if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$sum" ]]; then
		"$n8n_bin" import:workflow --input="$example" >>"$user_folder/import.log" 2>&1 \
			|| { cat "$user_folder/import.log" >&2; exit 1; }
		echo "$sum" >"$stamp"
		say "  imported $(basename "$example")"
	fi
done

say "starting n8n $("$n8n_bin" --version | tail -n 1) (log: $log_dir/n8n.log)"
# Two lines n8n prints on every start look like failures and are not (both stay in n8n.log):
#   "Failed to start Python task runner in internal mode": Python in the Code node needs Python 3 and a venv on this
#     machine; JavaScript, which the examples use, runs anyway.
#   "[license SDK] Skipping renewal on init": there is no license to renew in the free self-hosted edition.
harmless_lines='Failed to start Python task runner|\[license SDK\] Skipping renewal'
"$n8n_bin" start > >(tee "$log_dir/n8n.log" | grep --line-buffered -v -E "$harmless_lines") 2>&1 &
n8n_pid=$!
for _ in $(seq 1 300); do
	curl -fsS "http://127.0.0.1:$n8n_port/healthz" >/dev/null 2>&1 && break
	kill -0 "$n8n_pid" 2>/dev/null || { say "n8n exited"; exit 1; }
	sleep 0.5
done

# First start: create the local owner account so the editor opens straight to the examples.
# (/healthz answers before the REST API is up, so this is retried for a while.)
if [[ ! -f "$user_folder/.owner" ]]; then
	for _ in $(seq 1 60); do
		if curl -fsS -X POST "http://127.0.0.1:$n8n_port/rest/owner/setup" -H 'Content-Type: application/json' \
			-d "{\"email\":\"$owner_email\",\"firstName\":\"Sandbox\",\"lastName\":\"Owner\",\"password\":\"$owner_password\"}" \
			>/dev/null 2>&1; then
			echo "$owner_email" >"$user_folder/.owner"
			break
		fi
		if curl -fsS "http://127.0.0.1:$n8n_port/rest/settings" 2>/dev/null | grep -q '"showSetupOnFirstLoad":false'; then
			break # an owner exists already (created in the browser)
		fi
		sleep 1
	done
	[[ -f "$user_folder/.owner" ]] || say "no owner account was created; n8n will ask for one in the browser"
fi

cat >&2 <<TEXT

  n8n editor:       http://localhost:$n8n_port
  login:            $(cat "$user_folder/.owner" 2>/dev/null || echo "(create one in the browser)")$([[ -f "$user_folder/.owner" && -z "${OWNER_PASSWORD:-}" ]] && echo " / $owner_password")
  Marketo sandbox:  http://127.0.0.1:$sandbox_port  (credential "Marketo Sandbox"; log: $log_dir/sandbox.log)
  Press Ctrl-C to stop n8n and the sandbox.

TEXT
wait "$n8n_pid"
