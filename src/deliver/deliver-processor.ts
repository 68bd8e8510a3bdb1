import { SyndicateError, type ErrorCode } from '../core/errors.js';
import type { DeliverJob } from '../queues/pipeline.js';
import { jittered, postpone, postponeDelay, timesPostponed } from '../queues/postpone.js';
import type { PipelineQueues } from '../queues/queues.js';
import { failsAtOnce, type StageJob } from '../queues/stage-job.js';
import { followsPublished, isOperationalEvent } from '../core/item.js';
import { LOG_LENGTH, concludeAttempt, newAttempt, send, type AttemptDeps } from './attempt.js';
import { publishedEventId } from './build-event.js';
import { raiseOperationalEvent, type OperationalEventDeps } from './operational-events.js';
import { BUSY_WAIT_CAP_MS, BUSY_WAIT_MS, ORDER_WAIT_CAP_MS, ORDER_WAIT_MS, RATE_WAIT_CAP_MS, fitPayload, orderDecision } from './policy.js';
import type { EndpointState } from './endpoint-state.js';

/** What a completed job keeps as its return value: small, since BullMQ stores it with the job (the log has the rest). */
export interface DeliveryResult {
  status: number;
  durationMs: number;
  attempt: number;
  slim: boolean;
}

/** What a per-subscription delivery touches: the endpoint state, the deliver queue (ordering), and one attempt's needs. */
export type DeliverDeps = AttemptDeps & OperationalEventDeps & { endpoints: EndpointState } & { queues: Pick<PipelineQueues, 'deliveryState'> };

/** An error that ends the job at once (a dead letter), carrying its code for the worker's failure log. */
function unrecoverable(code: ErrorCode, message: string): Error {
  return failsAtOnce(`${code}: ${message}`, code);
}

/**
 * Delivers one signed event to one subscription. Before sending: the ordering rule (later events wait for their
 * story's `item.published`), then admission (disabled, paused by `Retry-After`, per-endpoint concurrency and rate
 * limit, all in Redis for every worker); refused jobs are postponed without spending an attempt. Only 2xx is
 * success, redirects are not followed; 410 disables the subscription; 429/503 with `Retry-After` pause the
 * endpoint; other failures throw so BullMQ retries on the schedule with the same `webhook-id`. An endpoint failing
 * without success for `delivery.disableAfter` is disabled. Every attempt goes to the delivery log.
 */
export async function processDeliverJob(ctx: DeliverDeps, job: StageJob<DeliverJob>, token?: string): Promise<DeliveryResult> {
  const { subscriptionId, eventId, eventType, storyId } = job.data;
  // Times this job was taken up without being a real attempt (postponed): drives the growing postpone delay.
  const postponed = timesPostponed(job);
  const endpoint = ctx.endpoints;
  const now = ctx.clock.now();
  let subscription = await endpoint.subscription(subscriptionId, now);
  // A cached absence or "disabled" may be stale (just created or re-enabled): read again before refusing.
  if (!subscription?.enabled) subscription = await endpoint.subscription(subscriptionId, now, true);
  if (!subscription) throw unrecoverable('SYN_ERR_NOT_FOUND', `subscription ${subscriptionId} no longer exists`);
  // Decided (and logged) by the fan-out already: a dead letter at once, listed and replayable like the others.
  if (job.data.verdict && job.attemptsMade === 0 && postponed === 0) {
    await exhausted(ctx, job, job.data.verdict.code, job.data.verdict.message, job.data.priorAttempts ?? 0);
    throw unrecoverable(job.data.verdict.code, job.data.verdict.message);
  }
  const attempt = newAttempt(
    { eventId, eventType, storyId, jobId: job.id ?? '', attempt: job.attemptsMade + 1 + (job.data.priorAttempts ?? 0), slim: false },
    now,
  );
  const refuse = async (code: ErrorCode, message: string) => {
    Object.assign(attempt, { errorCode: code, error: message });
    await ctx.endpoints.logOnly(subscriptionId, JSON.stringify(attempt), attempt.errorCode ?? 'delivered', LOG_LENGTH);
    ctx.logger.warn({ code, subscriptionId, eventId }, message);
  };
  if (!subscription.enabled) {
    await refuse('SYN_ERR_SUBSCRIPTION_DISABLED', `subscription ${subscriptionId} is disabled`);
    throw unrecoverable('SYN_ERR_SUBSCRIPTION_DISABLED', `subscription ${subscriptionId} is disabled`);
  }

  if (followsPublished(eventType)) {
    const decision = orderDecision(await ctx.queues.deliveryState(subscriptionId, publishedEventId(storyId)));
    if (decision === 'wait') return postpone(job, token, now + postponeDelay(ORDER_WAIT_MS, postponed, ORDER_WAIT_CAP_MS), now);
    if (decision === 'blocked') {
      await refuse('SYN_ERR_DELIVERY_ORDER_BLOCKED', `item.published of story ${storyId} to ${subscriptionId} is a dead letter; replay it first`);
      throw new SyndicateError('SYN_ERR_DELIVERY_ORDER_BLOCKED', `${subscriptionId}: story ${storyId} not yet published to it`);
    }
  }

  const leaseId = job.id ?? eventId;
  const admission = await endpoint.admit(subscription, leaseId, now);
  if (admission.kind === 'disabled') {
    await refuse('SYN_ERR_SUBSCRIPTION_DISABLED', `subscription ${subscriptionId} is disabled`);
    throw unrecoverable('SYN_ERR_SUBSCRIPTION_DISABLED', `subscription ${subscriptionId} is disabled`);
  }
  if (admission.kind === 'busy') return postpone(job, token, now + postponeDelay(BUSY_WAIT_MS, postponed, BUSY_WAIT_CAP_MS), now);
  // Paused: every job may go when the pause ends. Rate-limited: only one job gets each slot, so the others spread
  // out, more with each refusal, rather than all coming back for every slot (a backlog of 1,000 jobs behind a 1/s
  // endpoint would otherwise ask Redis 1,000 times a second).
  if (admission.kind === 'rate')
    return postpone(job, token, now + admission.waitMs + postponeDelay(Math.max(20, admission.waitMs), postponed, RATE_WAIT_CAP_MS), now);
  if (admission.kind !== 'ok') return postpone(job, token, now + admission.waitMs + jittered(20), now);

  const payload = fitPayload(job.data.body, ctx.config.delivery.maxPayloadBytes);
  attempt.slim = payload.slim;
  const retryAfter = await send(ctx, subscription, eventId, payload.body, attempt, now);
  const verdict = await concludeAttempt(ctx, endpoint, subscription, leaseId, attempt, retryAfter, now);
  if (verdict.kind === 'delivered') return { status: attempt.status!, durationMs: attempt.durationMs, attempt: attempt.attempt, slim: attempt.slim };
  if (verdict.kind === 'dead') {
    await exhausted(ctx, job, verdict.code, verdict.message, attempt.attempt);
    throw unrecoverable(verdict.code, verdict.message);
  }
  if (verdict.kind === 'paused') return postpone(job, token, verdict.until, now);
  // The last attempt of the schedule: the job becomes a dead letter when this throws.
  if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await exhausted(ctx, job, attempt.errorCode, attempt.error, attempt.attempt);
  throw new SyndicateError(attempt.errorCode as ErrorCode, `${subscriptionId}: ${attempt.error}`);
}

/**
 * A delivery that spent its attempts (or was declared dead: 410, disabled): marks the endpoint so that its next
 * success raises `delivery.recovered`, and raises `delivery.exhausted` to the subscriptions that listen (never to
 * this one). The delivery of an operational event raises nothing, so that failing listeners cannot keep
 * announcing each other's failures.
 */
async function exhausted(ctx: DeliverDeps, job: StageJob<DeliverJob>, errorCode: string | null, error: string | null, attempts: number): Promise<void> {
  const { subscriptionId, eventId, eventType, storyId } = job.data;
  if (isOperationalEvent(eventType)) return;
  const now = ctx.clock.now();
  await ctx.endpoints.markExhausted(subscriptionId, now);
  await raiseOperationalEvent(ctx, {
    type: 'delivery.exhausted',
    subject: { subscriptionId },
    // A replayed dead letter that fails again is another occurrence: its attempt count and start differ.
    occurrence: `${eventId} ${job.attemptsMade} ${job.processedOn ?? now}`,
    data: {
      subscriptionId,
      eventId,
      eventType,
      storyId,
      attempts,
      errorCode,
      error,
      failedAt: new Date(now).toISOString(),
    },
  });
}
