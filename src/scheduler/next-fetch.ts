/**
 * Pure scheduling arithmetic for the fetch stage: when to poll a source next, how long a host asked us to wait,
 * and when a permanent redirect has been seen often enough to move the stored URL. No I/O here, so every rule is
 * unit-tested with pinned clocks and random numbers.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** What the last fetch of a source told us, as input to the next-delay computation. */
export interface PollObservation {
  /** The source's configured base interval. */
  baseMs: number;
  /** The interval used before this fetch (what the adaptation starts from); the base when unknown. */
  previousIntervalMs?: number | null;
  /** Feed `<ttl>` in minutes. */
  ttlMinutes?: number | null;
  /** The feed's `sy:updatePeriod`/`sy:updateFrequency` as minutes between updates (see content/syndication-period.ts). */
  updatePeriodMinutes?: number | null;
  /** Freshness lifetime the server announced (`Cache-Control: max-age` or `Expires`). */
  freshnessMs?: number | null;
  /** Entries new or changed in this fetch; 0 for a 304. */
  newEntries?: number;
  /** Entries the feed carried (0 for a 304). */
  entries?: number;
  /** Failed fetches in a row, this one included; 0 after a success. */
  consecutiveErrors?: number;
  /** Wait the server asked for (`Retry-After`), if any: a floor for the next delay. */
  retryAfterMs?: number | null;
  /** Upper bound; 24 h by default. */
  maxMs?: number;
  /** A WebSub hub pushes this source's updates: polling is only a safety net, `PUSH_POLL_FACTOR` times slower. */
  pushActive?: boolean;
}

/** How much slower a source is polled while its WebSub subscription is active. */
export const PUSH_POLL_FACTOR = 12;

/** The decision: the interval we now consider normal for the source, and the jittered delay to the next poll. */
export interface PollPlan {
  intervalMs: number;
  delayMs: number;
}

/** Jitter applied to every delay, so thousands of sources with the same interval never fire together. */
export const JITTER = 0.1;

/**
 * Computes the next poll of a source.
 *
 * - Success: start from the base interval. A quiet feed (no new entries) stretches the previous interval by 1.5×
 *   up to 8× the base; a feed whose every entry is new (we may be missing some) halves the base.
 * - Error: exponential backoff from the base (2^(n-1)), capped at the maximum, but always a finite delay: a failing
 *   source keeps being probed and falls back to its normal rhythm on the first success.
 *
 * The publisher's floor: the feed's `<ttl>` and `sy:updatePeriod`/`sy:updateFrequency` (as last seen), the
 * server's freshness lifetime (`max-age`/`Expires`) and `Retry-After`, after a success and after a failure alike.
 * We never poll earlier than it (a floor above the maximum is cut to the maximum, except `Retry-After`, which is
 * always honoured).
 *
 * While a WebSub subscription is active the base is `PUSH_POLL_FACTOR` times longer (pushes bring the news).
 *
 * The result is clamped to [min(1 min, base), max]: operators (and tests) may configure a base below one minute,
 * but adaptation never pushes a source below one minute on its own. Jitter is ±10 % of the interval, but only ever
 * adds time to the floor: a draw that would land before the floor is mirrored above it (so polls held at the floor
 * still spread over [floor, floor + 10 %] instead of piling up on it).
 */
export function planNextPoll(observation: PollObservation, random: () => number = Math.random): PollPlan {
  const baseMs = observation.baseMs * (observation.pushActive ? PUSH_POLL_FACTOR : 1);
  const maxMs = observation.maxMs ?? DAY_MS;
  const minMs = Math.min(MINUTE_MS, observation.baseMs);
  const errors = observation.consecutiveErrors ?? 0;
  const retryAfterMs = observation.retryAfterMs ?? 0;
  let interval: number;
  if (errors > 0) {
    interval = baseMs * 2 ** Math.min(errors - 1, 40);
  } else {
    const previous = observation.previousIntervalMs && observation.previousIntervalMs > 0 ? observation.previousIntervalMs : baseMs;
    const fresh = observation.newEntries ?? 0;
    const total = observation.entries ?? 0;
    if (fresh === 0) interval = Math.min(Math.max(previous, baseMs) * 1.5, baseMs * 8);
    else if (total > 1 && fresh >= total) interval = baseMs / 2;
    else interval = baseMs;
  }
  // The publisher's word holds after a failure too: polling sooner would not find the feed updated any sooner.
  const hintMs = Math.max((observation.ttlMinutes ?? 0) * MINUTE_MS, (observation.updatePeriodMinutes ?? 0) * MINUTE_MS, observation.freshnessMs ?? 0);
  // Whole milliseconds, rounded up, so that rounding the delay can never land it before the floor.
  const floorMs = Math.ceil(Math.max(Math.min(hintMs, maxMs), retryAfterMs));
  interval = Math.max(Math.round(Math.min(Math.max(interval, minMs), maxMs)), floorMs);
  const jittered = interval * (1 + (random() * 2 - 1) * JITTER);
  // The maximum holds, unless a Retry-After beyond it is being honoured (then that pause is spread like any floor).
  const ceiling = floorMs > maxMs ? floorMs * (1 + JITTER) : maxMs;
  const delay = Math.min(jittered < floorMs ? 2 * floorMs - jittered : jittered, ceiling);
  return { intervalMs: interval, delayMs: Math.round(delay) };
}

/**
 * The freshness lifetime a response announces: `Cache-Control: max-age` (or `s-maxage`) wins over `Expires`, as in
 * RFC 9111. `no-cache`/`no-store` announce nothing. Null when nothing usable is present.
 */
export function freshnessFromHeaders(headers: Record<string, string | undefined>, now: number): number | null {
  const cacheControl = headers['cache-control']?.toLowerCase() ?? '';
  if (/no-store|no-cache/.test(cacheControl)) return null;
  const maxAge = cacheControl.match(/(?:^|[,\s])s?-?max-?age\s*=\s*"?(\d+)/)?.[1];
  if (maxAge !== undefined) return Number(maxAge) * 1000;
  const expires = headers.expires ? Date.parse(headers.expires) : NaN;
  if (Number.isNaN(expires)) return null;
  const date = headers.date ? Date.parse(headers.date) : NaN;
  return Math.max(0, expires - (Number.isNaN(date) ? now : date));
}

/** One hop of a followed redirect chain. */
export interface RedirectHop {
  status: number;
  from: string;
  to: string;
}

/** What the source's status remembers between fetches about a permanent redirect. */
export interface PermanentRedirectMemory {
  target: string | null;
  seen: number;
}

/** How many consecutive fetches must see the same permanent redirect before the stored URL moves. */
export const PERMANENT_REDIRECT_CONFIRMATIONS = 2;

/**
 * Decides what a fetch's redirect chain means for the stored URL. Only the leading run of permanent hops
 * (301/308) counts: a temporary hop anywhere before breaks the promise. The same permanent target on
 * consecutive fetches moves the URL; one sighting is only remembered, because a misconfigured server that
 * answers 301 once must not rewrite the catalog.
 */
export function decideRedirect(hops: RedirectHop[], memory: PermanentRedirectMemory): { memory: PermanentRedirectMemory; moveTo: string | null } {
  let target: string | null = null;
  for (const hop of hops) {
    if (hop.status !== 301 && hop.status !== 308) break;
    target = hop.to;
  }
  if (!target) return { memory: { target: null, seen: 0 }, moveTo: null };
  const seen = memory.target === target ? memory.seen + 1 : 1;
  if (seen >= PERMANENT_REDIRECT_CONFIRMATIONS) return { memory: { target: null, seen: 0 }, moveTo: target };
  return { memory: { target, seen }, moveTo: null };
}
