import { Cluster, type Redis } from 'ioredis';

/** Redis's memory as INFO reports it: bytes in use and the configured ceiling (0: none). */
export interface RedisMemoryUsage {
  usedBytes: number;
  maxBytes: number;
  /** Commands Redis refused for memory since it started (INFO errorstats `errorstat_OOM`). */
  refusedWrites: number;
}

/** The share of the ceiling at which the status page warns (the README's alert rule uses the same). */
export const MEMORY_WARNING_RATIO = 0.8;

/** Reads one numeric field of an INFO section's text. */
function infoField(info: string, field: string): number {
  const match = new RegExp(`^${field}:(\\d+)`, 'm').exec(info);
  return match ? Number(match[1]) : 0;
}

/**
 * Whether an error is Redis refusing a write for memory (`maxmemory` reached under `noeviction`): the write was not
 * done, and nothing acknowledged is lost (jobs stay where they were and run again once memory is back).
 */
export function isOutOfMemory(err: unknown): boolean {
  // A MULTI whose queued commands Redis refused ends in EXECABORT; ioredis keeps the refusals in `previousErrors`.
  // A stage that wraps the refusal in its own error (`toSyndicateError`) keeps it as the `cause`.
  const { message, previousErrors, cause } = (err ?? {}) as { message?: string; previousErrors?: unknown[]; cause?: unknown };
  return /\bOOM command not allowed\b/.test(message ?? '') || (previousErrors ?? []).some(isOutOfMemory) || (cause !== undefined && isOutOfMemory(cause));
}

/** The Redis server's memory, for /metrics and the status page. */
export class RedisMemory {
  constructor(private readonly redis: Redis) {}

  /** Bytes in use and the ceiling (`INFO memory`), and the writes refused for memory (`INFO errorstats`). */
  async usage(): Promise<RedisMemoryUsage> {
    const [memory, errors] = await Promise.all([this.redis.info('memory'), this.redis.info('errorstats')]);
    return {
      usedBytes: infoField(memory, 'used_memory'),
      maxBytes: infoField(memory, 'maxmemory'),
      refusedWrites: Number(/^errorstat_OOM:count=(\d+)/m.exec(errors)?.[1] ?? 0),
    };
  }
}

/** The catalogue code of an error: `SYN_ERR_REDIS_FULL` for a write Redis refused for memory, else its own code. */
export function errorCodeOf(err: unknown): string | undefined {
  return isOutOfMemory(err) ? 'SYN_ERR_REDIS_FULL' : (err as { code?: string } | null)?.code;
}

/**
 * Every key matching `pattern`, by SCAN (never KEYS), in batches; on a Redis Cluster, of every master (a SCAN
 * reaches one node, and the key groups are spread over all of them).
 */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const nodes = redis instanceof Cluster ? (redis as unknown as Cluster).nodes('master') : [redis];
  const found: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found;
}
