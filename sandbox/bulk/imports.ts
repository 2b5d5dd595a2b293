/** Bulk lead import jobs. */
import type { SandboxState } from '../context';

export class BulkImports {
	constructor(readonly state: SandboxState) {}
	stop(): void {}
}
