import { failedWithin, getFailedJob, listFailedJobs, parseTime, retryFailedJob, type FailedStageJob } from '../queues/failed-jobs.js';
import type { DeliverJob } from '../queues/pipeline.js';
import type { PipelineQueues } from '../queues/queues.js';

/** Dead letters live in the deliver queue only. */
type DeliverQueue = Pick<PipelineQueues, 'deliver'>;

/** Which dead letters to list or replay: one subscription (optional) and a time range of failure. */
export interface DeadLetterFilter {
  subscription?: string;
  /** Epoch ms, inclusive; the job's failure time (`finishedOn`). */
  from?: number;
  to?: number;
}

/** A dead letter as the API shows it (the body stays out: it can be large, and the item API has it). */
export interface DeadLetter {
  jobId: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  storyId: string;
  attemptsMade: number;
  failedAt: string | null;
  reason: string;
}

/** Parses an ISO time (or epoch ms): the one parser, shared with every queue's failed jobs. */
export { parseTime };

function matches(job: FailedStageJob<DeliverJob>, filter: DeadLetterFilter): boolean {
  // Fan-out jobs share the queue; their deliveries that failed are per-subscription jobs, so only those are letters.
  if (typeof job.data.subscriptionId !== 'string') return false;
  if (filter.subscription && job.data.subscriptionId !== filter.subscription) return false;
  return failedWithin(job, filter);
}

/** Failed deliveries (exhausted, 410, disabled) matching the filter, newest first, at most `limit`. */
export async function listDeadLetters(queues: DeliverQueue, filter: DeadLetterFilter, limit = 1000): Promise<FailedStageJob<DeliverJob>[]> {
  // The deliver queue holds fan-outs too: `matches` keeps the per-subscription jobs only.
  return (await listFailedJobs(queues.deliver, (job) => matches(job as FailedStageJob<DeliverJob>, filter), limit)) as FailedStageJob<DeliverJob>[];
}

/** The API view of a dead letter. */
export function describeDeadLetter(job: FailedStageJob<DeliverJob>): DeadLetter {
  const { subscriptionId, eventId, eventType, storyId } = job.data;
  return {
    jobId: job.id ?? '',
    subscriptionId,
    eventId,
    eventType,
    storyId,
    attemptsMade: job.attemptsMade,
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    reason: job.failedReason,
  };
}

/** A fan-out's verdict (410, disabled) made the job a dead letter at once; a replay must really send it again. */
async function clearVerdict(job: FailedStageJob<DeliverJob>): Promise<void> {
  if (!job.data.verdict) return;
  const { verdict: _verdict, ...data } = job.data;
  await job.updateData(data);
}

/**
 * Replays one dead letter: back to waiting with its attempt counters reset, so it runs the whole schedule again
 * with the same job id and `webhook-id`. Throws SYN_ERR_NOT_FOUND / SYN_ERR_CONFLICT when it is not a dead letter.
 */
export async function replayDeadLetter(queues: DeliverQueue, jobId: string): Promise<DeadLetter> {
  const job = (await getFailedJob(queues.deliver, jobId, 'delivery job')) as FailedStageJob<DeliverJob>;
  const described = describeDeadLetter(job);
  await clearVerdict(job);
  await retryFailedJob(job);
  return described;
}

/**
 * Replays every dead letter matching the filter, oldest first, so a story's `item.published` goes back before its
 * later events (the ordering rule holds those until it is delivered anyway).
 */
export async function replayDeadLetters(queues: DeliverQueue, filter: DeadLetterFilter): Promise<DeadLetter[]> {
  const jobs = (await listDeadLetters(queues, filter, Number.MAX_SAFE_INTEGER)).sort((a, b) => (a.finishedOn ?? 0) - (b.finishedOn ?? 0));
  const replayed: DeadLetter[] = [];
  for (const job of jobs) {
    replayed.push(describeDeadLetter(job));
    await clearVerdict(job);
    await retryFailedJob(job);
  }
  return replayed;
}
