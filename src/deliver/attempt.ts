/**
 * One delivery attempt, the same for a fan-out's first attempt and a per-subscription job's retry: sign and POST
 * ({@link send}), then classify the answer and record it ({@link concludeAttempt}).
 */
import type { SubscriptionConfig } from '../config/schema.js';
import { SyndicateError, type ErrorCode } from '../core/errors.js';
import { isOperationalEvent, type EventType } from '../core/item.js';
import { activeSecrets } from '../core/secret-rotation.js';
import type { EndpointState } from './endpoint-state.js';
import { raiseOperationalEvent, type OperationalEventDeps } from './operational-events.js';
import { classifyResponse, shouldDisable } from './policy.js';
import { signDelivery } from './sign.js';
import { PostAbortedError, WebhookPost, type AbandonGroups } from './webhook-post.js';
import type { StageServices } from '../queues/stage-services.js';

/** One attempt as the delivery log keeps it. */
export interface DeliveryAttempt {
  eventId: string;
  eventType: string;
  storyId: string;
  jobId: string;
  attempt: number;
  at: string;
  status: number | null;
  durationMs: number;
  ok: boolean;
  /** True when the event was above `delivery.maxPayloadBytes` and went out slim. */
  slim: boolean;
  errorCode: ErrorCode | null;
  error: string | null;
  /** The first 4 KB of the response body. */
  response: string;
}

/** Attempts kept per subscription in its delivery log. */
export const LOG_LENGTH = 1000;
const USER_AGENT = 'syndicate-webhooks/0.1';

/** A delivery-log entry for an attempt starting at `started`, before it has an answer. */
export function newAttempt(
  fields: Pick<DeliveryAttempt, 'eventId' | 'eventType' | 'storyId' | 'jobId' | 'attempt' | 'slim'>,
  started: number,
): DeliveryAttempt {
  return { ...fields, at: attemptTime(started), status: null, durationMs: 0, ok: false, errorCode: null, error: null, response: '' };
}

/** What one attempt touches: the limits, the guard and its checked targets, the clock and the logger. */
export type AttemptDeps = Pick<StageServices, 'config' | 'guard' | 'deliveryTargets' | 'clock' | 'logger'>;

/**
 * POSTs the body and fills the attempt's status, response head and error; answers the `Retry-After` header.
 * `body` may be a Buffer encoded once for many sends (the fan-out), saving an encoding per request.
 * `abandon` (the fan-out budget, never longer than the delivery timeout) puts the request under the fan-out's
 * budget: when it cuts the request short, the attempt carries no status and no error, and the caller hands the
 * delivery on uncounted. Otherwise the attempt has `limits.deliveryTimeout` in all.
 */
export async function send(
  ctx: AttemptDeps,
  subscription: SubscriptionConfig,
  eventId: string,
  body: string | Buffer,
  attempt: DeliveryAttempt,
  started: number,
  abandon?: AbandonGroups,
) {
  const secrets = activeSecrets(subscription, started);
  const timeout = ctx.config.limits.deliveryTimeout;
  // Under a fan-out's budget the group ends the request; otherwise the post keeps the attempt's whole timeout.
  const post = new WebhookPost(abandon ? undefined : timeout);
  try {
    const target = ctx.deliveryTargets.of(subscription.url);
    const signed = signDelivery(secrets, eventId, new Date(started), body);
    const headers = [
      'content-type',
      'application/json',
      'user-agent',
      USER_AGENT,
      'webhook-id',
      signed['webhook-id'],
      'webhook-timestamp',
      signed['webhook-timestamp'],
      'webhook-signature',
      signed['webhook-signature'],
    ];
    if (abandon) abandon.watch(post, started);
    const answer = await post.start(ctx.guard.dispatcher, target.origin, target.path, headers, body, timeout).answer;
    attempt.status = answer.status;
    attempt.response = answer.head;
    return answer.retryAfter;
  } catch (err) {
    const cause = err instanceof SyndicateError ? err : (err as { cause?: unknown }).cause;
    if (err instanceof PostAbortedError && err.why === 'abandoned') {
      attempt.status = null;
    } else if (cause instanceof SyndicateError && cause.code === 'SYN_ERR_FETCH_BLOCKED_ADDRESS') {
      attempt.errorCode = cause.code;
      attempt.error = cause.message;
    } else if (err instanceof PostAbortedError || /abort|timeout/i.test(`${(err as Error).name} ${(err as Error).message}`)) {
      attempt.errorCode = 'SYN_ERR_DELIVERY_TIMEOUT';
      attempt.error = `no answer within ${timeout} ms`;
    } else {
      attempt.errorCode = 'SYN_ERR_DELIVERY_FAILED';
      attempt.error = (err as Error).message;
    }
    return undefined;
  }
}

/** The last time {@link attemptTime} rendered: thousands of attempts a second start in the same millisecond. */
let lastAttemptMs = -1;
let lastAttemptIso = '';

/** An attempt's start as the delivery log writes it (ISO 8601). */
export function attemptTime(ms: number): string {
  if (ms !== lastAttemptMs) {
    lastAttemptMs = ms;
    lastAttemptIso = new Date(ms).toISOString();
  }
  return lastAttemptIso;
}

/** What an attempt that reached (or tried to reach) the endpoint leads to. */
export type AttemptVerdict =
  | { kind: 'delivered' }
  /** A dead letter now: 410 Gone, or the failure that disabled the subscription. */
  | { kind: 'dead'; code: 'SYN_ERR_DELIVERY_GONE' | 'SYN_ERR_SUBSCRIPTION_DISABLED'; message: string }
  /** The endpoint asked us to wait (Retry-After) until `until`; no attempt spent. */
  | { kind: 'paused'; until: number }
  /** An ordinary failure: retried on the schedule. */
  | { kind: 'retry' };

/** One verdict object for every success (no allocation per delivery). */
const DELIVERED: AttemptVerdict = Object.freeze({ kind: 'delivered' });

/**
 * Concludes an attempt, shared by the per-subscription job and the fan-out: classifies the answer, finishes it in
 * Redis (log, lease, stats, failure streak; `doneKey` also records the success for a fan-out retry), disables the
 * subscription on 410 or after `delivery.disableAfter` of failure (raising `subscription.disabled`), pauses the endpoint
 * on Retry-After; the first success after an exhausted delivery raises `delivery.recovered` (never for the delivery of
 * an operational event itself, so that two failing subscriptions cannot keep announcing each other).
 */
export async function concludeAttempt(
  ctx: AttemptDeps & OperationalEventDeps,
  endpoint: EndpointState,
  subscription: SubscriptionConfig,
  leaseId: string,
  attempt: DeliveryAttempt,
  retryAfter: string | string[] | undefined,
  started: number,
  doneKey?: string,
): Promise<AttemptVerdict> {
  const subscriptionId = subscription.id;
  const finished = ctx.clock.now();
  attempt.durationMs = finished - started;
  const outcome =
    attempt.status === null ? { kind: 'failed' as const } : classifyResponse(attempt.status, retryAfter, finished, ctx.config.delivery.maxRetryAfter);
  attempt.ok = outcome.kind === 'delivered';
  if (attempt.status !== null && !attempt.ok) {
    attempt.errorCode =
      outcome.kind === 'gone' ? 'SYN_ERR_DELIVERY_GONE' : outcome.kind === 'throttled' ? 'SYN_ERR_DELIVERY_THROTTLED' : 'SYN_ERR_DELIVERY_FAILED';
    attempt.error = `endpoint answered ${attempt.status}`;
  }
  const { failingSince, recoveredFrom } = await endpoint.finish(
    subscriptionId,
    leaseId,
    JSON.stringify(attempt),
    attempt.ok,
    attempt.errorCode ?? 'delivered',
    finished,
    LOG_LENGTH,
    doneKey,
  );
  if (recoveredFrom !== null && !isOperationalEvent(attempt.eventType as EventType)) {
    await raiseOperationalEvent(ctx, {
      type: 'delivery.recovered',
      subject: { subscriptionId },
      occurrence: String(recoveredFrom),
      data: { subscriptionId, exhaustedAt: new Date(recoveredFrom).toISOString(), recoveredAt: new Date(finished).toISOString() },
    });
  }
  if (attempt.ok) {
    // Debug, not info: at fan-out rates a line per success would flood the log; the delivery log keeps every attempt.
    if (ctx.logger.isLevelEnabled('debug')) {
      ctx.logger.debug(
        { subscriptionId, eventId: attempt.eventId, eventType: attempt.eventType, status: attempt.status, durationMs: attempt.durationMs, slim: attempt.slim },
        'delivered',
      );
    }
    return DELIVERED;
  }
  ctx.logger.warn(
    { subscriptionId, eventId: attempt.eventId, attempt: attempt.attempt, status: attempt.status, code: attempt.errorCode },
    `delivery failed: ${attempt.error}`,
  );
  const disable = async (reason: string) => {
    await endpoint.disable(subscriptionId, reason, finished);
    const disabledAt = new Date(finished).toISOString();
    await raiseOperationalEvent(ctx, {
      type: 'subscription.disabled',
      subject: { subscriptionId },
      occurrence: disabledAt,
      data: { subscriptionId, url: subscription.url, reason, disabledAt },
    });
  };
  if (outcome.kind === 'gone') {
    await disable(`410 Gone from ${subscription.url}`);
    return { kind: 'dead', code: 'SYN_ERR_DELIVERY_GONE', message: `${subscriptionId} answered 410 Gone; subscription disabled` };
  }
  if (shouldDisable(failingSince, finished, ctx.config.delivery.disableAfter)) {
    await disable(`failing without success since ${new Date(failingSince!).toISOString()}`);
    return { kind: 'dead', code: 'SYN_ERR_SUBSCRIPTION_DISABLED', message: `${subscriptionId} failed continuously; subscription disabled` };
  }
  if (outcome.kind === 'throttled') {
    // Retry-After speaks for the whole endpoint: every delivery to it waits, and this one keeps its attempt count.
    await endpoint.pause(subscriptionId, finished + outcome.delayMs, finished);
    return { kind: 'paused', until: finished + outcome.delayMs };
  }
  return { kind: 'retry' };
}
