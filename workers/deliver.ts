import { processDeliverJob } from '../src/deliver/deliver-processor.js';
import { retryDelay } from '../src/deliver/retry-schedule.js';
import { startStageWorker } from '../src/queues/stage-worker.js';
import type { RoleDefinition } from '../src/runtime/role.js';

/** Default deliveries in flight per deliver process: webhook POSTs mostly wait on the network, so many at once. */
export const DELIVER_CONCURRENCY = 32;

/**
 * The deliver role: POSTs signed events to webhook endpoints, retrying on the configured schedule. Concurrency
 * per process: `SYNDICATE_CONCURRENCY_DELIVER`, else 32; per-endpoint limits are enforced in Redis on top.
 */
export const deliverRole: RoleDefinition = {
  name: 'deliver',
  start: async (ctx) => {
    const fromEnv = Number(process.env.SYNDICATE_CONCURRENCY_DELIVER);
    return startStageWorker(ctx, 'deliver', 'deliver', processDeliverJob, {
      concurrency: Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DELIVER_CONCURRENCY,
      settings: {
        backoffStrategy: (attemptsMade: number) => retryDelay(ctx.config.delivery.retrySchedule, attemptsMade, ctx.config.delivery.jitter),
      },
    });
  },
};
