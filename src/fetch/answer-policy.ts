import type { FetchResult } from './http-fetch.js';
import { isHtmlPage } from './discover-feed.js';
import { parseRetryAfter } from '../net/retry-after.js';

/**
 * What the fetch stage does with a feed request's answer (pure), the way `deliver/policy.ts` classifies webhook
 * answers:
 * - `gone`: 410, polling stops;
 * - `rate-limited`: 429, or a 503 that says when to come back: the whole host pauses (`retryAfterMs`, when given);
 * - `http-error`: any other 4xx/5xx, or a 3xx left over after redirects (a 304 is `not-modified`);
 * - `home-page`: an HTML page where a feed was expected, when the source may be discovered from it;
 * - `not-modified`: the document read last time;
 * - `document`: a document to read.
 */
export type FeedAnswer =
  | { kind: 'gone' }
  | { kind: 'rate-limited'; retryAfterMs: number | null }
  | { kind: 'http-error' }
  | { kind: 'home-page' }
  | { kind: 'not-modified' }
  | { kind: 'document' };

/**
 * Classifies a feed request's answer. `answeredAt` is when it came (Retry-After counts from then, which waiting for
 * a host slot may have put well after the job's start); `mayDiscover`, whether an HTML answer may be a home page.
 */
export function classifyFeedAnswer(response: FetchResult, answeredAt: number, mayDiscover: boolean): FeedAnswer {
  const { status } = response;
  if (status === 410) return { kind: 'gone' };
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(response.headers['retry-after'], answeredAt) : null;
  if (status === 429 || retryAfterMs !== null) return { kind: 'rate-limited', retryAfterMs };
  if (status >= 400 || (status >= 300 && !response.notModified)) return { kind: 'http-error' };
  if (response.notModified) return { kind: 'not-modified' };
  if (mayDiscover && status === 200 && isHtmlPage(response)) return { kind: 'home-page' };
  return { kind: 'document' };
}
