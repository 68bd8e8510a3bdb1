import { processDedupJob } from '../src/dedup/dedup-processor.js';
import { startStageWorker } from '../src/queues/stage-worker.js';
import type { RoleDefinition } from '../src/runtime/role.js';

/** The dedup role: decides whether an item is a new story, another outlet's copy or an edit. */
export const dedupRole: RoleDefinition = {
  name: 'dedup',
  start: async (ctx) => startStageWorker(ctx, 'dedup', 'dedup', processDedupJob, { concurrency: 8 }),
};
