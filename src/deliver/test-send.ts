/**
 * The test send: an example event of the catalog, signed with the subscription's secrets and POSTed to its URL now,
 * through the same code as a real first attempt (address guard, `limits.deliveryTimeout`, 4 KB of the answer kept),
 * outside the queues: its answer goes back to whoever asked. It is logged in the subscription's delivery log
 * (`test: true`) but never retried, never counted in the failure streak and never disables anything.
 */
import { randomBytes } from 'node:crypto';
import type { SubscriptionConfig } from '../config/schema.js';
import type { ErrorCode } from '../core/errors.js';
import type { EventType } from '../core/item.js';
import { LOG_LENGTH, newAttempt, send, type AttemptDeps, type DeliveryAttempt } from './attempt.js';
import { EVENT_CATALOG } from './event-catalog.js';
import type { EndpointState } from './endpoint-state.js';

/** What the test send answers: the endpoint's status (null when it gave none), how long it took, its answer's head. */
export interface TestSendResult {
  eventId: string;
  type: EventType;
  ok: boolean;
  status: number | null;
  durationMs: number;
  /** The first 4 KB of the endpoint's answer. */
  response: string;
  error: { code: ErrorCode; message: string } | null;
}

/** What a test send touches: one attempt's needs, and the delivery log. */
export type TestSendDeps = AttemptDeps & { endpoints: EndpointState };

/** Signs and sends the catalog's example of `type` to the subscription, and answers how the endpoint took it. */
export async function sendTestEvent(ctx: TestSendDeps, subscription: SubscriptionConfig, type: EventType): Promise<TestSendResult> {
  const started = ctx.clock.now();
  const eventId = `msg_test_${randomBytes(12).toString('base64url')}`;
  const body = JSON.stringify({ ...EVENT_CATALOG[type].example, timestamp: new Date(started).toISOString() });
  const attempt: DeliveryAttempt & { test: true } = {
    ...newAttempt({ eventId, eventType: type, storyId: '', jobId: '', attempt: 1, slim: false }, started),
    test: true,
  };
  await send(ctx, subscription, eventId, body, attempt, started);
  attempt.durationMs = ctx.clock.now() - started;
  attempt.ok = attempt.status !== null && attempt.status >= 200 && attempt.status < 300;
  if (attempt.status !== null && !attempt.ok && !attempt.errorCode) {
    attempt.errorCode = 'SYN_ERR_DELIVERY_FAILED';
    attempt.error = `endpoint answered ${attempt.status}`;
  }
  await ctx.endpoints.logOnly(
    subscription.id,
    JSON.stringify(attempt),
    attempt.ok ? 'delivered' : (attempt.errorCode ?? 'SYN_ERR_DELIVERY_FAILED'),
    LOG_LENGTH,
  );
  return {
    eventId,
    type,
    ok: attempt.ok,
    status: attempt.status,
    durationMs: attempt.durationMs,
    response: attempt.response,
    error: attempt.errorCode ? { code: attempt.errorCode, message: attempt.error ?? '' } : null,
  };
}
