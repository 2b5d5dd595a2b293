#!/usr/bin/env bash
# Installs n8n once into .n8n-runtime/<version> (ignored by git) and reuses it afterwards.
#
#   N8N_VERSION      n8n release to install (default 2.8.4, the newest one that runs on Node 20).
#                    For a 1.x compatibility run use 1.123.50: later 1.123 patches pull isolated-vm 6
#                    (through @n8n/expression-runtime), which does not build on Node 20.
#                    e.g. N8N_VERSION=1.123.50 npm run test:e2e
#   N8N_RUNTIME_DIR  where runtimes live (default <repo>/.n8n-runtime)
#
# The Node.js each release needs (n8n's own "engines"): up to 2.9 the machine's Node 20; 2.10 to 2.35 Node 22;
# 2.36 on Node 24. Node 22 and 24 come from the npm registry (scripts/ensure-node.sh, into .n8n-runtime/node-<major>);
# the folder holding that `node` (relative to .n8n-runtime) is written to .n8n-runtime/<version>/.node-bin, which the e2e rig puts first on
# PATH for the n8n process only. Those releases install with install scripts off (2.40's optional Kafka client has
# no prebuilt binary and fails to build), then only the native modules n8n needs are built: sqlite3 (its database)
# and isolated-vm (expressions and the Code node).
#
# Prints the path of the n8n executable as the last line on stdout; progress goes to stderr.
# Idempotent: a marker file is written only after a successful install and a working `n8n --version`.
set -euo pipefail

repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="${N8N_VERSION:-2.8.4}"
runtime_root="${N8N_RUNTIME_DIR:-$repo_dir/.n8n-runtime}"
dir="$runtime_root/$version"
bin="$dir/node_modules/.bin/n8n"
marker="$dir/.installed"

log() { echo "[ensure-n8n] $*" >&2; }

# node_major_for <n8n version>: the Node.js major that release needs; empty for the machine's own Node (20).
node_major_for() {
	local major minor
	IFS=. read -r major minor _ <<<"$1"
	if ((major >= 3 || (major == 2 && minor >= 36))); then
		echo 24
	elif ((major == 2 && minor >= 10)); then
		echo 22
	fi
}
node_major="$(node_major_for "$version")"

if [[ -f "$marker" && -x "$bin" && "$(cat "$marker")" == "$version" ]]; then
	echo "$bin"
	exit 0
fi

mkdir -p "$dir"

# One installer at a time per runtime folder (two terminals, or start and test at once).
exec 9>"$dir/.install.lock"
if command -v flock >/dev/null 2>&1; then
	if ! flock -n 9; then
		log "another install of n8n $version is running; waiting for it"
		flock 9
	fi
	if [[ -f "$marker" && -x "$bin" && "$(cat "$marker")" == "$version" ]]; then
		echo "$bin"
		exit 0
	fi
fi

# n8n-nodes-base depends on xlsx from cdn.sheetjs.com, which is often unreachable (CI, proxies);
# the registry's xlsx 0.18.5 has the same API.
cat >"$dir/package.json" <<JSON
{
  "name": "n8n-runtime",
  "private": true,
  "dependencies": { "n8n": "$version" },
  "overrides": { "xlsx": "0.18.5" }
}
JSON

start=$(date +%s)
rm -f "$marker" "$dir/.node-bin"
install_flags=()
if [[ -n "$node_major" ]]; then
	node_bin="$(bash "$repo_dir/scripts/ensure-node.sh" "$node_major" | tail -n 1)"
	export PATH="$node_bin:$PATH"
	# node-gyp builds against the headers shipped with that Node instead of downloading them
	export npm_config_nodedir="$(dirname "$node_bin")"
	install_flags=(--ignore-scripts)
fi
log "installing n8n $version with Node $(node --version) into $dir (first time only: a few minutes, about 2.3 GB)"
# npm prints nothing until it is done: a line every 30 s says it is still working and how far it got
(
	while sleep 30; do
		# `|| true`: before npm creates node_modules, find fails, and under pipefail and -e that would end this loop
		packages=$(find "$dir/node_modules" -mindepth 1 -maxdepth 2 -name package.json 2>/dev/null | wc -l) || true
		log "still installing n8n $version: $(( $(date +%s) - start ))s so far, $packages packages in place"
	done
) &
progress_pid=$!
trap 'kill "$progress_pid" 2>/dev/null || true' EXIT
(
	cd "$dir"
	npm install --no-audit --no-fund --loglevel=error --omit=dev "${install_flags[@]}" >"$dir/install.log" 2>&1
	if [[ -n "$node_major" ]]; then
		npm rebuild --loglevel=error sqlite3 isolated-vm >>"$dir/install.log" 2>&1
	fi
) || {
	log "npm install failed; last lines of $dir/install.log:"
	tail -n 40 "$dir/install.log" >&2
	exit 1
}
kill "$progress_pid" 2>/dev/null || true

if ! installed="$("$bin" --version 2>/dev/null | tail -n 1)"; then
	log "n8n was installed but '$bin --version' fails"
	exit 1
fi
log "n8n $installed installed in $(( $(date +%s) - start ))s"
# relative to the runtime folder, so that the folder can move (or be shared by several checkouts)
[[ -z "$node_major" ]] || echo "${node_bin#"$runtime_root/"}" >"$dir/.node-bin"
echo "$version" >"$marker"
echo "$bin"
