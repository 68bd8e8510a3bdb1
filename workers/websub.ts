import { FeedCache } from '../src/publish/feed-cache.js';
import { processWebSubJob, startExpirySweep } from '../src/publish/hub-publisher.js';
import { startStageWorker } from '../src/queues/stage-worker.js';
import type { RoleDefinition } from '../src/runtime/role.js';

/**
 * The websub role: pushes channel updates to verified WebSub subscribers and pings external hubs, with retries, and
 * sweeps our hub's expired subscriptions.
 */
export const websubRole: RoleDefinition = {
  name: 'websub',
  start: async (ctx) => {
    // Rendered current documents, shared by every subscriber of a topic: rendered once per channel version.
    const documents = new FeedCache(200);
    const stopSweep = startExpirySweep(ctx);
    const worker = startStageWorker(ctx, 'websub', 'websub', (context, job) => processWebSubJob(context, job, documents), { concurrency: 32 });
    return {
      ...worker,
      close: async (graceMs) => {
        stopSweep();
        await worker.close(graceMs);
      },
    };
  },
};
