import type { Redis } from 'ioredis';
import { luaScript, runScript } from '../redis/scripts.js';

/** Per-host politeness settings, shared by every worker through Redis. */
export interface PolitenessSettings {
  /** Requests in flight to one host, across all workers. */
  maxConcurrent: number;
  /** Minimum time between the starts of two requests to one host. */
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

const ACQUIRE = luaScript('host-acquire');
const PAUSE = luaScript('host-pause');

/**
 * Politeness towards each host, in Redis so that it holds across every fetch worker: at most `maxConcurrent`
 * requests in flight, `minSpacingMs` between request starts, and a pause (from `Retry-After`) that delays only
 * that host's sources. A small Lua script rather than a library: the three rules must be checked and applied in
 * one atomic step, and a slot held by a killed worker must expire by itself (lease).
 */
export class HostPoliteness {
  constructor(
    private readonly redis: Redis,
    private readonly keysFor: (host: string) => HostKeys,
    private readonly settings: PolitenessSettings,
  ) {}

  /** Takes a slot for `holder`; answers 0 when granted, else the epoch ms at which to try again. */
  async acquire(host: string, holder: string, now: number): Promise<number> {
    const keys = this.keysFor(host);
    const { maxConcurrent, minSpacingMs, leaseMs } = this.settings;
    return Number(await runScript(this.redis, ACQUIRE, [keys.state, keys.active], [now, maxConcurrent, minSpacingMs, leaseMs, holder]));
  }

  /** Gives a slot back (idempotent). */
  async release(host: string, holder: string): Promise<void> {
    await this.redis.zrem(this.keysFor(host).active, holder);
  }

  /** Pauses a host until `untilMs` (never shortens a longer pause already set). */
  async pause(host: string, untilMs: number): Promise<void> {
    await runScript(this.redis, PAUSE, [this.keysFor(host).state], [untilMs]);
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
