import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { HttpContext } from './http-context.js';

/** The longest a scrape waits for one Redis-backed figure: a slow Redis leaves it out rather than hanging /metrics. */
const COLLECT_TIMEOUT_MS = 500;

/** `promise`, or null once `ms` have passed or it failed. */
export function withinOrNull<T>(promise: Promise<T>, ms = COLLECT_TIMEOUT_MS): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise.catch(() => null), new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

const JOB_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'waiting-children'] as const;

/** What the registry reads at scrape time: whether Redis is up, its memory, and every queue's job counts. */
export type MetricsDeps = Pick<HttpContext, 'queues' | 'redisUp' | 'redisMemory'>;

/**
 * The process's Prometheus registry: default process metrics, Redis reachability, job counts per queue and state
 * (failed ones are the jobs kept for an operator to replay), HTTP requests. While Redis is away the scrape still
 * answers at once, with `syndicate_redis_up 0` and without the figures only Redis knows.
 */
export function createMetrics(http: MetricsDeps) {
  const { queues } = http;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'syndicate_' });
  new Gauge({
    name: 'syndicate_redis_up',
    help: 'Whether this process is connected to Redis (1) or not (0)',
    registers: [registry],
    collect() {
      this.set(http.redisUp() ? 1 : 0);
    },
  });
  // Both from one INFO per scrape: the alert rule compares them (see the README, "Operating it").
  let memory: Promise<{ usedBytes: number; maxBytes: number } | null> | null = null;
  const readMemory = () => (memory ??= withinOrNull(http.redisMemory.usage()).finally(() => setTimeout(() => (memory = null), 0)));
  new Gauge({
    name: 'syndicate_redis_memory_bytes',
    help: 'Bytes Redis has in use (INFO used_memory)',
    registers: [registry],
    async collect() {
      const usage = http.redisUp() ? await readMemory() : null;
      if (usage) this.set(usage.usedBytes);
    },
  });
  new Gauge({
    name: 'syndicate_redis_maxmemory_bytes',
    help: 'Redis maxmemory (0: no ceiling); writes are refused (SYN_ERR_REDIS_FULL) once memory reaches it',
    registers: [registry],
    async collect() {
      const usage = http.redisUp() ? await readMemory() : null;
      if (usage) this.set(usage.maxBytes);
    },
  });
  new Gauge({
    name: 'syndicate_queue_jobs',
    help: 'Jobs in each pipeline queue, by state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      if (!http.redisUp()) return;
      for (const [name, queue] of queues.all()) {
        const counts = await withinOrNull(queue.getJobCounts(...JOB_STATES));
        if (!counts) continue;
        for (const state of JOB_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
      }
    },
  });
  return {
    registry,
    httpRequests: new Counter({
      name: 'syndicate_http_requests_total',
      help: 'HTTP requests answered',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** What the hub's verification queue reports (see routes/websub-hub.ts). */
export interface VerificationQueueStats {
  running(): number;
  waiting(): number;
}

/** `syndicate_websub_verifications{state}`: our hub's intent verifications running and waiting in this process. */
export function registerVerificationMetrics(registry: Registry, stats: VerificationQueueStats): void {
  new Gauge({
    name: 'syndicate_websub_verifications',
    help: "Our WebSub hub's intent verifications in this process, running (at most websub.hub.verificationConcurrency) or waiting",
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.set({ state: 'running' }, stats.running());
      this.set({ state: 'waiting' }, stats.waiting());
    },
  });
}
