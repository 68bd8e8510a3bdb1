import { processNormalizeJob } from '../src/normalize/normalize-processor.js';
import { startStageWorker } from '../src/queues/stage-worker.js';
import type { RoleDefinition } from '../src/runtime/role.js';

/** The normalize role: turns feed entries into clean items (CPU-bound: scale it with cores). */
export const normalizeRole: RoleDefinition = {
  name: 'normalize',
  start: async (ctx) => startStageWorker(ctx, 'normalize', 'normalize', processNormalizeJob, { concurrency: 2 }),
};
