import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { PipelineQueues } from '../queues/queues.js';

const JOB_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'waiting-children'] as const;

/** The process's Prometheus registry: default process metrics, job counts per queue and state, HTTP requests. */
export function createMetrics(queues: PipelineQueues) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'syndicate_' });
  new Gauge({
    name: 'syndicate_queue_jobs',
    help: 'Jobs in each pipeline queue, by state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      for (const [name, queue] of Object.entries(queues)) {
        const counts = await queue.getJobCounts(...JOB_STATES).catch(() => null);
        if (!counts) continue;
        for (const state of JOB_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
      }
    },
  });
  return {
    registry,
    httpRequests: new Counter({ name: 'syndicate_http_requests_total', help: 'HTTP requests answered', labelNames: ['route', 'status'], registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
