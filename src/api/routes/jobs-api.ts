import type { FastifyInstance } from 'fastify';
import { describeFailedJob, listFailedJobs, failedWithin, parseTime, replayFailedJob, replayFailedJobs } from '../../queues/failed-jobs.js';
import type { PipelineQueues } from '../../queues/queues.js';
import type { HttpContext } from '../http-context.js';
import { schemaOf, type RouteRequest } from '../schemas.js';

/** What the jobs API touches: the normalize, dedup and publish queues (their failed jobs) and the log. */
export type JobsRouteDeps = Pick<HttpContext, 'logger'> & { queues: Pick<PipelineQueues, 'producer'> };

/**
 * `/api/v1/jobs/{normalize|dedup|publish}`: a story's jobs that exhausted their attempts (or whose workers died
 * more often than the stall policy allows), listed and replayed as dead deliveries are at `/api/v1/deliveries`.
 * Their count per queue is `syndicate_queue_jobs{state="failed"}` in `/metrics`. Registered inside the admin scope.
 */
export function registerJobsApi(app: FastifyInstance, ctx: JobsRouteDeps): void {
  const queueOf = (name: 'normalize' | 'dedup' | 'publish') => ctx.queues.producer(name);

  app.get<RouteRequest<'GET /api/v1/jobs/:queue/failed'>>(
    '/api/v1/jobs/:queue/failed',
    { schema: schemaOf('GET /api/v1/jobs/:queue/failed') },
    async (request) => {
      const { from, to, limit = 100 } = request.query;
      const range = { from: parseTime(from, 'from'), to: parseTime(to, 'to') };
      const jobs = await listFailedJobs(queueOf(request.params.queue), (job) => failedWithin(job, range), limit);
      return { jobs: jobs.map(describeFailedJob) };
    },
  );

  app.post<RouteRequest<'POST /api/v1/jobs/:queue/:jobId/replay'>>(
    '/api/v1/jobs/:queue/:jobId/replay',
    { schema: schemaOf('POST /api/v1/jobs/:queue/:jobId/replay') },
    async (request, reply) => {
      const described = await replayFailedJob(queueOf(request.params.queue), request.params.jobId);
      ctx.logger.info({ queue: described.queue, jobId: described.jobId }, 'failed job replayed');
      return reply.status(202).send({ replayed: [described] });
    },
  );

  app.post<RouteRequest<'POST /api/v1/jobs/:queue/replay'>>(
    '/api/v1/jobs/:queue/replay',
    { schema: schemaOf('POST /api/v1/jobs/:queue/replay') },
    async (request, reply) => {
      const range = { from: parseTime(request.body.from, 'from'), to: parseTime(request.body.to, 'to') };
      const replayed = await replayFailedJobs(queueOf(request.params.queue), range);
      ctx.logger.info({ queue: request.params.queue, count: replayed.length }, 'failed jobs replayed');
      return reply.status(202).send({ replayed });
    },
  );
}
