import { syncSchedules } from '../src/scheduler/source-scheduler.js';
import { errorCodeOf } from '../src/redis/server-memory.js';
import { bringUnderBounds, sweepPeriodMs, sweepRetention } from '../src/runtime/retention.js';
import type { RoleDefinition } from '../src/runtime/role.js';

const RECONCILE_MS = 60_000;

/**
 * The scheduler role: the fetch stage chains each source's polls itself (see source-scheduler.ts); this role starts
 * new sources and, every minute, re-adds any poll whose job was lost. It also keeps state bounded
 * (runtime/retention.ts): the start-up pass once, then the retention sweep every `limits.sweepInterval` (or a quarter of `limits.retention`, if shorter).
 */
export const schedulerRole: RoleDefinition = {
  name: 'scheduler',
  async start(ctx) {
    const sync = async () => {
      try {
        await syncSchedules(ctx, await ctx.catalog.list('sources'), ctx.clock.now());
      } catch (err) {
        ctx.logger.warn({ code: 'SYN_ERR_REDIS_UNAVAILABLE', err: (err as Error).message }, 'could not sync source schedules');
      }
    };
    await sync();
    const timer = setInterval(sync, RECONCILE_MS);
    timer.unref();
    let sweeping: Promise<unknown> | null = null;
    const sweep = (pass: () => Promise<unknown>) => {
      // One sweep at a time per process: a slow one is never stacked under the next.
      sweeping ??= pass()
        .catch((err: Error) =>
          ctx.logger.warn({ code: errorCodeOf(err) ?? 'SYN_ERR_REDIS_UNAVAILABLE', err: err.message }, 'retention sweep failed: next one retries'),
        )
        .finally(() => (sweeping = null));
    };
    sweep(() => bringUnderBounds(ctx));
    const sweepTimer = setInterval(() => sweep(() => sweepRetention(ctx)), sweepPeriodMs(ctx.config.limits));
    sweepTimer.unref();
    return {
      name: 'scheduler',
      close: async () => {
        clearInterval(timer);
        clearInterval(sweepTimer);
        await sweeping;
      },
    };
  },
};
