/**
 * n8n in queue mode on one machine, built on the e2e rig: Redis and PostgreSQL (services.ts), one user folder with
 * the packed package installed and the credential imported (E2eRig, its CLI commands pointed at PostgreSQL), then
 * one `n8n start` (the main process: editor, webhooks, enqueues executions) and several `n8n worker` processes
 * that take the executions from Redis and run them. All processes share the database and the encryption key, as
 * n8n's queue-mode page requires.
 *
 * `n8n execute` cannot be used here: in queue mode it says "CLI command `execute` does not support queue mode.
 * Falling back to regular mode." and runs the workflow in its own process. Executions reach the workers through
 * production webhooks of workflows published before the main process starts.
 */
import { request } from 'node:http';
import { join } from 'node:path';

import type { SandboxOptions } from '../../sandbox';
import { E2eRig, freePort, installPackage, packPackage, startN8nProcess, waitFor, type CredentialData, type StartedN8n, type Workflow } from '../e2e/rig';
import { startPostgres, startRedis, type StartedPostgres, type StartedService } from './services';

export interface QueueClusterOptions {
	/** `n8n worker` processes */
	workers: number;
	/**
	 * Executions one worker runs at once (`n8n worker --concurrency`). 1 makes n executions at once run in n
	 * processes, each with its own limiter and token cache, which is what the tests are about.
	 */
	workerConcurrency: number;
	sandbox: SandboxOptions;
	/** Extra or overriding fields of the imported credential. */
	credential?: Partial<CredentialData>;
	/** Extra environment of every n8n process. */
	env?: NodeJS.ProcessEnv;
}

/** Environment of every process of the cluster, main and workers alike (besides the database's). */
export function queueModeEnv(redis: StartedService): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		// executions started from the editor run on the workers too (n8n 2.8 still runs them on main by default)
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		// binary data in the shared database: n8n does not support the filesystem mode with workers (2.8's default in
		// queue mode, set here so that it shows)
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
	};
}

/** A started worker: the process, and the health server port it answers on. */
export type StartedWorker = StartedN8n;

export class QueueCluster {
	main?: StartedN8n;
	readonly workers: StartedWorker[] = [];

	private constructor(
		readonly rig: E2eRig,
		private readonly redis: StartedService,
		private readonly postgres: StartedPostgres,
		private readonly options: QueueClusterOptions,
	) {}

	/** Redis, PostgreSQL, the user folder with the package and the credential (n8n processes start in `start`). */
	static async create(options: QueueClusterOptions): Promise<QueueCluster> {
		const redis = await startRedis();
		let postgres: StartedPostgres | undefined;
		try {
			postgres = await startPostgres();
			const rig = await E2eRig.create({
				sandbox: options.sandbox,
				credential: options.credential,
				credentialName: 'Marketo queue mode',
				// a Code node's task may wait for its runner longer than n8n's 60 s on a busy machine (five n8n processes, each
				// with a runner of its own, on two cores)
				env: { ...postgres.n8nEnv, ...queueModeEnv(redis), N8N_RUNNERS_TASK_REQUEST_TIMEOUT: '300', ...options.env },
			});
			return new QueueCluster(rig, redis, postgres, options);
		} catch (error) {
			await postgres?.stop();
			await redis.stop();
			throw error;
		}
	}

	/** Imports the workflows and publishes them (before `start`: the main process registers their webhooks at boot). */
	async publish(workflows: Workflow[]): Promise<void> {
		if (this.main) throw new Error('Publish workflows before the main process starts');
		await this.rig.importWorkflows(workflows);
		for (const workflow of workflows) {
			const result = await this.rig.activateWorkflow(workflow.id);
			if (result.code !== 0) throw new Error(`Publishing "${workflow.name}" failed:\n${result.stdout}\n${result.stderr}`);
		}
	}

	/**
	 * Starts the main process, then the workers (together); resolves when each answers its health check. Each worker
	 * has a user folder of its own with the package installed in it, as on a machine of its own: a worker loads
	 * community nodes from its own folder, not from the main process.
	 */
	async start(): Promise<void> {
		this.main = await this.rig.startN8n({ timeoutMs: 180_000 });
		const tarball = await packPackage(join(this.rig.workDir, 'pack'));
		const started = await Promise.allSettled(
			Array.from({ length: this.options.workers }, async (_, i) => {
				const userFolder = join(this.rig.workDir, `worker-${i + 1}`);
				await installPackage(userFolder, tarball);
				const port = await freePort();
				const env = await this.rig.env({
					N8N_USER_FOLDER: userFolder,
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(port),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				});
				const args = ['worker', `--concurrency=${this.options.workerConcurrency}`];
				return await startN8nProcess(this.rig.n8nBin, env, port, this.rig.workDir, 180_000, args);
			}),
		);
		for (const result of started) if (result.status === 'fulfilled') this.workers.push(result.value);
		const failed = started.find((result) => result.status === 'rejected');
		if (failed) throw (failed as PromiseRejectedResult).reason;
	}

	/**
	 * Which worker ran each execution, from the workers' own log lines ("Worker started execution 12 (job 3)" and
	 * "Worker finished execution 12 (job 3)"): execution id -> indexes of the workers that started it.
	 */
	executionsByWorker(): Map<string, number[]> {
		const byExecution = new Map<string, number[]>();
		this.workers.forEach((worker, index) => {
			for (const match of worker.output().matchAll(/Worker started execution (\d+) \(job/g)) {
				byExecution.set(match[1], [...(byExecution.get(match[1]) ?? []), index]);
			}
		});
		return byExecution;
	}

	/** Whether a worker logged that it finished an execution. */
	finishedBy(workerIndex: number, executionId: string): boolean {
		return new RegExp(`Worker finished execution ${executionId} \\(job`).test(this.workers[workerIndex].output());
	}

	/** Waits until every given execution has a "finished" line in the log of the worker that started it. */
	async waitForFinishedLines(executionIds: string[]): Promise<void> {
		await waitFor(`the workers' "finished execution" lines of ${executionIds.join(', ')}`, () =>
			executionIds.every((id) => (this.executionsByWorker().get(id) ?? []).some((w) => this.finishedBy(w, id))),
		30_000);
	}

	/** POSTs JSON to a production webhook of the main process and resolves with the answer (no client-side time limit). */
	async callWebhook(path: string, body: unknown): Promise<{ status: number; json: unknown; text: string }> {
		if (!this.main) throw new Error('The cluster has not started');
		const url = new URL(`/webhook/${path}`, this.main.url);
		const payload = JSON.stringify(body);
		return await new Promise((resolve, reject) => {
			const req = request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } }, (res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => (text += chunk));
				res.on('end', () => {
					let json: unknown;
					try {
						json = JSON.parse(text);
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode ?? 0, json, text });
				});
			});
			req.on('error', reject);
			req.end(payload);
		});
	}

	/** Stops the workers, the main process, the rig (sandbox, user folder), PostgreSQL and Redis. */
	async dispose(): Promise<void> {
		await Promise.all(this.workers.splice(0).map(async (w) => await w.stop().catch(() => undefined)));
		await this.rig.dispose();
		await this.postgres.stop().catch(() => undefined);
		await this.redis.stop().catch(() => undefined);
	}
}
