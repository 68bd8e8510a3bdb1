import type { Redis } from 'ioredis';
import type { Clock } from '../core/clock.js';
import { SyndicateError } from '../core/errors.js';
import { luaScript, runScript } from '../redis/scripts.js';

/** Per-host politeness settings, shared by every worker through Redis. */
export interface PolitenessSettings {
  /** Requests in flight to one host, across all workers. */
  maxConcurrent: number;
  /** Minimum time between the starts of two requests to one host, and from the end of one to the next start. */
  minSpacingMs: number;
  /** How long a slot is held when its holder dies without releasing it (longer than any fetch). */
  leaseMs: number;
}

/** Redis keys of one host's politeness state. */
export interface HostKeys {
  /** Hash: `pausedUntil`, `nextSlotAt` (epoch ms). */
  state: string;
  /** Sorted set of slot holders scored by lease expiry. */
  active: string;
}

// Each in redis/lua/: what the script does, its keys and arguments are in its header.
const ACQUIRE = luaScript('host-acquire');
const RELEASE = luaScript('host-release');
const HAND_OVER = luaScript('host-hand-over');
const PAUSE = luaScript('host-pause');

/**
 * Politeness towards each host, in Redis so that it holds across every fetch worker: at most `maxConcurrent`
 * requests in flight, `minSpacingMs` between request starts and from the end of a request to the next start, and
 * a pause (from `Retry-After`) that delays only that host's sources. A small Lua script rather than a library: the three rules must be checked and applied in
 * one atomic step, and a slot held by a killed worker must expire by itself (lease).
 */
export class HostPoliteness {
  constructor(
    private readonly redis: Redis,
    private readonly keysFor: (host: string) => HostKeys,
    private readonly settings: PolitenessSettings,
  ) {}

  /**
   * Takes a slot for `holder`; answers 0 when granted, else the epoch ms at which to try again. With `releasing`,
   * first gives back the slot `holder` has on that host (whatever the answer), in the same round trip.
   */
  async acquire(host: string, holder: string, now: number, releasing: string | null = null): Promise<number> {
    const keys = this.keysFor(host);
    const { maxConcurrent, minSpacingMs, leaseMs } = this.settings;
    const args = [now, maxConcurrent, minSpacingMs, leaseMs, holder];
    if (releasing === null) return Number(await runScript(this.redis, ACQUIRE, [keys.state, keys.active], args));
    const released = this.keysFor(releasing);
    return Number(await runScript(this.redis, HAND_OVER, [keys.state, keys.active, released.state, released.active], args));
  }

  /** The spacing between requests to one host. */
  get spacingMs(): number {
    return this.settings.minSpacingMs;
  }

  /** Gives a slot back at `now` (idempotent); the host's next request waits the spacing from then. */
  async release(host: string, holder: string, now: number): Promise<void> {
    const keys = this.keysFor(host);
    await runScript(this.redis, RELEASE, [keys.state, keys.active], [holder, now, this.settings.minSpacingMs]);
  }

  /** Pauses a host until `untilMs` (never shortens a longer pause already set). */
  async pause(host: string, untilMs: number): Promise<void> {
    await runScript(this.redis, PAUSE, [this.keysFor(host).state], [untilMs]);
  }
}

/**
 * Waits for a slot on `host` for at most `maxWaitMs`, polling the gate at the times it names. Throws
 * `SYN_ERR_FETCH_RATE_LIMITED` at once when the host will not grant one within that wait (a long `Retry-After`
 * pause): the caller gives up on this request instead of holding a worker for it.
 */
export async function waitForSlot(
  gate: HostPoliteness,
  clock: Clock,
  host: string,
  holder: string,
  maxWaitMs: number,
  releasing: string | null = null,
): Promise<void> {
  const giveUpAt = clock.now() + maxWaitMs;
  for (let first = true; ; first = false) {
    const retryAt = await gate.acquire(host, holder, clock.now(), first ? releasing : null);
    if (retryAt === 0) return;
    if (retryAt > giveUpAt)
      throw new SyndicateError('SYN_ERR_FETCH_RATE_LIMITED', `${host} has no free slot before ${new Date(retryAt).toISOString()}`, {
        details: { host, retryAt },
      });
    await new Promise((resolve) => setTimeout(resolve, Math.max(10, retryAt - clock.now())));
  }
}

/**
 * The politeness slots of one request chain (a feed or an article page, then each redirect hop): every request
 * takes a slot of its own on its host, so a 301 and its target on the same host are spaced like any two requests.
 * Call {@link before} ahead of each request and {@link release} when the chain is over (idempotent). A chain may
 * start with a slot its caller already holds (`held`): the first request to that host uses it.
 */
export class RequestSlots {
  /** True while `held` was taken for the chain's first request and that request has not gone out yet. */
  private unused: boolean;

  constructor(
    private readonly gate: HostPoliteness,
    private readonly clock: Clock,
    private readonly holder: string,
    private readonly maxWaitMs: number,
    private held: string | null = null,
  ) {
    this.unused = held !== null;
  }

  /** Before a request to `url`: gives back the previous request's slot and waits for one on this URL's host. */
  async before(url: string): Promise<void> {
    const host = hostOf(url);
    // The slot taken for this request, or (with no spacing to keep) a hop on the host of the slot held: giving it
    // back to take it again would change nothing but the round trip.
    if (host !== null && host === this.held && (this.unused || this.gate.spacingMs === 0)) {
      this.unused = false;
      return;
    }
    this.unused = false;
    if (!host) return this.release();
    // The previous request's slot goes back in the same round trip as this one is asked for.
    const releasing = this.held;
    this.held = null;
    await waitForSlot(this.gate, this.clock, host, this.holder, this.maxWaitMs, releasing);
    this.held = host;
  }

  /** Gives back the slot held, if any. */
  async release(): Promise<void> {
    const host = this.held;
    this.held = null;
    this.unused = false;
    if (host) await this.gate.release(host, this.holder, this.clock.now());
  }
}

/** The politeness key of a URL: host and port, so two services on one machine are two hosts. */
export function hostOf(url: string): string | null {
  try {
    const { protocol, host } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' ? host.toLowerCase() : null;
  } catch {
    return null;
  }
}
