/**
 * The two services n8n's queue mode needs besides n8n itself, each started from the Debian packages in a temp folder
 * of its own, on loopback and a free port, and stopped (folder removed) afterwards:
 *
 * - Redis (`redis-server`), the queue between the main process and the workers; nothing is persisted.
 * - PostgreSQL, the database every n8n process of the cluster shares. n8n's queue-mode page says "Running a
 *   distributed system with this setup over SQLite isn't supported": workers and main write executions to the same
 *   database at once, which SQLite's single file does not take from several processes.
 *
 * scripts/test-queue.sh installs the packages when they are missing. PostgreSQL refuses to run as root; when the
 * tests run as root, its commands run as the `postgres` user the Debian package creates (`runuser`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../e2e/rig';

export interface StartedService {
	host: string;
	port: number;
	/** stdout+stderr so far */
	output(): string;
	stop(): Promise<void>;
}

/** A temp folder for a service (E2E_TMPDIR like the e2e rig's). */
function serviceDir(prefix: string): string {
	return mkdtempSync(join(process.env.E2E_TMPDIR ?? tmpdir(), `n8n-marketo-${prefix}-`));
}

/**
 * Spawns a service process and keeps what it prints; `stop` calls `signal` (default: SIGTERM to the process) and
 * waits for the exit.
 */
function spawnService(command: string, args: string[], signal?: () => void) {
	const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
	child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
	let exited = false;
	const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
	child.once('error', (error) => (output += `\n${error.message}`));
	return {
		pid: child.pid,
		output: () => output,
		exited: () => exited,
		stop: async () => {
			if (exited) return;
			if (signal) signal();
			else child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
			await exit;
			clearTimeout(timer);
		},
	};
}

/** Whether something accepts TCP connections on host:port. */
async function accepts(host: string, port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = connect({ host, port }, () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

/** Sends Redis a PING and resolves with whether it answered PONG. */
async function redisPong(host: string, port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = connect({ host, port }, () => socket.write('PING\r\n'));
		socket.setTimeout(2_000, () => (socket.destroy(), resolve(false)));
		socket.once('data', (d: Buffer) => (socket.destroy(), resolve(d.toString().startsWith('+PONG'))));
		socket.once('error', () => resolve(false));
	});
}

/** Polls an async check until it holds; fails early with `failed()` once that says the service died. */
async function waitForAsync(what: string, check: () => Promise<boolean>, failed: () => string | undefined, timeoutMs = 60_000): Promise<void> {
	for (const deadline = Date.now() + timeoutMs; ; ) {
		const died = failed();
		if (died) throw new Error(`${what} did not start: ${died}`);
		if (await check()) return;
		if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** `redis-server` on loopback and a free port, in memory only (no RDB or AOF files). */
export async function startRedis(): Promise<StartedService> {
	const bin = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find(existsSync) ?? 'redis-server';
	const dir = serviceDir('redis');
	const host = '127.0.0.1';
	const port = await freePort();
	const service = spawnService(bin, ['--port', String(port), '--bind', host, '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no']);
	const failed = () => (service.exited() ? `redis-server exited:\n${service.output().slice(-2000)}` : undefined);
	try {
		await waitForAsync(`redis-server on ${host}:${port}`, () => redisPong(host, port), failed);
	} catch (error) {
		await service.stop();
		rmSync(dir, { recursive: true, force: true });
		throw error;
	}
	return {
		host,
		port,
		output: service.output,
		stop: async () => {
			await service.stop();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** The folder of PostgreSQL's server programs (initdb, postgres): Debian's newest /usr/lib/postgresql/<n>/bin. */
export function postgresBinDir(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	const versions = readdirSync(root)
		.filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? join(root, versions[0], 'bin') : undefined;
}

/** The user PostgreSQL runs as: the Debian `postgres` user when we are root (PostgreSQL refuses root), else us. */
function postgresUser(): { uid: number; gid: number; runAs: (command: string, args: string[]) => [string, string[]] } | undefined {
	if (process.getuid?.() !== 0) return undefined;
	const passwd = readFileSync('/etc/passwd', 'utf8').split('\n').find((line) => line.startsWith('postgres:'));
	if (!passwd) throw new Error('Running as root, and there is no `postgres` user to run PostgreSQL as (install the postgresql package)');
	const [, , uid, gid] = passwd.split(':');
	return { uid: Number(uid), gid: Number(gid), runAs: (command, args) => ['runuser', ['-u', 'postgres', '--', command, ...args]] };
}

export interface StartedPostgres extends StartedService {
	database: string;
	user: string;
	/** n8n's DB_* variables for this database */
	n8nEnv: Record<string, string>;
}

/**
 * A throwaway PostgreSQL cluster: `initdb` (trust on loopback, no fsync: nothing here must survive a crash), the
 * server on 127.0.0.1 and a free port, and one database `n8n` owned by the user `n8n`.
 */
export async function startPostgres(): Promise<StartedPostgres> {
	const binDir = postgresBinDir();
	if (!binDir) throw new Error('PostgreSQL is not installed (/usr/lib/postgresql/<version>/bin): scripts/test-queue.sh installs it');
	const owner = postgresUser();
	const command = (name: string, args: string[]): [string, string[]] => (owner ? owner.runAs(join(binDir, name), args) : [join(binDir, name), args]);
	const dir = serviceDir('postgres');
	if (owner) chownSync(dir, owner.uid, owner.gid);
	const data = join(dir, 'data');
	const user = 'n8n';
	const database = 'n8n';
	const host = '127.0.0.1';

	const init = spawnSync(...command('initdb', ['-D', data, '-U', user, '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync']), { encoding: 'utf8' });
	if (init.status !== 0) {
		rmSync(dir, { recursive: true, force: true });
		throw new Error(`initdb failed (exit ${init.status}):\n${init.stdout}\n${init.stderr}`);
	}
	const port = await freePort();
	// SIGINT to the server itself (runuser does not pass signals on): PostgreSQL's "fast" shutdown, which does not
	// wait for the sessions of n8n processes that are still stopping
	const fastShutdown = () => {
		const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
		if (pid > 0) process.kill(pid, 'SIGINT');
	};
	const service = spawnService(
		...command('postgres', ['-D', data, '-p', String(port), '-k', dir, '-c', `listen_addresses=${host}`, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
		() => {
			try {
				fastShutdown();
			} catch {
				// no pid file: the server never came up; the runuser process is stopped instead
				if (service.pid) process.kill(service.pid, 'SIGTERM');
			}
		},
	);
	const stop = async () => {
		await service.stop();
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		const failed = () => (service.exited() ? `postgres exited:\n${service.output().slice(-2000)}` : undefined);
		await waitForAsync(`PostgreSQL on ${host}:${port}`, async () => /ready to accept connections/.test(service.output()) && (await accepts(host, port)), failed);
		const created = spawnSync(...command('createdb', ['-h', host, '-p', String(port), '-U', user, database]), { encoding: 'utf8' });
		if (created.status !== 0) throw new Error(`createdb failed (exit ${created.status}):\n${created.stdout}\n${created.stderr}`);
	} catch (error) {
		await stop();
		throw error;
	}
	return {
		host,
		port,
		database,
		user,
		output: service.output,
		stop,
		n8nEnv: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: host,
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: database,
			DB_POSTGRESDB_USER: user,
			DB_POSTGRESDB_PASSWORD: '',
		},
	};
}
