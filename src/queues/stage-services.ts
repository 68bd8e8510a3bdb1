import type { Redis } from 'ioredis';
import type { RuntimeEnv } from '../config/load-config.js';
import type { SyndicationConfig } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { DeliveryTargets } from '../net/delivery-targets.js';
import type { NetworkGuard } from '../net/network-guard.js';
import type { RedisKeys } from '../redis/keys.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import type { PipelineQueues } from './queues.js';
import type { StageMetrics } from './stage-metrics.js';

/**
 * What a process offers every stage besides the stores: settings, logger, clock, connections, queue producers, the
 * network guard, metrics and the sandbox for untrusted work. A stage declares the part it uses beside the stores it uses, each by its own type
 * (`Pick<StageServices, 'config' | 'clock'> & { items: ItemStore }`); runtime/context.ts builds one value that has
 * them all and hands it to every stage.
 */
export interface StageServices {
  env: RuntimeEnv;
  config: SyndicationConfig;
  logger: Logger;
  clock: Clock;
  /** Connection for stores: waits through outages (the HTTP side has a fail-fast one, api/http-context.ts). */
  redis: Redis;
  /** Blocking-tolerant connection template for BullMQ workers (each worker duplicates it). */
  workerRedis: Redis;
  keys: RedisKeys;
  queues: PipelineQueues;
  /** The private-address guard for every outgoing request (fetching and webhook delivery). */
  guard: NetworkGuard;
  /** Webhook URLs that passed the guard, parsed once per process (the deliver stage's hot path). */
  deliveryTargets: DeliveryTargets;
  /** Per-stage counters and histograms of this process (served on `/metrics` with the queue gauges). */
  metrics: StageMetrics;
  /** The pool of threads where every untrusted document is decoded, parsed and normalized, under a deadline (src/sandbox/). */
  sandbox: Sandbox;
  /** `starting` while the roles start, `draining` once the process begins to shut down: readiness answers 503 in both. */
  state: { draining: boolean; starting: boolean; workersRunning: number };
}
