import { processFetchJob } from '../src/fetch/fetch-processor.js';
import { startStageWorker } from '../src/queues/stage-worker.js';
import type { RoleDefinition } from '../src/runtime/role.js';

/** The fetch role: polls sources and hands new entries to normalize. */
export const fetchRole: RoleDefinition = {
  name: 'fetch',
  start: async (ctx) => startStageWorker(ctx, 'fetch', 'fetch', processFetchJob, { concurrency: 8 }),
};
