/** Bulk lead export jobs. */
import type { SandboxState } from '../context';

export class BulkExports {
	constructor(readonly state: SandboxState) {}
	async stop(): Promise<void> {}
	listUser(_listId: number): string | undefined {
		return undefined;
	}
}
