/**
 * `npm run test:ui` (started by scripts/test-ui.sh, which starts n8n and the sandbox): the Marketo nodes in n8n's
 * editor, in Debian's Chromium driven by playwright-core. Each step is checked and leaves a screenshot in
 * test/ui/screenshots/; the README's pictures are refreshed in docs/screenshots/. Ends with "N passed, N failed".
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';

import { Editor, WAIT_MS } from './editor';
import { exportWorkflow, pickersWorkflow, triggerWorkflow } from './workflows';

function required(name: string): string {
	const value = process.env[name];
	if (!value) throw new Error(`${name} is not set: run this through npm run test:ui`);
	return value;
}

const N8N_URL = required('UI_N8N_URL');
const SHOTS = join(__dirname, 'screenshots');
const DOC_SHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');
const EXAMPLES = join(__dirname, '..', '..', 'examples');
/** The screenshots the README shows: the file taken here, and its name there. */
const FOR_README: Record<string, string> = {
	'example-create-or-update-leads.png': 'create-or-update-leads.png',
	'output-add-to-list.png': 'add-to-list-output.png',
	'trigger-test-event.png': 'trigger-test-event.png',
};

const results: Array<{ name: string; ok: boolean; ms: number; error?: string }> = [];
let shotCount = 0;

function check(condition: unknown, message: string): asserts condition {
	if (!condition) throw new Error(message);
}

async function shot(page: Page, name: string): Promise<void> {
	shotCount++;
	await page.screenshot({ path: join(SHOTS, `${String(shotCount).padStart(2, '0')}-${name}.png`) });
}

async function step(page: Page, name: string, body: () => Promise<void>): Promise<boolean> {
	const started = Date.now();
	try {
		await body();
		results.push({ name, ok: true, ms: Date.now() - started });
		console.log(`  ✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
		return true;
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		results.push({ name, ok: false, ms: Date.now() - started, error: message });
		console.log(`  ✗ ${name}\n      ${message.split("\n").slice(0, 4).join("\n      ")}`);
		await page.screenshot({ path: join(SHOTS, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-')}.png`) }).catch(() => undefined);
		// what the failed step left open must not fail the next one
		await page.keyboard.press('Escape').catch(() => undefined);
		await new Editor(page, N8N_URL).closeNode().catch(() => undefined);
		return false;
	}
}

interface ExampleFile {
	id: string;
	name: string;
	nodes: Array<{ name: string; type: string }>;
}

function examples(): ExampleFile[] {
	return readdirSync(EXAMPLES)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => JSON.parse(readFileSync(join(EXAMPLES, f), 'utf8')) as ExampleFile);
}

const isMarketo = (type: string) => type.startsWith('n8n-nodes-marketo.');

async function main(): Promise<number> {
	rmSync(SHOTS, { recursive: true, force: true });
	mkdirSync(SHOTS, { recursive: true });
	// a fresh profile per run (the script hands a new folder); no browser is ever downloaded
	const browser = await chromium.launchPersistentContext(required('UI_PROFILE_DIR'), {
		executablePath: required('UI_CHROMIUM'),
		headless: true,
		viewport: { width: 1600, height: 1000 },
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	const page = browser.pages()[0] ?? (await browser.newPage());
	page.setDefaultTimeout(WAIT_MS);
	const editor = new Editor(page, N8N_URL);
	const created: Record<string, string> = {};

	try {
		const signedIn = await step(page, 'signs in with the quick start owner account', async () => {
			await editor.signIn(required('UI_EMAIL'), required('UI_PASSWORD'));
			await shot(page, 'signed-in');
		});
		if (!signedIn) return report();

		for (const example of examples()) {
			await step(page, `example "${example.name}" opens with no parameter marked with an issue`, async () => {
				await editor.openWorkflow(example.id);
				const warned = await editor.byTestId('canvas-node-status-warning').count();
				await shot(page, `example-${example.id}-canvas`);
				check(warned === 0, `${warned} node(s) on the canvas show a warning`);
				for (const node of example.nodes.filter((n) => isMarketo(n.type))) {
					await editor.openNode(node.name);
					await editor.pickersLoaded();
					const issues = await editor.parameterIssues();
					const file = example.id === 'mktoExample00002' ? 'example-create-or-update-leads' : `example-${example.id}-${node.name.replace(/\W+/g, '-')}`;
					await shot(page, file);
					check(issues.length === 0, `"${node.name}" has parameters marked: ${issues.join('; ')}`);
					await editor.closeNode();
				}
			});
		}

		const pickersReady = await step(page, 'creates a workflow with one node per picker', async () => {
			created.pickers = (await editor.rest<{ id: string }>('POST', '/rest/workflows', pickersWorkflow())).id;
			await editor.openWorkflow(created.pickers);
		});

		if (pickersReady) {
			await step(page, 'node picker: the "Marketo" entry describes the actions, not only the trigger', async () => {
				await editor.byTestId('node-creator-plus-button').first().click();
				const search = page.locator('[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]').first();
				await search.fill('Marketo');
				const item = editor.byTestId('node-creator-action-item').or(editor.byTestId('node-creator-node-item')).filter({ hasText: 'Marketo' }).first();
				await item.waitFor();
				await shot(page, 'node-picker-search');
				await item.click();
				const panel = editor.byTestId('node-creator');
				await panel.getByText(/create or update leads/i).first().waitFor();
				await shot(page, 'node-picker-actions');
				const text = (await panel.textContent()) ?? '';
				// n8n shows the trigger's description for the merged "Marketo" entry: it must speak for the actions too
				check(/Marketo leads, .*static lists/.test(text) && !/Starts the workflow when/.test(text), `the actions page shows: ${text.slice(0, 300)}`);
				await page.keyboard.press('Escape');
				await editor.byTestId('node-creator').waitFor({ state: 'hidden' });
			});

			await step(page, "picks a static list from the sandbox's lists", async () => {
				await editor.openNode('Add to list');
				const offered = await editor.pickFromLocator('list', 'Foundation Seed List');
				check(offered.some((o) => o.includes('Webinar Registrants')), `the list picker offers: ${offered.join(', ')}`);
				await shot(page, 'picked-static-list');
				await editor.closeNode();
			});

			await step(page, "picks a partition from the sandbox's partitions (empty is valid: the default partition)", async () => {
				await editor.openNode('Create or update leads');
				await editor.pickersLoaded();
				check((await editor.parameterIssues()).length === 0, 'the empty Partition is marked before picking');
				const offered = await editor.pickOption('partitionName', 'Mexico');
				check(offered.some((o) => o.startsWith('Canada')) && offered.some((o) => o.startsWith('Default')), `the partition picker offers: ${offered.join(', ')}`);
				await shot(page, 'picked-partition');
				await editor.closeNode();
			});

			await step(page, "picks a folder from the sandbox's folders and programs", async () => {
				await editor.openNode('Create list');
				// the detector itself: the required Folder, still empty, is marked
				check((await editor.parameterIssues()).length > 0, 'the empty required Folder is not marked: the issue detector sees nothing');
				const offered = await editor.pickFromLocator('folder', 'Seed Lists');
				check(offered.some((o) => o.includes('Summer Webinar')), `the folder picker offers: ${offered.join(', ')}`);
				await shot(page, 'picked-folder');
				check((await editor.parameterIssues()).length === 0, `still marked after picking: ${(await editor.parameterIssues()).join('; ')}`);
				await editor.closeNode();
			});

			await step(page, "picks lead fields from the sandbox's lead schema", async () => {
				await editor.openNode('Get leads');
				const offered = await editor.pickOption('fields', /\(email\)|^Email/);
				check(offered.some((o) => /firstName/.test(o)), `the fields picker offers: ${offered.slice(0, 10).join(', ')}…`);
				await page.keyboard.press('Escape');
				await shot(page, 'picked-lead-fields');
				await editor.closeNode();
			});

			await step(page, 'runs Add to List and reads the output table: the readable columns first, every row the same', async () => {
				await editor.openNode('Add to list');
				await editor.runOpenNode();
				const error = await editor.outputError();
				check(!error, `the step failed: ${error?.message} ${error?.description}`);
				const { headers, rows } = await editor.outputTable();
				await shot(page, 'output-add-to-list');
				check(headers.slice(0, 5).join(',') === 'listId,leadId,status,reasonCode,reasonMessage', `columns: ${headers.join(', ')}`);
				check(rows.length === 3, `${rows.length} rows`);
				const cells = rows.map((r) => r.join(' | ')).join('\n');
				check(!/undefined/.test(cells), `a cell reads "undefined":\n${cells}`);
				check(/added/.test(rows[0].join(' ')) && /skipped/.test(rows[1].join(' ')) && /1004/.test(rows[1].join(' ')), `rows:\n${cells}`);
				await editor.closeNode();
			});
		}

		await step(page, 'Marketo Trigger: Fetch Test Event before any export says to run one first', async () => {
			created.trigger = (await editor.rest<{ id: string }>('POST', '/rest/workflows', triggerWorkflow())).id;
			await editor.openWorkflow(created.trigger);
			await editor.openNode('Marketo Trigger');
			await editor.runOpenNode();
			const error = await editor.outputError();
			await shot(page, 'trigger-no-job-yet');
			check(error && /No finished export job/.test(error.message), `Fetch Test Event showed: ${JSON.stringify(error)}`);
			check(/Run an export first/.test(error.description), `its description: ${error.description}`);
			await editor.closeNode();
		});

		await step(page, 'Export Leads (no poll interval set) finishes in seconds against the sandbox, leads in the table', async () => {
			created.export = (await editor.rest<{ id: string }>('POST', '/rest/workflows', exportWorkflow())).id;
			await editor.openWorkflow(created.export);
			await editor.openNode('Export leads');
			await editor.pickersLoaded();
			check((await editor.parameterIssues()).length === 0, `Export Leads is marked: ${(await editor.parameterIssues()).join('; ')}`);
			const started = Date.now();
			await editor.runOpenNode();
			const seconds = (Date.now() - started) / 1000;
			const error = await editor.outputError();
			check(!error, `the export failed: ${error?.message} ${error?.description}`);
			const { headers, rows } = await editor.outputTable();
			await shot(page, 'output-export-leads');
			console.log(`      export shown after ${seconds.toFixed(1)} s (first table page: ${rows.length} rows)`);
			check(headers.includes('email') && rows.length > 0, `columns ${headers.join(', ')}, ${rows.length} rows`);
			check(seconds < 45, `the export took ${seconds.toFixed(1)} s (the 60 s poll would take over a minute)`);
			await editor.closeNode();
		});

		await step(page, 'Marketo Trigger: Fetch Test Event shows the finished export job', async () => {
			await editor.openWorkflow(created.trigger);
			await editor.openNode('Marketo Trigger');
			await editor.runOpenNode();
			const error = await editor.outputError();
			check(!error, `Fetch Test Event failed: ${error?.message} ${error?.description}`);
			const { headers, rows } = await editor.outputTable();
			await shot(page, 'trigger-test-event');
			check(headers.includes('exportId') && headers.includes('status'), `columns: ${headers.join(', ')}`);
			check(rows.length === 1 && rows[0].some((c) => c === 'Completed'), `rows: ${JSON.stringify(rows)}`);
			await editor.closeNode();
		});

		await step(page, "tests the credential: success, then a wrong secret shows Marketo's message", async () => {
			await page.goto(`${N8N_URL}/home/credentials`);
			await page.getByText('Marketo Sandbox', { exact: true }).first().click();
			// the dialog's body (its header, with Save, is outside this element)
			const modal = editor.byTestId('credential-edit-dialog');
			const save = editor.byTestId('credential-save-button').first();
			// n8n tests a saved credential when it opens
			await editor.byTestId('credentials-config-container-test-success', modal).waitFor();
			await shot(page, 'credential-test-ok');
			const secret = editor.byTestId('parameter-input-clientSecret', modal).locator('input').first();
			await secret.fill('a-wrong-secret');
			await save.click();
			// n8n shows "Couldn't connect with these settings"; Marketo's own words are behind "More details"
			await modal.getByText(/Couldn.t connect with these settings/).first().waitFor();
			await modal.getByText('More details').first().click();
			await page.getByText(/Bad client credentials/).first().waitFor();
			await shot(page, 'credential-test-wrong-secret');
			// the right secret back
			await secret.fill('sandbox-client-secret');
			await save.click();
			await editor.byTestId('credentials-config-container-test-success', modal).waitFor();
			await page.keyboard.press('Escape');
		});
	} finally {
		await browser.close();
	}
	return report();
}

function report(): number {
	const passed = results.filter((r) => r.ok).length;
	const failed = results.length - passed;
	if (failed === 0) {
		mkdirSync(DOC_SHOTS, { recursive: true });
		const taken = readdirSync(SHOTS);
		for (const [suffix, target] of Object.entries(FOR_README)) {
			const file = taken.find((f) => f.replace(/^\d+-/, '') === suffix);
			if (file) copyFileSync(join(SHOTS, file), join(DOC_SHOTS, target));
		}
	}
	console.log(`\nscreenshots: test/ui/screenshots/ (${readdirSync(SHOTS).length} files)`);
	console.log(`${passed} passed, ${failed} failed`);
	return failed === 0 ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
