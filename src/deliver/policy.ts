/**
 * The decisions of webhook delivery, as pure functions: what an HTTP answer means, how long `Retry-After` asks us
 * to wait, when a failing subscription is disabled, how a too-large event is slimmed, whether an event must wait
 * for its story's `item.published`, and the spacing of a per-endpoint rate limit. No I/O here, so each is unit tested.
 */
import { parseRetryAfter } from '../net/retry-after.js';

/** How long a job waits when its endpoint is at its concurrency limit (growing up to the cap while it stays busy). */
export const BUSY_WAIT_MS = 100;
export const BUSY_WAIT_CAP_MS = 2_000;
/** How long a later event waits while its story's `item.published` is pending (growing up to the cap). */
export const ORDER_WAIT_MS = 200;
export const ORDER_WAIT_CAP_MS = 60_000;
/** The longest extra wait of a job refused by its endpoint's rate limit, on top of the time to the next slot. */
export const RATE_WAIT_CAP_MS = 60_000;

/** What one HTTP answer means for the delivery. */
export type ResponseOutcome = { kind: 'delivered' } | { kind: 'gone' } | { kind: 'throttled'; delayMs: number } | { kind: 'failed' };

const DELIVERED: ResponseOutcome = Object.freeze({ kind: 'delivered' });

/**
 * Classifies an answer: only 2xx is success; 410 disables the subscription; 429/503 with a usable `Retry-After`
 * pause the endpoint (without spending an attempt; for at most `capMs`); anything else is a failure retried on
 * the schedule.
 */
export function classifyResponse(status: number, retryAfter: string | string[] | undefined, now: number, capMs: number): ResponseOutcome {
  if (status >= 200 && status < 300) return DELIVERED;
  if (status === 410) return { kind: 'gone' };
  if (status === 429 || status === 503) {
    const delayMs = parseRetryAfter(retryAfter, now);
    if (delayMs !== null) return { kind: 'throttled', delayMs: Math.min(delayMs, capMs) };
  }
  return { kind: 'failed' };
}

/** Answers whether an endpoint failing without success since `failingSince` (epoch ms) is to be disabled now. */
export function shouldDisable(failingSince: number | null, now: number, disableAfterMs: number): boolean {
  return failingSince !== null && now - failingSince >= disableAfterMs;
}

/**
 * Returns the body to send: the event itself when it fits in `maxBytes`, else a slim event whose `data` keeps
 * only id, url and title (and `slim: true`), so a consumer can fetch the rest from the API or the feed.
 */
export function fitPayload(body: string, maxBytes: number): { body: string; slim: boolean } {
  if (Buffer.byteLength(body, 'utf8') <= maxBytes) return { body, slim: false };
  const event = JSON.parse(body) as { type: string; timestamp: string; data: { id: string; url: string; title: string } };
  const { id, url, title } = event.data;
  return { body: JSON.stringify({ type: event.type, timestamp: event.timestamp, slim: true, data: { id, url, title } }), slim: true };
}

/** What a later event (`item.updated`, `item.source_added`) does, given the state of its story's published job. */
export type OrderDecision = 'proceed' | 'wait' | 'blocked';

/**
 * Ordering rule. The published delivery job of the same subscription and story is looked up by its job id:
 * - absent (`unknown`: never wanted by this subscription, or long since removed) or `completed` → proceed;
 * - `failed` (a dead letter) → blocked: this event fails too, and a replay of both restores the order;
 * - anything else (waiting, delayed, active, prioritized) → wait a little, without spending an attempt.
 */
export function orderDecision(publishedState: string): OrderDecision {
  if (publishedState === 'unknown' || publishedState === 'completed') return 'proceed';
  if (publishedState === 'failed') return 'blocked';
  return 'wait';
}

/**
 * The time between delivery starts to an endpoint limited to `perSecond` deliveries/s, in whole ms rounded up, so
 * the limit is never exceeded in any 1-second window (a limit below 1/s, such as 0.2/s, is one start per 5 s).
 */
export function rateInterval(perSecond: number): number {
  return Math.ceil(1000 / perSecond);
}
