import type { SubscriptionConfig } from '../config/schema.js';
import { followsPublished } from '../core/item.js';
import type { DeliverJob, FanoutJob } from '../queues/pipeline.js';
import { deliverJobId, type PipelineQueues } from '../queues/queues.js';
import type { StageJob } from '../queues/stage-job.js';
import { publishedEventId } from './build-event.js';
import { concludeAttempt, newAttempt, send, type AttemptDeps, type AttemptVerdict } from './attempt.js';
import type { Admission } from './endpoint-state.js';
import type { OperationalEventDeps } from './operational-events.js';
import { Permits } from './permits.js';
import { jittered, postpone, postponeDelay, timesPostponed } from '../queues/postpone.js';
import { BUSY_WAIT_MS, ORDER_WAIT_CAP_MS, ORDER_WAIT_MS, fitPayload } from './policy.js';
import { retryDelay } from './retry-schedule.js';
import { AbandonGroups } from './webhook-post.js';
import type { EndpointState, FanoutPriorState } from './endpoint-state.js';

/**
 * What a fan-out touches: the endpoint state (admission, done set, log), the deliver queue (ordering, hand-offs),
 * and what one attempt needs (see {@link AttemptDeps}).
 */
export type FanoutDeps = AttemptDeps &
  OperationalEventDeps & { endpoints: EndpointState } & {
    queues: Pick<PipelineQueues, 'enqueueDeliveries' | 'fanoutState' | 'deliveryJobKey'>;
  };

/** What a fan-out job did: delivered inline, handed to per-subscription jobs, skipped (done by an earlier run). */
export interface FanoutResult {
  delivered: number;
  handedOff: number;
  skipped: number;
}

/** What the fan-out does with one subscription before sending anything. */
export type FanoutPlan = 'skip' | 'handoff' | 'inline';

/**
 * Plans one subscription of a fan-out (pure). `done`: a run of this fan-out job already delivered to it (skip);
 * `ownJob`: it already has its per-subscription job (skip: that job owns the delivery now, a second add would be
 * dropped anyway); `publishedJob`: for a later event, its story's `item.published` to this subscription has a job
 * of its own, so it may still be pending or a dead letter: the per-subscription job applies the ordering rule.
 */
export function planSubscription(done: boolean, ownJob: boolean, publishedJob: boolean): FanoutPlan {
  if (done || ownJob) return 'skip';
  return publishedJob ? 'handoff' : 'inline';
}

/**
 * The ordering rule at the fan-out level (pure): a later event's fan-out waits while its story's `item.published`
 * fan-out job has not finished (first attempts in flight); once it has, each subscription's published job, if any,
 * is checked by {@link planSubscription}. A failed published fan-out job (Redis trouble) does not block: its
 * deliveries that were handed off carry the rule per subscription.
 */
export function fanoutOrderDecision(publishedFanoutState: string): 'proceed' | 'wait' {
  return publishedFanoutState === 'unknown' || publishedFanoutState === 'completed' || publishedFanoutState === 'failed' ? 'proceed' : 'wait';
}

/** How a delivery leaves the fan-out for a job of its own: when it starts, attempts already spent, a dead-letter verdict. */
export interface Handoff {
  delayMs: number;
  priorAttempts: number;
  verdict?: DeliverJob['verdict'];
}

/**
 * The hand-off of a refused admission or a concluded inline attempt (pure). Busy, paused and rate-limited
 * endpoints wait as the per-subscription job would have postponed itself; a failure counts as attempt 1 and
 * the job starts at retry 1 of the schedule; 410 / disable become an immediate dead letter.
 */
export function handoffFor(
  outcome: Admission | AttemptVerdict | { kind: 'abandoned' },
  delivery: { retrySchedule: number[]; jitter: number },
  now: number,
  random: () => number = Math.random,
): Handoff | null {
  switch (outcome.kind) {
    case 'ok':
    case 'delivered':
      return null;
    case 'disabled':
    case 'abandoned':
      // The per-subscription job re-reads the subscription and refuses (dead letter) or sends with the full timeout.
      return { delayMs: 0, priorAttempts: 0 };
    case 'busy':
      return { delayMs: jittered(BUSY_WAIT_MS, random), priorAttempts: 0 };
    case 'paused':
      // From admission: how long the pause still runs; from an answer: the Retry-After it just set.
      return { delayMs: 'waitMs' in outcome ? outcome.waitMs + jittered(20, random) : Math.max(0, outcome.until - now), priorAttempts: 0 };
    case 'rate':
      return { delayMs: outcome.waitMs + jittered(20, random), priorAttempts: 0 };
    case 'dead':
      return { delayMs: 0, priorAttempts: 1, verdict: { code: outcome.code, message: outcome.message } };
    case 'retry':
      return { delayMs: retryDelay(delivery.retrySchedule, 1, delivery.jitter, random), priorAttempts: 1 };
  }
}

/** Base wait before asking again for a busy endpoint inside a fan-out (jittered). */
const BUSY_RETRY_MS = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A process's bounds on first attempts: `send` = requests in flight (the deliver concurrency); `ahead` = deliveries
 * admitted (lease taken) and waiting for a send permit. Admitting one step ahead keeps the send permits busy with
 * HTTP instead of Redis round trips, while bounding how many leases wait, so endpoints do not look busy for nothing.
 */
export interface FanoutPermits {
  send: Permits;
  ahead: Permits;
}

/** A process's fan-out permits, for `size` requests in flight (the deliver role makes one with its concurrency). */
export function createFanoutPermits(size: number): FanoutPermits {
  return { send: new Permits(size), ahead: new Permits(4 * size) };
}

/**
 * Makes the first attempt of one event to every subscription that wanted it, in this one job: all start at once
 * (bounded by the process's {@link FanoutPermits}), each through the same checks as a per-subscription job (admission in Redis
 * for disabled/paused/concurrency/rate, signing, log, failure streak, disabling). One queue job per event instead
 * of one per delivery is what lets delivery keep pace with a plain POST loop.
 *
 * Only what does not succeed here becomes a per-subscription {@link DeliverJob} (same job id and `webhook-id` as
 * before, so dead letters, replay and the ordering rule are unchanged): failures (attempt 1 spent, the schedule
 * goes on from retry 1), refused admissions (no attempt spent), 410/disable verdicts (a dead letter at once).
 *
 * Isolation: the job never waits on a slow endpoint beyond `delivery.fanoutBudget`. A request unanswered after
 * that long is abandoned (aborted, lease freed, not logged as an attempt) and handed to its own job, which sends
 * again with the full timeout; the endpoint may then see the same `webhook-id` twice, which the Standard Webhooks
 * contract tells consumers to drop. An endpoint busy (at its concurrency limit) for as long is handed off too.
 * The budget runs per request, not per job: waiting for a permit is the process being busy, not an endpoint
 * being slow, and every permit comes back within one budget, so the job still ends in bounded time.
 *
 * Idempotency: each inline success joins the event's done set in the same Redis command that logs it; a retried
 * (or stalled and restarted) fan-out job skips those and any subscription that already has its own job.
 */
export async function processFanoutJob(ctx: FanoutDeps, job: StageJob<FanoutJob>, token: string | undefined, permits: FanoutPermits): Promise<FanoutResult> {
  const { eventType, storyId, subscriptionIds } = job.data;
  const now = ctx.clock.now();
  if (followsPublished(eventType) && (await publishedFanoutPending(ctx, storyId))) {
    return postpone(job, token, now + postponeDelay(ORDER_WAIT_MS, timesPostponed(job), ORDER_WAIT_CAP_MS), now);
  }
  const prior = await priorState(ctx, job.data);
  const run = new InlineAttempts(ctx, job.data, permits);
  const result: FanoutResult = { delivered: 0, handedOff: 0, skipped: 0 };
  const handoffs: Array<{ subscriptionId: string; handoff: Handoff }> = [];
  // Start at a different subscription in each job, so concurrent fan-outs do not all queue on the same endpoint.
  const n = subscriptionIds.length;
  const offset = Math.floor(Math.random() * Math.max(1, n));
  let next = 0;
  // Lanes pulling the next subscription, as many as the send permits: all could send at once, yet a fan-out of
  // thousands does not park thousands of promises on the permits.
  const lane = async () => {
    while (next < n) {
      const i = (next++ + offset) % n;
      const subscriptionId = subscriptionIds[i]!;
      const { done, ownJob, publishedJob } = prior[i]!;
      const plan = planSubscription(done, ownJob, publishedJob);
      if (plan === 'skip') {
        result.skipped++;
        continue;
      }
      const handoff = plan === 'handoff' ? { delayMs: 0, priorAttempts: 0 } : await run.attempt(subscriptionId);
      if (handoff) handoffs.push({ subscriptionId, handoff });
      else result.delivered++;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(n, permits.send.size) }, lane));
  } finally {
    run.stop();
  }
  result.handedOff = await handOff(ctx, job.data, handoffs);
  return result;
}

/** Whether a later event's story still has its `item.published` fan-out in flight (the ordering rule). */
async function publishedFanoutPending(ctx: FanoutDeps, storyId: string): Promise<boolean> {
  const state = await ctx.queues.fanoutState(publishedEventId(storyId));
  return fanoutOrderDecision(state) === 'wait';
}

/** What earlier runs (or the ordering rule) left behind, per subscription, in one command. */
async function priorState(ctx: FanoutDeps, data: FanoutJob): Promise<FanoutPriorState[]> {
  const { eventId, eventType, storyId, subscriptionIds } = data;
  return ctx.endpoints.fanoutPriorState(
    ctx.endpoints.fanoutDoneKey(eventId),
    subscriptionIds,
    subscriptionIds.map((id) => ctx.queues.deliveryJobKey(id, eventId)),
    followsPublished(eventType) ? subscriptionIds.map((id) => ctx.queues.deliveryJobKey(id, publishedEventId(storyId))) : [],
  );
}

/**
 * The first attempts of one fan-out job: the event encoded once, the budget per request, the permits of the
 * process. {@link attempt} answers how a delivery leaves the fan-out (`null`: delivered).
 */
class InlineAttempts {
  private readonly budgetMs: number;
  private readonly abandon: AbandonGroups;
  private readonly payload: ReturnType<typeof fitPayload>;
  /** Encoded once for every send and signature of the event. */
  private readonly bytes: Buffer;
  private readonly doneKey: string;

  constructor(
    private readonly ctx: FanoutDeps,
    private readonly data: FanoutJob,
    private readonly permits: FanoutPermits,
  ) {
    this.budgetMs = Math.min(ctx.config.delivery.fanoutBudget, ctx.config.limits.deliveryTimeout);
    this.abandon = new AbandonGroups(this.budgetMs);
    this.payload = fitPayload(data.body, ctx.config.delivery.maxPayloadBytes);
    this.bytes = Buffer.from(this.payload.body, 'utf8');
    this.doneKey = ctx.endpoints.fanoutDoneKey(data.eventId);
  }

  /** Stops the abandon timers (every request has ended by then). */
  stop(): void {
    this.abandon.stop();
  }

  /**
   * Admits and sends one delivery, waiting within the budget while its endpoint is busy (permits freed meanwhile);
   * every other admission outcome, and every answer, decides at once.
   */
  async attempt(subscriptionId: string): Promise<Handoff | null> {
    let busySince: number | null = null;
    for (;;) {
      const decided = await this.admitAndSend(subscriptionId);
      if (decided !== 'busy') return decided;
      const now = this.ctx.clock.now();
      busySince ??= now;
      if (now - busySince >= this.budgetMs) return handoffFor({ kind: 'busy', waitMs: 0 }, this.ctx.config.delivery, now);
      await sleep(jittered(BUSY_RETRY_MS));
    }
  }

  /** One try: `busy` when the endpoint is at its concurrency limit, else how the delivery leaves the fan-out. */
  private async admitAndSend(subscriptionId: string): Promise<Handoff | null | 'busy'> {
    const { ctx, permits } = this;
    const endpoint = ctx.endpoints;
    const leaseId = deliverJobId(subscriptionId, this.data.eventId);
    // No deadline here: permits come back within the budget of the requests holding them.
    const ahead = permits.ahead.tryAcquire() ?? (await permits.ahead.acquire());
    let held = ahead;
    try {
      const admittedAt = ctx.clock.now();
      const cached = endpoint.cachedSubscription(subscriptionId, admittedAt);
      const subscription: SubscriptionConfig | null = cached !== undefined ? cached : await endpoint.subscription(subscriptionId, admittedAt);
      // Gone or disabled: the per-subscription job re-reads it and refuses with a logged dead letter, as before.
      if (!subscription?.enabled) return handoffFor({ kind: 'disabled' }, ctx.config.delivery, admittedAt);
      const admission = await endpoint.admit(subscription, leaseId, admittedAt);
      // Busy (other fan-outs are sending to it): a few ms is usually enough, so the caller waits within the budget.
      if (admission.kind === 'busy') return 'busy';
      if (admission.kind !== 'ok') return handoffFor(admission, ctx.config.delivery, admittedAt);
      held = permits.send.tryAcquire() ?? (await permits.send.acquire());
      ahead.release();
      const { eventId, eventType, storyId } = this.data;
      const started = ctx.clock.now();
      const attempt = newAttempt({ eventId, eventType, storyId, jobId: leaseId, attempt: 1, slim: this.payload.slim }, started);
      const retryAfter = await send(ctx, subscription, eventId, this.bytes, attempt, started, this.abandon);
      // The permit bounds requests in flight; the bookkeeping after the answer need not hold one.
      held.release();
      if (attempt.status === null && attempt.errorCode === null) {
        await endpoint.release(subscriptionId, leaseId);
        return handoffFor({ kind: 'abandoned' }, ctx.config.delivery, ctx.clock.now());
      }
      const verdict = await concludeAttempt(ctx, endpoint, subscription, leaseId, attempt, retryAfter, started, this.doneKey);
      return handoffFor(verdict, ctx.config.delivery, ctx.clock.now());
    } finally {
      held.release();
    }
  }
}

/** Adds the per-subscription jobs of what the fan-out did not deliver (same job ids as before); answers how many. */
async function handOff(ctx: FanoutDeps, data: FanoutJob, handoffs: Array<{ subscriptionId: string; handoff: Handoff }>): Promise<number> {
  if (!handoffs.length) return 0;
  const { eventId, eventType, storyId, body } = data;
  await ctx.queues.enqueueDeliveries(
    handoffs.map(({ subscriptionId, handoff }) => ({
      data: {
        subscriptionId,
        eventId,
        eventType,
        body,
        storyId,
        ...(handoff.priorAttempts ? { priorAttempts: handoff.priorAttempts } : {}),
        ...(handoff.verdict ? { verdict: handoff.verdict } : {}),
      } satisfies DeliverJob,
      delayMs: handoff.delayMs,
    })),
  );
  return handoffs.length;
}
