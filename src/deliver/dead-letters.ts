import type { Job } from 'bullmq';
import { SyndicateError } from '../core/errors.js';
import type { DeliverJob } from '../queues/pipeline.js';
import type { PipelineQueues } from '../queues/queues.js';

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

const PAGE = 500;

/** Parses an ISO time (or epoch ms) from a query or flag; throws SYN_ERR_BAD_REQUEST naming the field. */
export function parseTime(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = /^\d+$/.test(String(value)) ? Number(value) : Date.parse(String(value));
  if (Number.isNaN(ms)) throw new SyndicateError('SYN_ERR_BAD_REQUEST', `${field}: not a time: ${String(value)} (ISO 8601, e.g. 2025-06-10T09:00:00Z)`);
  return ms;
}

function matches(job: Job<DeliverJob>, filter: DeadLetterFilter): boolean {
  // Fan-out jobs share the queue; their deliveries that failed are per-subscription jobs, so only those are letters.
  if (typeof job.data.subscriptionId !== 'string') return false;
  if (filter.subscription && job.data.subscriptionId !== filter.subscription) return false;
  const at = job.finishedOn ?? 0;
  return (filter.from === undefined || at >= filter.from) && (filter.to === undefined || at <= filter.to);
}

/** Failed deliveries (exhausted, 410, disabled) matching the filter, newest first, at most `limit`. */
export async function listDeadLetters(queues: PipelineQueues, filter: DeadLetterFilter, limit = 1000): Promise<Job<DeliverJob>[]> {
  const found: Job<DeliverJob>[] = [];
  for (let start = 0; found.length < limit; start += PAGE) {
    const page = (await queues.deliver.getFailed(start, start + PAGE - 1)) as Job<DeliverJob>[];
    for (const job of page) if (job && matches(job, filter) && found.length < limit) found.push(job);
    if (page.length < PAGE) break;
  }
  return found;
}

/** The API view of a dead letter. */
export function describeDeadLetter(job: Job<DeliverJob>): DeadLetter {
  const { subscriptionId, eventId, eventType, storyId } = job.data;
  return { jobId: job.id ?? '', subscriptionId, eventId, eventType, storyId, attemptsMade: job.attemptsMade, failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null, reason: job.failedReason };
}

/** A fan-out's verdict (410, disabled) made the job a dead letter at once; a replay must really send it again. */
async function clearVerdict(job: Job<DeliverJob>): Promise<void> {
  if (!job.data.verdict) return;
  const { verdict: _verdict, ...data } = job.data;
  await job.updateData(data);
}

/**
 * Replays one dead letter: back to waiting with its attempt counters reset, so it runs the whole schedule again
 * with the same job id and `webhook-id`. Throws SYN_ERR_NOT_FOUND / SYN_ERR_CONFLICT when it is not a dead letter.
 */
export async function replayDeadLetter(queues: PipelineQueues, jobId: string): Promise<DeadLetter> {
  const job = (await queues.deliver.getJob(jobId)) as Job<DeliverJob> | undefined;
  if (!job) throw new SyndicateError('SYN_ERR_NOT_FOUND', `no delivery job ${jobId}`);
  const state = await job.getState();
  if (state !== 'failed') throw new SyndicateError('SYN_ERR_CONFLICT', `delivery job ${jobId} is ${state}, not failed`);
  const described = describeDeadLetter(job);
  await clearVerdict(job);
  await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
  return described;
}

/**
 * Replays every dead letter matching the filter, oldest first, so a story's `item.published` goes back before its
 * later events (the ordering rule holds those until it is delivered anyway).
 */
export async function replayDeadLetters(queues: PipelineQueues, filter: DeadLetterFilter): Promise<DeadLetter[]> {
  const jobs = (await listDeadLetters(queues, filter, Number.MAX_SAFE_INTEGER)).sort((a, b) => (a.finishedOn ?? 0) - (b.finishedOn ?? 0));
  const replayed: DeadLetter[] = [];
  for (const job of jobs) {
    replayed.push(describeDeadLetter(job));
    await clearVerdict(job);
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
  }
  return replayed;
}
