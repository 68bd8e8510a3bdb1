import { processDeliverJob } from '../src/deliver/deliver-processor.js';
import { createFanoutPermits, processFanoutJob } from '../src/deliver/fanout-processor.js';
import { retryDelay } from '../src/deliver/retry-schedule.js';
import type { DeliverJob, FanoutJob } from '../src/queues/pipeline.js';
import { FANOUT_JOB_NAME } from '../src/queues/queues.js';
import type { StageJob } from '../src/queues/stage-job.js';
import { startStageWorker } from '../src/queues/stage-worker.js';
import type { RoleDefinition } from '../src/runtime/role.js';

/** Default deliveries in flight per deliver process: webhook POSTs mostly wait on the network, so many at once. */
export const DELIVER_CONCURRENCY = 32;

/**
 * The deliver role: POSTs signed events to webhook endpoints, retrying on the configured schedule. Two kinds of
 * jobs share the queue: an event's fan-out (first attempts to every subscription) and per-subscription jobs (the
 * deliveries the fan-out could not finish). Concurrency per process: `SYNDICATE_CONCURRENCY_DELIVER`, else 32,
 * both for jobs and for the first attempts in flight across fan-outs; per-endpoint limits are enforced in Redis on top.
 */
export const deliverRole: RoleDefinition = {
  name: 'deliver',
  start: async (ctx) => {
    const concurrency = ctx.env.concurrency.deliver ?? DELIVER_CONCURRENCY;
    const permits = createFanoutPermits(concurrency);
    // The config re-seed keeps these disabled whatever the file says: say so, so nobody wonders why nothing arrives.
    for (const [subscriptionId, state] of Object.entries(await ctx.endpoints.disabled())) {
      ctx.logger.warn(
        { code: 'SYN_ERR_SUBSCRIPTION_DISABLED', subscriptionId, disabledAt: state.at, reason: state.reason },
        `subscription ${subscriptionId} stays disabled (since ${state.at}: ${state.reason}); lift it with PUT /api/v1/subscriptions/${subscriptionId}/enable or a PUT with enabled: true`,
      );
    }
    return startStageWorker(
      ctx,
      'deliver',
      'deliver',
      (context, job, token) =>
        job.name === FANOUT_JOB_NAME
          ? processFanoutJob(context, job as StageJob<FanoutJob>, token, permits)
          : processDeliverJob(context, job as StageJob<DeliverJob>, token),
      {
        concurrency,
        settings: {
          // A job handed over by a fan-out already spent its first attempt there: the schedule goes on from it.
          backoffStrategy: (attemptsMade: number, _type?: string, _err?: Error, job?: { data?: unknown }) =>
            retryDelay(
              ctx.config.delivery.retrySchedule,
              attemptsMade + ((job?.data as DeliverJob | undefined)?.priorAttempts ?? 0),
              ctx.config.delivery.jitter,
            ),
        },
      },
    );
  },
};
