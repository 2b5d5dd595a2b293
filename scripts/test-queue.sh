#!/usr/bin/env bash
# `npm run test:queue [-- <jest arguments>]`: the package in n8n's queue mode (test/queue): Redis, PostgreSQL, one n8n
# main process and four `n8n worker` processes, four executions at once against the Marketo sandbox.
# Installs what is missing first: the project's dependencies, redis-server and PostgreSQL from Debian (apt-get, as
# root or through sudo), n8n (scripts/ensure-n8n.sh); then builds the package and runs jest (jest.queue.config.js).
# Not part of `npm run test:all` (see the README's Performance section for its time).
set -euo pipefail
script_name=test-queue
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo_dir"

# apt_install <package...>: quietly, as root or with sudo; waits for another apt run to release its lock.
apt_install() {
	local sudo=()
	if [[ $(id -u) != 0 ]]; then
		command -v sudo >/dev/null || { say "need root (or sudo) to install $*"; return 1; }
		sudo=(sudo -n)
	fi
	say "installing $* (apt-get)"
	if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 "$@" >/dev/null; then
		"${sudo[@]}" apt-get update -qq >/dev/null
		"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 "$@" >/dev/null
	fi
}

ensure_deps
[[ -x /usr/bin/redis-server || -x /usr/local/bin/redis-server ]] || apt_install redis-server
# the server programs (initdb, postgres) of Debian's PostgreSQL; the tests start their own cluster in a temp folder
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || apt_install postgresql
say "n8n: $(bash scripts/ensure-n8n.sh | tail -n 1)"
say "building the package"
npm run --silent build
npx jest --config jest.queue.config.js "$@"
