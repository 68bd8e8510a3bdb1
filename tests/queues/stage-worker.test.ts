import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import type { NormalizeJob } from '../../src/queues/pipeline.js';
import { startStageWorker } from '../../src/queues/stage-worker.js';
import { closeContext, createContext, type AppContext } from '../../src/runtime/context.js';
import { waitFor } from '../support/http.js';
import { deleteKeys, testEnv } from '../support/redis.js';

/** The knobs an operator (or a crash drill) sets on a stage's worker through the environment. */
describe('stage worker settings from the environment', () => {
  let ctx: AppContext | undefined;
  afterEach(async () => {
    if (!ctx) return;
    await ctx.queues.normalize.obliterate({ force: true });
    await closeContext(ctx);
    await deleteKeys(ctx.env.redisPrefix);
    ctx = undefined;
  });

  const open = (overrides: Parameters<typeof testEnv>[1]) => {
    ctx = createContext(testEnv('stage-worker', overrides), parseConfig({}), pino({ level: 'silent' }));
    return ctx;
  };
  const addJobs = (context: AppContext, n: number) =>
    Promise.all(Array.from({ length: n }, (_, i) => context.queues.normalize.add('normalize', { n: i } as unknown as NormalizeJob)));

  it('SYNDICATE_CONCURRENCY_<QUEUE> wins over the role default', async () => {
    const context = open({ concurrency: { normalize: 3 } });
    let inFlight = 0;
    let most = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const handle = startStageWorker(
      context,
      'normalize',
      'normalize',
      async () => {
        most = Math.max(most, ++inFlight);
        await released;
        inFlight--;
      },
      { concurrency: 1 },
    );
    await addJobs(context, 6);
    await waitFor('three jobs in flight', () => inFlight === 3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(most).toBe(3);
    release();
    await waitFor('every job done', async () => (await context.queues.normalize.getCompletedCount()) === 6);
    await handle.close(5_000);
  });

  it('SYNDICATE_FAULT_HOLD_JOBS takes jobs and never runs them (crash drills)', async () => {
    const context = open({ concurrency: { normalize: 2 }, holdJobs: ['normalize'] });
    let ran = 0;
    const handle = startStageWorker(context, 'normalize', 'normalize', async () => void ran++);
    await addJobs(context, 3);
    await waitFor('two jobs held', async () => (await context.queues.normalize.getActiveCount()) === 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ran).toBe(0);
    expect(await context.queues.normalize.getWaitingCount()).toBe(1);
    await handle.close(200);
  });
});
