# Shared by scripts/start.sh, scripts/test-all.sh and scripts/test-compat.sh. Source it; it defines functions and
# the tested n8n releases only.

# The newest n8n release tested (on Node 24; see scripts/ensure-n8n.sh and the README's table).
NEWEST_TESTED_N8N=2.41.1

# The end-to-end files `npm run test:all` (CI) runs in the newest release as well as in 2.8.4: those that meet what
# differs between n8n releases (CLI commands and poll schedules, binary data and streamed downloads, credential
# storage, paired items, AI-tool use, workflow import, the editor's resource-mapper endpoint, poll triggers). The rest
# drive the sandbox's rules through the same paths; the whole suite in every release is `npm run test:compat`.
NEWEST_CI_E2E_FILES=(
	release credentialWrites secrets downloads trigger leads mcpTool examples leadMapper
)

repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '\033[1m[%s]\033[0m %s\n' "${script_name:-marketo}" "$*" >&2; }

# npm ci when node_modules is missing or does not hold what package-lock.json lists (or FORCE_NPM_CI=1).
# Compares the lock's packages with npm's record of the installed tree (node_modules/.package-lock.json).
ensure_deps() {
	if [[ "${FORCE_NPM_CI:-0}" == "1" ]] || ! deps_match_lock; then
		say "installing dependencies (npm ci)"
		(cd "$repo_dir" && npm ci --no-audit --no-fund --loglevel=error)
	else
		say "dependencies up to date (node_modules matches package-lock.json)"
	fi
}

deps_match_lock() {
	[[ -f "$repo_dir/node_modules/.package-lock.json" && -f "$repo_dir/package-lock.json" ]] || return 1
	node -e '
		const read = (f) => require(f).packages || {};
		const want = read(process.argv[1]), have = read(process.argv[2]);
		for (const [path, meta] of Object.entries(want)) {
			if (path === "" || meta.optional || meta.peer) continue;
			if (!have[path] || have[path].version !== meta.version) process.exit(1);
		}
	' "$repo_dir/package-lock.json" "$repo_dir/node_modules/.package-lock.json"
}

# Exports the environment of scripts/n8n-env.json (the same one the e2e rig uses).
export_n8n_env() {
	local line
	while IFS= read -r line; do
		export "$line"
	done < <(node -e '
		const env = require(process.argv[1]);
		for (const [k, v] of Object.entries(env)) if (k !== "//") console.log(`${k}=${v}`);
	' "$repo_dir/scripts/n8n-env.json")
}

# pack_and_install <n8n user folder>: npm pack the built package and install it into
# <user folder>/.n8n/nodes, as a user installs a community package by hand (same flags as n8n's installer).
pack_and_install() {
	local user_folder="$1" nodes_dir tmp tgz
	nodes_dir="$user_folder/.n8n/nodes"
	mkdir -p "$nodes_dir"
	[[ -f "$nodes_dir/package.json" ]] || echo '{ "name": "installed-nodes", "private": true, "dependencies": {} }' >"$nodes_dir/package.json"
	tmp="$(mktemp -d)"
	tgz="$(cd "$repo_dir" && npm pack --ignore-scripts --silent --pack-destination "$tmp" | tail -n 1)"
	(cd "$nodes_dir" && npm install "$tmp/$tgz" --audit=false --fund=false --ignore-scripts --legacy-peer-deps \
		--omit=peer --bin-links=false --package-lock=false --loglevel=error)
	rm -rf "$tmp"
}

# A free TCP port on loopback.
free_port() {
	node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}
