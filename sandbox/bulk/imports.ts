/** Bulk lead import jobs. */
import type { SandboxState } from '../context';

export class BulkImports {
	constructor(readonly state: SandboxState) {}
	stop(): void {}
	listUser(_listId: number): string | undefined {
		return undefined;
	}
}
