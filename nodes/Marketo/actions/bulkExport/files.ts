import type { FetchedBytes, ResumePolicy } from './download';
import { checkedBytes, resumableBytes } from './download';
import { exportFileFetcher } from './jobs';
import type { ExportJob, ExportRun } from './jobs';

/** Resumed requests after a dropped download, per file. */
export const MAX_RESUMES = 5;

export function resumePolicy(run: ExportRun, exportId: string): ResumePolicy {
	return {
		maxResumes: MAX_RESUMES,
		onResume: (at, reason) => run.log?.(`Marketo export ${exportId}: download broke off (${reason}), resuming from byte ${at}`),
	};
}

/**
 * The whole file of a Completed job, as a byte source opened on first read: resumed after a dropped connection
 * and checked against the job's fileSize and fileChecksum. `first` is the answer of a request already made.
 */
export function completedJobFile(run: ExportRun, job: ExportJob, first?: FetchedBytes): () => AsyncIterable<Buffer> {
	const size = typeof job.fileSize === 'number' ? job.fileSize : undefined;
	return () =>
		checkedBytes(resumableBytes(exportFileFetcher(run, job.exportId), { first: 0, fileSize: size }, resumePolicy(run, job.exportId), first), {
			size,
			checksum: typeof job.fileChecksum === 'string' ? job.fileChecksum : undefined,
			label: `export job ${job.exportId}`,
		});
}

/** A file name for the export: the one asked for, else `marketo-leads-<first id>.<format>`. */
export function exportFileName(requested: unknown, job: ExportJob, format: string): string {
	const name = String(requested ?? '').trim();
	return name || `marketo-leads-${job.exportId}.${format.toLowerCase()}`;
}
