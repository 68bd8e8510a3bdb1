import { processWebSubJob } from '../src/publish/websub.js';
import { startStageWorker } from '../src/queues/stage-worker.js';
import type { RoleDefinition } from '../src/runtime/role.js';

/** The websub role: pushes channel updates to verified WebSub subscribers and pings external hubs, with retries. */
export const websubRole: RoleDefinition = {
  name: 'websub',
  start: async (ctx) => startStageWorker(ctx, 'websub', 'websub', processWebSubJob, { concurrency: 32 }),
};
