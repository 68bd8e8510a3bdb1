import { createHash } from 'node:crypto';
import { Queue, type ConnectionOptions, type DefaultJobOptions, type JobState as BullJobState, type JobsOptions, type WorkerOptions } from 'bullmq';
import {
  QUEUE_NAMES,
  type BatchJob,
  type BatchMember,
  type BatchQueue,
  type DedupJob,
  type DeliverJob,
  type FanoutJob,
  type NormalizeJob,
  type PublishJob,
  type QueueName,
  type QueuePayloads,
  type WebSubJob,
} from './pipeline.js';
import { slotTag } from '../redis/keys.js';

/** One typed BullMQ producer per pipeline queue. */
export type QueueProducers = { [K in QueueName]: Queue<QueuePayloads[K]> };

const DAY_S = 86_400;

/** What bounds a queue's finished jobs (from `limits`): see {@link stageJobOptions}. */
export interface JobBounds {
  /** `limits.retention`, ms: no finished job (they carry story content) is kept longer. */
  retention: number;
  /** How long failed jobs are kept (`limits.failedJobRetention`, ms). */
  failedJobRetention: number;
  /** Failed jobs kept per queue at most (`limits.failedJobCap`). */
  failedJobCap: number;
  /** Completed jobs of a story's stages kept per queue, newest first (`limits.completedJobCap`). */
  completedJobCap: number;
  /** How long a story's job id stays taken after its job finished (`limits.jobIdWindow`, ms): see {@link addedOnce}. */
  jobIdWindow: number;
  /** Entries one batch job carries at most (`limits.entriesPerJob`): see queues/batch.ts. */
  entriesPerJob: number;
}

/**
 * The options of an add that happens once per `jobId`. While the job exists, BullMQ drops a second add of its id;
 * a completed job of a story's stages is not kept for that (it holds a whole entry, item or event, about 10 KB, and
 * only the newest `limits.completedJobCap` stay, for the dashboard), so the id is also a BullMQ deduplication id
 * with a TTL of `windowMs` (`limits.jobIdWindow`): a key of about 100 bytes that outlives the job, since BullMQ
 * deletes a deduplication key that has a TTL only when it expires. The window covers every replay that adds a job
 * again: a stage's job retried or taken up again after its worker died adds its hand-off again within minutes; a
 * fetch killed before it remembered the entries it handed down hands them down again at the source's next poll.
 */
function addedOnce(jobId: string, windowMs: number): Pick<JobsOptions, 'jobId' | 'deduplication'> {
  return { jobId, deduplication: { id: jobId, ttl: windowMs } };
}

/**
 * Job options per stage, and of the deliver queue's fan-out jobs (`fanout`, given with each add). Completed jobs of
 * a story's stages (normalize, dedup, publish, fan-outs) are kept only for operators to see the latest on the
 * dashboard: the newest `completedJobCap` per queue, at most a day (what makes a repeated add a no-op is the
 * deduplication key of {@link addedOnce}, not the job). Per-subscription deliveries (the fan-out's hand-offs: failures
 * and refusals, each with its own retries) stay a week and up to 10,000, since the fan-out and the ordering rule read
 * their state. Failed ones (a story's jobs that exhausted their attempts, the deliver stage's dead letters) are kept
 * for an operator to replay for `failedJobRetention` and at most `failedJobCap` per queue (counted in
 * `syndicate_queue_jobs{state="failed"}`, so an operator sees them before they go). No finished job outlives
 * `retention`: it carries a story's content.
 */
export function stageJobOptions(bounds: JobBounds): Record<QueueName | 'fanout' | 'batch', DefaultJobOptions> {
  const retentionS = Math.max(1, Math.floor(bounds.retention / 1000));
  const kept = (ageS: number, count: number) => ({ age: Math.min(ageS, retentionS), count });
  const failed = kept(Math.floor(bounds.failedJobRetention / 1000), bounds.failedJobCap);
  const latest = kept(DAY_S, bounds.completedJobCap);
  return {
    // A batch job holds up to `entriesPerJob` entries or items: as many completed ones as hold about
    // `completedJobCap` entries are kept, so the dashboard's history costs what single-entry jobs' did.
    batch: { removeOnComplete: kept(DAY_S, Math.ceil(bounds.completedJobCap / Math.max(1, bounds.entriesPerJob))) },
    fetch: { attempts: 1, removeOnComplete: kept(DAY_S, 1000), removeOnFail: kept(7 * DAY_S, Math.min(5000, bounds.failedJobCap)) },
    normalize: { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: latest, removeOnFail: failed },
    dedup: { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: latest, removeOnFail: failed },
    publish: { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: latest, removeOnFail: failed },
    // Delivery retries follow the configured schedule (see deliver/retry-schedule.ts); failed ones are the dead letters.
    deliver: { backoff: { type: 'schedule' }, removeOnComplete: kept(7 * DAY_S, 10_000), removeOnFail: failed },
    // A fan-out fails only on Redis trouble, never on an endpoint: attempts of its own.
    fanout: { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: latest, removeOnFail: failed },
    // WebSub pushes: 1 s, 2 s, 4 s … about 17 minutes in all; a subscriber down longer catches up by polling.
    websub: {
      attempts: 11,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: kept(DAY_S, 5000),
      removeOnFail: kept(7 * DAY_S, Math.min(5000, bounds.failedJobCap)),
    },
  };
}

/**
 * What happens to the jobs of a worker that dies (SIGKILL, OOM, a lost container), per stage, set on purpose
 * rather than left to BullMQ's defaults (lock 30 s, check every 30 s, failed at the second stall):
 * - `lockDuration` 10 s: a live worker renews its locks every 5 s, so only a dead one (or an event loop blocked for
 *   10 s, which no stage does: normalize works entry by entry) loses them;
 * - `stalledInterval` 3 s: any live worker of the queue looks for expired locks that often, so a dead worker's
 *   jobs are back in the wait list within about 10–16 s (lock expiry plus up to two checks);
 * - `maxStalledCount` 20: a job is failed for stalling only after twenty deaths of the workers holding it, which a
 *   crash loop of a deployment reaches but a few restarts never do. Every processor is idempotent, so a job run
 *   again after a stall does no harm.
 */
export const STALL_POLICY: Record<QueueName, Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'>> = {
  fetch: { lockDuration: 10_000, stalledInterval: 3_000, maxStalledCount: 20 },
  normalize: { lockDuration: 10_000, stalledInterval: 3_000, maxStalledCount: 20 },
  dedup: { lockDuration: 10_000, stalledInterval: 3_000, maxStalledCount: 20 },
  publish: { lockDuration: 10_000, stalledInterval: 3_000, maxStalledCount: 20 },
  deliver: { lockDuration: 10_000, stalledInterval: 3_000, maxStalledCount: 20 },
  websub: { lockDuration: 10_000, stalledInterval: 3_000, maxStalledCount: 20 },
};

/** The job name of fan-out jobs on the deliver queue (per-subscription jobs are named after their event type). */
export const FANOUT_JOB_NAME = 'fanout';

/** The job name of batch jobs (queues/batch.ts) on the normalize, dedup and publish queues. */
export const BATCH_JOB_NAME = 'batch';

/** The job name of a single-entry job of each batch queue (a member handed off keeps it). */
const SINGLE_JOB_NAME: Record<BatchQueue, string> = { normalize: 'normalize', dedup: 'dedup', publish: 'publish' };

/** The job id of the normalize job of a source's entry, by version (`entryDigest`); its item's dedup job has it too. */
function entryJobId(sourceId: string, entryDigest: string): string {
  return `${sourceId}-${entryDigest}`;
}

/** The job id of the publish job of dedup's decision (`outcome`) about the item of dedup job `dedupJobId`. */
function decisionJobId(outcome: string, dedupJobId: string | undefined): string {
  return `${outcome}-${dedupJobId}`;
}

/** The job id of a batch of a document's entries: its members name it, so the same batch added again is dropped. */
function batchJobId(members: ReadonlyArray<BatchMember<unknown>>): string {
  return `batch-${createHash('sha1')
    .update(members.map((member) => member.id).join('\n'))
    .digest('base64url')}`;
}

/** The job id of an event's fan-out job: a repeated publish of the same event adds nothing. */
export function fanoutJobId(eventId: string): string {
  return `fanout-${eventId}`;
}

/**
 * The deliver job id of an event to a subscription. The fan-out adds its hand-offs under it (so a repeated add is
 * dropped, and a retried fan-out skips a subscription that has one) and the ordering rule finds a story's
 * `item.published` job by it.
 */
export function deliverJobId(subscriptionId: string, eventId: string): string {
  return `${subscriptionId}-${eventId}`;
}

/** Job id of the poll of a source due at `at`. */
const pollJobId = (sourceId: string, at: number) => `poll-${sourceId}-${at}`;

/** The due time a `poll-*` job id encodes, or null for any other job (initial, manual). */
export function pollJobDueAt(jobId: string | undefined, sourceId: string): number | null {
  const prefix = `poll-${sourceId}-`;
  if (!jobId?.startsWith(prefix)) return null;
  const at = Number(jobId.slice(prefix.length));
  return Number.isFinite(at) ? at : null;
}

/**
 * Events each queue's stream keeps (BullMQ's default, 10,000, is about 1 MB a queue). Nothing here reads them (no
 * `QueueEvents` listener; the dashboard reads jobs): they are a recent trail for an operator's own tools.
 */
const EVENTS_KEPT = 1000;

const jobKey = (...parts: string[]) => createHash('sha1').update(parts.join('\n')).digest('base64url');

/**
 * Job options that make a subscriber's pushes of a topic (or an external hub's pings of it) coalesce: while one is
 * waiting, further channel changes add nothing, since the waiting job sends the document current when it runs;
 * while one is in flight, at most one more is kept (BullMQ `keepLastIfActive`) and runs after it, for the changes
 * the one in flight may have missed. So a burst of publishes costs each subscriber one push in flight plus one,
 * never one per publish, and two pushes to one subscriber never race.
 */
function coalescingOptions(job: WebSubJob): JobsOptions {
  const target = job.kind === 'ping' ? job.hub : job.callback;
  return { deduplication: { id: `${job.kind}-${jobKey(target, job.topic)}`, keepLastIfActive: true } };
}

/** A delivery the fan-out hands to a job of its own: the job's data and when it starts. */
export interface DeliveryHandoff {
  data: DeliverJob;
  delayMs: number;
}

/** A job's state as BullMQ reports it (`unknown` when there is no such job). */
export type JobState = BullJobState | 'unknown';

/**
 * The one place that adds jobs: it owns each job's name, id and options (the stages ask for what they want
 * queued, by what it is), and holds the BullMQ producer of every queue. The producers themselves (`fetch`,
 * `normalize`…) are for what handles a queue as a whole — the dashboard, the gauges, failed-job tools, tests.
 */
export class PipelineQueues implements QueueProducers {
  readonly fetch: Queue<QueuePayloads['fetch']>;
  readonly normalize: Queue<QueuePayloads['normalize']>;
  readonly dedup: Queue<QueuePayloads['dedup']>;
  readonly publish: Queue<QueuePayloads['publish']>;
  readonly deliver: Queue<QueuePayloads['deliver']>;
  readonly websub: Queue<QueuePayloads['websub']>;
  /** The delivery retry schedule's length plus one: a delivery job's attempts. */
  readonly #deliverAttempts: number;
  /** What a fan-out is added with, besides its id (see {@link stageJobOptions}). */
  readonly #fanoutOptions: JobsOptions;
  /** `limits.jobIdWindow`, ms: see {@link addedOnce}. */
  readonly #jobIdWindow: number;
  /** What a batch job is added with, besides its id (see {@link stageJobOptions}). */
  readonly #batchOptions: JobsOptions;

  /**
   * Creates the producers of every queue on one connection, each under its own hash tag derived from `prefix`
   * (`{syndicate:fetch}`…, {@link slotTag}: one Cluster slot per queue); `bounds` (the config's
   * `limits`) bound their finished jobs, `deliverAttempts` is the delivery retry schedule's length plus one.
   */
  constructor(connection: ConnectionOptions, prefix: string, deliverAttempts: number, bounds: JobBounds) {
    const options = stageJobOptions(bounds);
    const make = <K extends QueueName>(name: K) =>
      new Queue<QueuePayloads[K]>(name, {
        connection,
        prefix: slotTag(prefix, name),
        defaultJobOptions: name === 'deliver' ? { ...options.deliver, attempts: deliverAttempts } : options[name],
        streams: { events: { maxLen: EVENTS_KEPT } },
      }) as unknown as QueueProducers[K];
    this.fetch = make(QUEUE_NAMES.fetch);
    this.normalize = make(QUEUE_NAMES.normalize);
    this.dedup = make(QUEUE_NAMES.dedup);
    this.publish = make(QUEUE_NAMES.publish);
    this.deliver = make(QUEUE_NAMES.deliver);
    this.websub = make(QUEUE_NAMES.websub);
    this.#deliverAttempts = deliverAttempts;
    this.#fanoutOptions = options.fanout;
    this.#jobIdWindow = bounds.jobIdWindow;
    this.#batchOptions = options.batch;
  }

  /** The producer of one queue, whatever its payload (for the tools that list and replay failed jobs). */
  producer(name: QueueName): Queue {
    return this[name] as unknown as Queue;
  }

  /** Every producer with its queue name, in pipeline order. */
  all(): Array<[QueueName, Queue]> {
    return (Object.values(QUEUE_NAMES) as QueueName[]).map((name) => [name, this.producer(name)]);
  }

  /** Closes every producer. */
  async close(): Promise<void> {
    await Promise.all(this.all().map(([, queue]) => queue.close()));
  }

  /** Queues a fetch of the source now, outside its chain of polls; answers the job id. */
  async fetchNow(sourceId: string, now: number): Promise<string> {
    const jobId = `manual-${sourceId}-${now}`;
    await this.fetch.add('fetch', { sourceId }, { jobId });
    return jobId;
  }

  /** Queues the poll of a source due at `at` (idempotent: the id is deterministic). */
  async enqueuePoll(sourceId: string, at: number, now: number): Promise<void> {
    await this.fetch.add('fetch', { sourceId }, { jobId: pollJobId(sourceId, at), delay: Math.max(0, at - now) });
  }

  /** Removes the BullMQ job scheduler that earlier versions kept per source (`source-<id>`). */
  async removeLegacySchedule(sourceId: string): Promise<void> {
    await this.fetch.removeJobScheduler(`source-${sourceId}`);
  }

  /** Removes every per-source job scheduler of earlier versions. */
  async removeLegacySchedules(): Promise<void> {
    for (const legacy of await this.fetch.getJobSchedulers(0, -1)) if (legacy.key.startsWith('source-')) await this.fetch.removeJobScheduler(legacy.key);
  }

  /**
   * Queues the normalization of several entries of one document as one batch job (queues/batch.ts): each member
   * under the id its single-entry job would have (`entryDigest` names the entry's version). The caller keeps a batch
   * within `limits.entriesPerJob`.
   */
  async enqueueNormalizeBatch(entries: ReadonlyArray<{ job: NormalizeJob; entryDigest: string }>): Promise<void> {
    const members = entries.map(({ job, entryDigest }) => ({ id: entryJobId(job.sourceId, entryDigest), data: job }));
    await this.#addBatch(this.normalize as unknown as Queue<BatchJob<unknown>>, batchJobId(members), members);
  }

  /** Hands the items of a normalize batch (`normalizeBatchId`) to dedup as one batch job, each under its entry's id. */
  async enqueueDedupBatch(members: Array<BatchMember<DedupJob>>, normalizeBatchId: string | undefined): Promise<void> {
    await this.#addBatch(this.dedup as unknown as Queue<BatchJob<unknown>>, `${normalizeBatchId}`, members);
  }

  /**
   * Hands the decisions of a dedup batch (`dedupBatchId`) to publish as one batch job, each under the id
   * {@link enqueueDecision} gives it (`outcome` and the dedup member's id).
   */
  async enqueueDecisionBatch(
    decisions: ReadonlyArray<{ job: PublishJob; outcome: string; dedupJobId: string }>,
    dedupBatchId: string | undefined,
  ): Promise<void> {
    const members = decisions.map(({ job, outcome, dedupJobId }) => ({ id: decisionJobId(outcome, dedupJobId), data: job }));
    await this.#addBatch(this.publish as unknown as Queue<BatchJob<unknown>>, `decisions-${dedupBatchId}`, members);
  }

  /**
   * Hands a batch member to a single-entry job of its queue, under its own id, starting after `delayMs`: from there
   * BullMQ's retries, the failed set and replay treat it as any job of one entry (queues/batch.ts).
   */
  async handOff<K extends BatchQueue>(queue: K, member: BatchMember<QueuePayloads[K]>, delayMs: number): Promise<void> {
    const producer = this.producer(queue);
    await producer.add(SINGLE_JOB_NAME[queue], member.data, { ...addedOnce(member.id, this.#jobIdWindow), delay: delayMs });
  }

  async #addBatch(queue: Queue<BatchJob<unknown>>, jobId: string, members: Array<BatchMember<unknown>>): Promise<void> {
    if (members.length) await queue.add(BATCH_JOB_NAME, { members }, { ...addedOnce(jobId, this.#jobIdWindow), ...this.#batchOptions });
  }

  /** Queues an outlet's retraction of one of its entries (`entryKey` names the entry within the source). */
  async enqueueRetraction(job: Extract<PublishJob, { event: 'item.retracted' }>, entryKey: string): Promise<void> {
    await this.publish.add('item.retracted', job, addedOnce(`retract-${job.sourceId}-${entryKey}`, this.#jobIdWindow));
  }

  /** Hands a normalized item to dedup under the id of its normalize job (a retried normalize adds nothing new). */
  async enqueueDedup(job: DedupJob, normalizeJobId: string | undefined): Promise<void> {
    await this.dedup.add('dedup', job, addedOnce(`${normalizeJobId}`, this.#jobIdWindow));
  }

  /** Hands dedup's decision (`outcome`) about the item of dedup job `dedupJobId` to publish, once per decision. */
  async enqueueDecision(job: PublishJob, outcome: string, dedupJobId: string | undefined): Promise<void> {
    await this.publish.add('publish', job, addedOnce(decisionJobId(outcome, dedupJobId), this.#jobIdWindow));
  }

  /** Queues the filing of a channel's stored stories after its definition changed. */
  async enqueueBackfill(channelId: string): Promise<void> {
    await this.publish.add('backfill', { event: 'channel.backfill', channelId });
  }

  /** Queues the fan-out of one event (its first attempt to every subscription); a repeated event adds nothing. */
  async enqueueFanout(job: FanoutJob): Promise<void> {
    await this.deliver.add(FANOUT_JOB_NAME, job, { ...addedOnce(fanoutJobId(job.eventId), this.#jobIdWindow), ...this.#fanoutOptions });
  }

  /**
   * Adds a job of its own for each delivery the fan-out did not finish, named after its event type, with the
   * attempts the fan-out left it (`priorAttempts` already spent).
   */
  async enqueueDeliveries(handoffs: DeliveryHandoff[]): Promise<void> {
    await this.deliver.addBulk(
      handoffs.map(({ data, delayMs }) => ({
        name: data.eventType,
        data,
        opts: {
          jobId: deliverJobId(data.subscriptionId, data.eventId),
          delay: delayMs,
          attempts: Math.max(1, this.#deliverAttempts - (data.priorAttempts ?? 0)),
        },
      })),
    );
  }

  /** The state of the fan-out job of an event. */
  async fanoutState(eventId: string): Promise<JobState> {
    return this.deliver.getJobState(fanoutJobId(eventId));
  }

  /** The state of the delivery job of an event to a subscription. */
  async deliveryState(subscriptionId: string, eventId: string): Promise<JobState> {
    return this.deliver.getJobState(deliverJobId(subscriptionId, eventId));
  }

  /** The Redis key of the delivery job of an event to a subscription (for scripts that check it exists). */
  deliveryJobKey(subscriptionId: string, eventId: string): string {
    return this.deliver.toKey(deliverJobId(subscriptionId, eventId));
  }

  /** Queues WebSub pushes and pings, coalesced per subscriber (or hub) and topic (see {@link coalescingOptions}). */
  async enqueueWebSub(jobs: WebSubJob[]): Promise<void> {
    if (jobs.length) await this.websub.addBulk(jobs.map((data) => ({ name: data.kind, data, opts: coalescingOptions(data) })));
  }
}
