/**
 * n8n 2.8's editor as a person uses it, through its data-test-id attributes (the ids n8n's own Playwright tests
 * use): sign in, open a workflow, open a node, pick from a list, run a step, read the output table. Every wait is
 * for an element or a condition, never a fixed time, so that a loaded machine only makes the run slower.
 */
import type { Locator, Page } from 'playwright-core';

// what code run inside the page uses of its globals (this project is typed without the DOM library)
interface PageElement {
	querySelector(selector: string): PageElement | null;
	querySelectorAll(selector: string): { length: number };
}
declare const document: PageElement;
declare const localStorage: { getItem(key: string): string | null };

/** Long enough for a loaded 2-core machine; a step that needs more is broken, not slow. */
export const WAIT_MS = 60_000;

export class Editor {
	constructor(
		readonly page: Page,
		readonly baseUrl: string,
	) {}

	byTestId(id: string, within: Page | Locator = this.page): Locator {
		return within.locator(`[data-test-id="${id}"]`);
	}

	async signIn(email: string, password: string): Promise<void> {
		await this.page.goto(`${this.baseUrl}/signin`);
		const form = this.byTestId('signin-form');
		await form.waitFor({ timeout: WAIT_MS });
		await form.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(email);
		await form.locator('input[type="password"]').first().fill(password);
		await form.locator('button').filter({ hasText: /sign in/i }).first().click();
		await this.page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: WAIT_MS });
	}

	/** n8n's REST API with the signed-in session (the editor sends its browser id with every call). */
	async rest<T>(method: string, path: string, body?: unknown): Promise<T> {
		const answer = await this.page.evaluate(
			async ({ method, path, body }) => {
				const response = await fetch(path, {
					method,
					headers: { 'Content-Type': 'application/json', 'browser-id': localStorage.getItem('n8n-browserId') ?? '' },
					body: body === undefined ? undefined : JSON.stringify(body),
				});
				return { status: response.status, text: await response.text() };
			},
			{ method, path, body },
		);
		if (answer.status >= 300) throw new Error(`${method} ${path}: HTTP ${answer.status} ${answer.text.slice(0, 300)}`);
		return (JSON.parse(answer.text) as { data: T }).data;
	}

	async openWorkflow(id: string): Promise<void> {
		await this.page.goto(`${this.baseUrl}/workflow/${id}`);
		await this.byTestId('canvas-node').first().waitFor({ timeout: WAIT_MS });
	}

	canvasNode(name: string): Locator {
		return this.page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);
	}

	ndv(): Locator {
		return this.byTestId('ndv');
	}

	/** Opens a node's details (double click on the canvas) and waits for its parameters. */
	async openNode(name: string): Promise<Locator> {
		await this.canvasNode(name).dblclick();
		const ndv = this.ndv();
		await this.byTestId('node-parameters', ndv).first().waitFor({ timeout: WAIT_MS });
		return ndv;
	}

	async closeNode(): Promise<void> {
		if (!(await this.ndv().isVisible())) return;
		// n8n 2.8 shows the node's details as a dialog with a close button; older layouts have "back to canvas"
		const close = this.byTestId('ndv-close-button').or(this.byTestId('back-to-canvas')).first();
		await close.click();
		await this.ndv().waitFor({ state: 'hidden', timeout: WAIT_MS });
	}

	parameter(name: string, within: Page | Locator = this.page): Locator {
		return this.byTestId(`parameter-input-${name}`, within).first();
	}

	/** Waits until no picker of the open node is still loading its options from Marketo. */
	async pickersLoaded(): Promise<void> {
		await this.page.waitForFunction(
			() => {
				const ndv = document.querySelector('[data-test-id="ndv"]');
				return !!ndv && ndv.querySelectorAll('.is-loading, .el-select__loading, [class*="loading"] .el-input__inner').length === 0;
			},
			undefined,
			{ timeout: WAIT_MS },
		);
	}

	/** The issues n8n marks on the open node's parameters (red fields), as "parameter: text". */
	async parameterIssues(): Promise<string[]> {
		const ndv = this.ndv();
		const marked = this.byTestId('parameter-issues', ndv);
		const issues: string[] = [];
		for (let i = 0; i < (await marked.count()); i++) {
			const holder = marked.nth(i).locator('xpath=ancestor::*[contains(@class, "parameter-item")][1]');
			const label = (await holder.count()) ? ((await holder.locator('label, .n8n-input-label').first().textContent()) ?? '').trim() : '?';
			await marked.nth(i).hover();
			const tip = this.page.locator('.el-popper:visible, [role="tooltip"]:visible').last();
			const text = (await tip.isVisible()) ? ((await tip.textContent()) ?? '').trim() : '';
			issues.push(`${label}: ${text}`);
		}
		return issues;
	}

	/** Opens a dropdown parameter and picks the option with this text (the list is loaded from Marketo). */
	async pickOption(parameterName: string, optionText: string | RegExp): Promise<string[]> {
		const field = this.parameter(parameterName, this.ndv());
		const option = this.page.locator('.el-select-dropdown__item:visible, [role="option"]:visible').filter({ hasText: optionText }).first();
		// a click that lands while the field is still settling does not open it: click until the list shows
		for (let attempt = 1; ; attempt++) {
			await field.locator('input').first().click();
			const shown = await option.waitFor({ timeout: attempt < 3 ? WAIT_MS / 4 : WAIT_MS }).then(
				() => true,
				() => false,
			);
			if (shown) break;
			if (attempt >= 3) throw new Error(`'${parameterName}' shows no option matching ${String(optionText)}`);
		}
		const offered = await this.page.locator('.el-select-dropdown__item:visible, [role="option"]:visible').allTextContents();
		await option.click();
		return offered.map((t) => t.trim());
	}

	/** Opens a resource locator's list and picks the entry with this text. */
	async pickFromLocator(parameterName: string, itemText: string): Promise<string[]> {
		const field = this.parameter(parameterName, this.ndv());
		await this.byTestId('rlc-input', field).click();
		const item = this.byTestId('rlc-item').filter({ hasText: itemText }).first();
		await item.waitFor({ timeout: WAIT_MS });
		const offered = await this.byTestId('rlc-item').allTextContents();
		await item.click();
		return offered.map((t) => t.trim());
	}

	/** Runs the open node (and what it needs before it) and waits for its output or its error. */
	async runOpenNode(): Promise<void> {
		const ndv = this.ndv();
		await this.byTestId('node-execute-button', ndv).first().click();
		await this.page.waitForFunction(
			() => {
				const panel = document.querySelector('[data-test-id="ndv"] [data-test-id="output-panel"]');
				if (!panel) return false;
				if (panel.querySelector('[data-test-id="ndv-executing"]')) return false;
				return !!panel.querySelector('table, [data-test-id="node-error-message"], [data-test-id="ndv-data-container"] .json-data, [data-test-id="run-data-schema-item"]');
			},
			undefined,
			{ timeout: WAIT_MS * 3 },
		);
	}

	async outputError(): Promise<{ message: string; description: string } | undefined> {
		const panel = this.byTestId('output-panel', this.ndv());
		const message = this.byTestId('node-error-message', panel);
		if (!(await message.count())) return undefined;
		const description = this.byTestId('node-error-description', panel);
		return {
			message: ((await message.first().textContent()) ?? '').trim(),
			description: (await description.count()) ? ((await description.first().textContent()) ?? '').trim() : '',
		};
	}

	/** The output panel's table view: header texts and the cells of each row. */
	async outputTable(): Promise<{ headers: string[]; rows: string[][] }> {
		const panel = this.byTestId('output-panel', this.ndv());
		const tableRadio = panel.getByRole('radio', { name: 'Table' });
		if (await tableRadio.count()) await tableRadio.first().click();
		const table = this.byTestId('ndv-data-container', panel).locator('table').first();
		await table.waitFor({ timeout: WAIT_MS });
		const headers = (await table.locator('thead th').allTextContents()).map((t) => t.trim()).filter((t) => t !== '');
		const rows: string[][] = [];
		const trs = table.locator('tbody tr');
		for (let i = 0; i < (await trs.count()); i++) rows.push((await trs.nth(i).locator('td').allTextContents()).map((t) => t.trim()));
		return { headers, rows };
	}
}
