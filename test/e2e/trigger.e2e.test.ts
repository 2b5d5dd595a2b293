/**
 * Marketo Trigger in a running n8n: an active workflow polls the sandbox's export job list every minute, fires once
 * per finished job across several polls, does not replay jobs that finished before activation, and after a restart
 * of n8n fires the job that finished while it was down and nothing twice.
 *
 * Each firing runs a Marketo node that searches leads by `<exportId>@fired.test`, so the sandbox's request log
 * shows exactly which jobs fired and how often. Takes four to six minutes: n8n polls at most once a minute.
 */
import { E2eRig, itSandbox, newId, waitFor, type StartedN8n, type Workflow, CREDENTIAL_TYPE, MARKETO_NODE_TYPE } from './rig';

const TRIGGER_TYPE = 'n8n-nodes-marketo.marketoTrigger';

function triggerWorkflow(credential: { id: string; name: string }): Workflow {
	const creds = { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } };
	return {
		id: newId(),
		name: 'Marketo export finished -> mark',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: newId(8),
				name: 'Export Finished',
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: { event: 'exportFinished', statuses: ['Completed'], pollTimes: { item: [{ mode: 'everyMinute' }] } },
				credentials: creds,
			},
			{
				id: newId(8),
				name: 'Mark',
				type: MARKETO_NODE_TYPE,
				typeVersion: 1,
				position: [240, 0],
				parameters: { resource: 'lead', operation: 'getAll', filterType: 'email', filterValues: '={{ $json.exportId }}@fired.test', returnAll: true },
				credentials: creds,
			},
		],
		connections: { 'Export Finished': { main: [[{ node: 'Mark', type: 'main', index: 0 }]] } },
	};
}

describe('Marketo Trigger in a running n8n', () => {
	let rig: E2eRig;
	let n8n: StartedN8n | undefined;
	let token = '';

	/** A direct Marketo client for the test itself: makes export jobs as the same API user. */
	const api = async (path: string, body?: unknown): Promise<{ result?: Array<Record<string, unknown>> }> => {
		if (!token) {
			const answer = await fetch(`${rig.baseUrl}/identity/oauth/token`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'sandbox-client-id', client_secret: 'sandbox-client-secret' }),
			});
			token = ((await answer.json()) as { access_token: string }).access_token;
		}
		const answer = await fetch(`${rig.baseUrl}${path}`, {
			method: body === undefined ? 'GET' : 'POST',
			headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return (await answer.json()) as { result?: Array<Record<string, unknown>> };
	};

	/** Creates, enqueues and waits for an export job to complete; returns its id. */
	const finishedExport = async (): Promise<string> => {
		const now = new Date();
		const created = await api('/bulk/v1/leads/export/create.json', {
			fields: ['id', 'email'],
			format: 'CSV',
			filter: { createdAt: { startAt: new Date(now.getTime() - 86400000).toISOString(), endAt: new Date(now.getTime() + 86400000).toISOString() } },
		});
		const exportId = String(created.result?.[0]?.exportId);
		await api(`/bulk/v1/leads/export/${exportId}/enqueue.json`, {});
		for (let i = 0; i < 200; i++) {
			const status = (await api(`/bulk/v1/leads/export/${exportId}/status.json`)).result?.[0]?.status;
			if (status === 'Completed') return exportId;
			await new Promise((r) => setTimeout(r, 100));
		}
		throw new Error(`export ${exportId} did not complete`);
	};

	/** How often the workflow fired for each job (searches for `<exportId>@fired.test`). */
	const firings = (ids: string[]): number[] =>
		ids.map(
			(id) =>
				(rig.requestLog() ?? []).filter((e) => e.path === '/rest/v1/leads.json' && JSON.stringify(e.query).includes(`${id}@fired.test`)).length,
		);

	beforeAll(async () => {
		rig = await E2eRig.create({ sandbox: { seedLeads: 50, bulk: { minPhaseMs: 50 } } });
	});

	afterAll(async () => {
		await n8n?.stop();
		await rig?.dispose();
	});

	/** Polls of the export job list so far: the trigger lists jobs at activation and then at every poll. */
	const exportPolls = (): number => (rig.requestLog() ?? []).filter((e) => e.path === '/bulk/v1/leads/export.json' && e.method === 'GET').length;

	/** Starts n8n and waits for the trigger's activation poll (watching starts there). */
	const startAndWatch = async (): Promise<StartedN8n> => {
		const before = exportPolls();
		const started = await rig.startN8n();
		await waitFor('the activation poll of the trigger', () => exportPolls() > before);
		return started;
	};

	itSandbox(
		'fires once per finished job across polls, never for history, and survives a restart',
		async () => {
			const workflow = triggerWorkflow(rig.credential);
			await rig.importWorkflows([workflow]);
			const activated = await rig.activateWorkflow(workflow.id);
			expect(activated.code).toBe(0);

			const history = await finishedExport(); // finished before activation: never fires
			n8n = await startAndWatch();

			const first = await finishedExport();
			await waitFor(`job ${first} to fire`, () => firings([first])[0] > 0);
			expect(firings([history, first])).toEqual([0, 1]);

			// the poll that fires the second job must not fire the first one again
			const second = await finishedExport();
			await waitFor(`job ${second} to fire`, () => firings([second])[0] > 0);
			expect(firings([history, first, second])).toEqual([0, 1, 1]);

			// n8n goes down; a job finishes meanwhile; n8n comes back with the workflow still active
			await n8n.stop();
			const whileDown = await finishedExport();
			n8n = await startAndWatch();
			await waitFor(`job ${whileDown} (finished while n8n was down) to fire`, () => firings([whileDown])[0] > 0);
			// one more poll after the restart: nothing fires twice
			const polls = exportPolls();
			await waitFor('the next poll after the restart', () => exportPolls() > polls);
			await new Promise((r) => setTimeout(r, 10_000));
			expect(firings([history, first, second, whileDown])).toEqual([0, 1, 1, 1]);
		},
		12 * 60_000,
	);
});
