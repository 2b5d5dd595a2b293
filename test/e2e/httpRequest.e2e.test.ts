/**
 * The Marketo API credential in n8n's own HTTP Request node (Authentication: Predefined Credential Type > Marketo
 * API), for the Marketo endpoints the Marketo node does not cover. The credential gets the token itself
 * (preAuthentication), sends it as a Bearer header, keeps it with its expiry in the stored credential so that the
 * next execution reuses it, and replaces it once it is about to expire.
 */
import { buildWorkflow, describeFailure, describeSandbox, E2eRig, httpRequestNode, itemsOf, NEEDS_SANDBOX, type Workflow } from './rig';

const PARTITIONS = '/rest/v1/leads/partitions.json';
const TOKEN = '/identity/oauth/token';

function partitionsRequest(rig: E2eRig): Workflow {
	const node = httpRequestNode(rig, PARTITIONS);
	return buildWorkflow('HTTP Request with the Marketo API credential', [node]);
}

async function partitionsAnswer(rig: E2eRig, workflow: Workflow): Promise<Record<string, unknown>> {
	const result = await rig.executeImported(workflow.id);
	if (!result.ok) throw new Error(describeFailure(result));
	const [item] = itemsOf(result, 'HTTP Request');
	return item.json;
}

describe('the Marketo API credential in the HTTP Request node, in a real n8n', () => {
	describe('with Marketo’s token lifetime', () => {
		let rig: E2eRig;
		beforeAll(async () => {
			rig = await E2eRig.create();
		});
		afterAll(async () => {
			await rig?.dispose();
		});

		it('fetches the token itself, sends it only as a Bearer header, and the next execution reuses the stored token', async () => {
			const workflow = partitionsRequest(rig);
			await rig.importWorkflows([workflow]);
			rig.sandbox?.clearLog();
			const first = await partitionsAnswer(rig, workflow);
			expect(first).toMatchObject({ success: true, result: expect.arrayContaining([expect.objectContaining({ name: 'Default' })]) });
			const second = await partitionsAnswer(rig, workflow);
			expect(second).toMatchObject({ success: true });
			await rig.sandboxOnly((sandbox) => {
				const log = sandbox.requestLog;
				// two executions, two n8n processes: one token, kept in the credential between them
				expect(log.filter((e) => e.path === TOKEN)).toHaveLength(1);
				const calls = log.filter((e) => e.path === PARTITIONS);
				expect(calls).toHaveLength(2);
				expect(calls.every((e) => e.tokenSource === 'header')).toBe(true);
			});
		});
	});

	describeSandbox(NEEDS_SANDBOX.clock)('with a token that expires in seconds', () => {
		let rig: E2eRig;
		beforeAll(async () => {
			rig = await E2eRig.create({ sandbox: { tokenLifetimeSeconds: 4 } });
		});
		afterAll(async () => {
			await rig?.dispose();
		});

		it('replaces a stored token that is about to expire before sending the request', async () => {
			const sandbox = rig.sandbox!;
			const workflow = partitionsRequest(rig);
			await rig.importWorkflows([workflow]);
			sandbox.clearLog();
			expect(await partitionsAnswer(rig, workflow)).toMatchObject({ success: true });
			// the stored token is dead by now; Marketo would answer 602 (with HTTP 200) to it
			await new Promise((resolve) => setTimeout(resolve, 5000));
			expect(await partitionsAnswer(rig, workflow)).toMatchObject({ success: true });
			const log = sandbox.requestLog;
			expect(log.filter((e) => e.path === TOKEN)).toHaveLength(2);
			expect(log.filter((e) => e.code === '602' || e.code === '601')).toHaveLength(0);
		});
	});
});
