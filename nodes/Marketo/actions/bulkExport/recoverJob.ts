import type { MarketoOutcomeUnknownError } from '../../transport';
import { madeSince, stillUnknown } from '../shared/recovery';
import { describeFilter } from './filter';
import type { ExportJob, ExportJobRequest, ExportRun } from './jobs';

/**
 * Create Job got no answer: Marketo may have made the job. Its job list tells: a job still Created (no one else
 * knows its ID, so no one has enqueued it), in the same format, made since the request was sent. The list holds
 * neither filter nor fields, so exactly one such job is needed; none or several leave the outcome unknown.
 */
export async function recoverCreatedJob(
	run: ExportRun,
	request: ExportJobRequest,
	unanswered: MarketoOutcomeUnknownError,
	listCreated: () => Promise<ExportJob[]>,
): Promise<ExportJob> {
	const jobs = (await listCreated()).filter(
		(job) => job.status === 'Created' && String(job.format ?? request.format).toUpperCase() === request.format && madeSince(run.client, unanswered, job.createdAt),
	);
	if (jobs.length === 1) return { ...jobs[0], recovered: true };
	const about = `export job (${describeFilter(request.filter)})`;
	if (jobs.length === 0) {
		throw stillUnknown(
			run.node,
			unanswered,
			`Create Job for the ${about} got no answer, and Marketo's job list shows no new job: it was most likely not created`,
			'Run it again for this item; Get Many Jobs (status Created) shows the jobs Marketo holds.',
		);
	}
	throw stillUnknown(
		run.node,
		unanswered,
		`Create Job for the ${about} got no answer, and Marketo's job list shows ${jobs.length} new Created jobs in ${request.format}: ${jobs.map((j) => j.exportId).join(', ')}`,
		'One of them may be this one, the others made by another workflow at the same moment. Check them with Get Job Status before enqueueing; cancel those you do not need with Cancel Job.',
	);
}
