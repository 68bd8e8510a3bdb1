import { UnrecoverableError, type Job } from 'bullmq';
import { request } from 'undici';
import { SyndicateError } from '../core/errors.js';
import { assertUrlAllowed } from '../net/address-guard.js';
import type { DeliverJob } from '../queues/pipeline.js';
import type { AppContext } from '../runtime/context.js';
import { signDelivery } from './sign.js';

/** One attempt as the delivery log keeps it. */
export interface DeliveryAttempt {
  eventId: string;
  eventType: string;
  storyId: string;
  attempt: number;
  at: string;
  status: number | null;
  durationMs: number;
  ok: boolean;
  errorCode: string | null;
  error: string | null;
  /** The first 4 KB of the response body. */
  response: string;
}

const RESPONSE_KEEP_BYTES = 4096;
const LOG_LENGTH = 1000;

async function readHead(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= RESPONSE_KEEP_BYTES) break;
  }
  body.destroy();
  return Buffer.concat(chunks).subarray(0, RESPONSE_KEEP_BYTES).toString('utf8');
}

/**
 * POSTs one signed event to one subscription. Only 2xx counts; redirects are not followed. Every attempt is
 * logged. A failure throws, and BullMQ retries on the configured schedule with the same `webhook-id`.
 */
export async function processDeliverJob(ctx: AppContext, job: Job<DeliverJob>): Promise<DeliveryAttempt> {
  const { subscriptionId, eventId, eventType, body, storyId } = job.data;
  const subscription = await ctx.catalog.get('subscriptions', subscriptionId);
  if (!subscription) throw new UnrecoverableError(`SYN_ERR_NOT_FOUND: subscription ${subscriptionId} no longer exists`);
  if (!subscription.enabled) throw new UnrecoverableError(`SYN_ERR_SUBSCRIPTION_DISABLED: subscription ${subscriptionId} is disabled`);
  const secrets = Array.isArray(subscription.secret) ? subscription.secret : [subscription.secret];
  const started = ctx.clock.now();
  const attempt: DeliveryAttempt = {
    eventId, eventType, storyId, attempt: job.attemptsMade + 1, at: new Date(started).toISOString(),
    status: null, durationMs: 0, ok: false, errorCode: null, error: null, response: '',
  };
  try {
    assertUrlAllowed(subscription.url, ctx.guard.allow);
    const headers = signDelivery(secrets, eventId, new Date(started), body);
    const response = await request(subscription.url, {
      dispatcher: ctx.guard.dispatcher,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'syndicate-webhooks/0.1', ...headers },
      body,
      signal: AbortSignal.timeout(ctx.config.limits.deliveryTimeout),
      headersTimeout: ctx.config.limits.deliveryTimeout,
      bodyTimeout: ctx.config.limits.deliveryTimeout,
    });
    attempt.status = response.statusCode;
    attempt.response = await readHead(response.body);
    attempt.ok = response.statusCode >= 200 && response.statusCode < 300;
    if (!attempt.ok) {
      attempt.errorCode = 'SYN_ERR_DELIVERY_FAILED';
      attempt.error = `endpoint answered ${response.statusCode}`;
    }
  } catch (err) {
    const cause = err instanceof SyndicateError ? err : (err as { cause?: unknown }).cause;
    if (cause instanceof SyndicateError && cause.code === 'SYN_ERR_FETCH_BLOCKED_ADDRESS') {
      attempt.errorCode = cause.code;
      attempt.error = cause.message;
    }
    const timedOut = /abort|timeout/i.test(`${(err as Error).name} ${(err as Error).message}`);
    attempt.errorCode ??= timedOut ? 'SYN_ERR_DELIVERY_TIMEOUT' : 'SYN_ERR_DELIVERY_FAILED';
    attempt.error ??= timedOut ? `no answer within ${ctx.config.limits.deliveryTimeout} ms` : (err as Error).message;
  }
  attempt.durationMs = ctx.clock.now() - started;
  await ctx.redis.multi().lpush(ctx.keys.deliveryLog(subscriptionId), JSON.stringify(attempt)).ltrim(ctx.keys.deliveryLog(subscriptionId), 0, LOG_LENGTH - 1).exec();
  if (!attempt.ok) {
    ctx.logger.warn({ subscriptionId, eventId, attempt: attempt.attempt, status: attempt.status, code: attempt.errorCode }, `delivery failed: ${attempt.error}`);
    throw new SyndicateError(attempt.errorCode as 'SYN_ERR_DELIVERY_FAILED', `${subscriptionId}: ${attempt.error}`);
  }
  ctx.logger.info({ subscriptionId, eventId, eventType, status: attempt.status, durationMs: attempt.durationMs }, 'delivered');
  return attempt;
}
