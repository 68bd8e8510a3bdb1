import { processDeliverJob } from '../src/deliver/deliver-processor.js';
import { retryDelay } from '../src/deliver/retry-schedule.js';
import { startStageWorker } from '../src/queues/stage-worker.js';
import type { RoleDefinition } from '../src/runtime/role.js';

/** The deliver role: POSTs signed events to webhook endpoints, retrying on the configured schedule. */
export const deliverRole: RoleDefinition = {
  name: 'deliver',
  start: async (ctx) =>
    startStageWorker(ctx, 'deliver', 'deliver', processDeliverJob, {
      concurrency: 32,
      settings: {
        backoffStrategy: (attemptsMade: number) => retryDelay(ctx.config.delivery.retrySchedule, attemptsMade, ctx.config.delivery.jitter),
      },
    }),
};
