import { FeedCache } from '../src/publish/feed-cache.js';
import { processWebSubJob } from '../src/publish/websub.js';
import { startStageWorker } from '../src/queues/stage-worker.js';
import type { RoleDefinition } from '../src/runtime/role.js';

/** The websub role: pushes channel updates to verified WebSub subscribers and pings external hubs, with retries. */
export const websubRole: RoleDefinition = {
  name: 'websub',
  start: async (ctx) => {
    // Rendered current documents, shared by every subscriber of a topic: rendered once per channel version.
    const documents = new FeedCache(200);
    return startStageWorker(ctx, 'websub', 'websub', (context, job) => processWebSubJob(context, job, documents), { concurrency: 32 });
  },
};
