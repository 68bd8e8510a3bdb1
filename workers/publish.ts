import { requestChangedBackfills } from '../src/publish/backfill.js';
import { processPublishJob } from '../src/publish/publish-processor.js';
import { startStageWorker } from '../src/queues/stage-worker.js';
import type { RoleDefinition } from '../src/runtime/role.js';

/** The publish role: stores stories, files them in channels and fans events out to subscriptions. */
export const publishRole: RoleDefinition = {
  name: 'publish',
  start: async (ctx) => {
    const handle = await startStageWorker(ctx, 'publish', 'publish', processPublishJob, { concurrency: 8 });
    // The catalog was just seeded from the config file: file stored stories in channels it added or changed.
    await requestChangedBackfills(ctx);
    return handle;
  },
};
