import type { IDataObject } from 'n8n-workflow';

/**
 * A bulk export job as Marketo describes it (create, enqueue, status, cancel and the job list answer this shape).
 * Shared by the Bulk Export operations and the Marketo Trigger, which watches the same jobs.
 */
export interface ExportJob extends IDataObject {
	exportId: string;
	status: string;
	createdAt?: string;
	queuedAt?: string;
	startedAt?: string;
	finishedAt?: string;
	format?: string;
	numberOfRecords?: number;
	fileSize?: number;
	fileChecksum?: string;
	errorMsg?: string;
}

/** Marketo spells it "Canceled" in the job list and "Cancelled" in the cancel answer. */
export function normalizeExportStatus(status: string): string {
	return status === 'Cancelled' ? 'Canceled' : status;
}
