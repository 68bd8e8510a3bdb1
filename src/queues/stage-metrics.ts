import { Counter, Histogram, Registry } from 'prom-client';

/**
 * What each pipeline stage counts, in one registry per process (each process answers `/metrics`, and Prometheus
 * sums over processes; `syndicate_redis_up` and the queue gauges are the HTTP side's, api/metrics.ts). Labels are bounded on purpose: never a source, story or URL, so the series count stays
 * the same however many sources an operator adds.
 */
export function createStageMetrics() {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    /** Entries read from fetched feed documents; `result` is `new` (handed to normalize) or `unchanged`. */
    entriesFetched: new Counter({
      name: 'syndicate_fetch_entries_total',
      help: 'Feed entries read from fetched documents, by whether they went on (new/changed) or not',
      labelNames: ['result'],
      registers,
    }),
    /** One per fetch attempt of a source: the HTTP status (`200`, `304`, `410`…) or a `SYN_ERR_*` code when no usable answer came. */
    fetchOutcomes: new Counter({
      name: 'syndicate_fetch_outcomes_total',
      help: 'Source fetches by outcome: HTTP status code, or the SYN_ERR_* code when the fetch failed before one',
      labelNames: ['code'],
      registers,
    }),
    fetchLatency: new Histogram({
      name: 'syndicate_fetch_duration_seconds',
      help: 'Time from request to the whole (decompressed) feed body, per source fetch',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 60],
      registers,
    }),
    itemsNormalized: new Counter({
      name: 'syndicate_items_normalized_total',
      help: 'Items normalized, by kind (interview, article)',
      labelNames: ['kind'],
      registers,
    }),
    /** Dedup decisions; `match` says how a known story was recognised (`exact` by guid or URL, `fingerprint`, `near-duplicate`), `none` for a new story. */
    dedupDecisions: new Counter({
      name: 'syndicate_dedup_decisions_total',
      help: 'Dedup decisions by outcome (new, updated, duplicate, unchanged) and match kind (exact, fingerprint, near-duplicate, none)',
      labelNames: ['outcome', 'match'],
      registers,
    }),
    storiesPublished: new Counter({
      name: 'syndicate_stories_published_total',
      help: 'Stories stored by the publish stage, by event (item.published, item.updated, item.source_added)',
      labelNames: ['event'],
      registers,
    }),
    /** Untrusted work the sandbox gave up (src/sandbox/): `task` (readDocument, readArticlePage, normalizeFeedEntry), `reason` (deadline, memory, depth). */
    sandboxOverruns: new Counter({
      name: 'syndicate_sandbox_overruns_total',
      help: 'Documents and entries given up by the sandbox, by task and reason (deadline, memory, depth)',
      labelNames: ['task', 'reason'],
      registers,
    }),
    /** Sandbox threads terminated (a task past its deadline or its heap limit) and replaced. */
    sandboxThreadsKilled: new Counter({
      name: 'syndicate_sandbox_threads_killed_total',
      help: 'Sandbox worker threads terminated and replaced, by task and reason (deadline, memory)',
      labelNames: ['task', 'reason'],
      registers,
    }),
    /** Sandbox tasks that waited for a thread past `limits.sandboxQueueWait` (SYN_ERR_SANDBOX_BUSY), by task. */
    sandboxQueueTimeouts: new Counter({
      name: 'syndicate_sandbox_queue_timeouts_total',
      help: 'Sandbox tasks given back unstarted after waiting for a thread past limits.sandboxQueueWait, by task',
      labelNames: ['task'],
      registers,
    }),
    jobDuration: new Histogram({
      name: 'syndicate_job_duration_seconds',
      help: 'Time a worker spent on one job, by stage and result (completed, failed)',
      labelNames: ['stage', 'result'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
  };
}

export type StageMetrics = ReturnType<typeof createStageMetrics>;

/** The match kind label of a dedup decision: guid and URL matches are both exact. */
export function matchKind(matchedBy: string | null): 'exact' | 'fingerprint' | 'near-duplicate' | 'none' {
  if (matchedBy === 'guid' || matchedBy === 'url') return 'exact';
  if (matchedBy === 'fingerprint' || matchedBy === 'near-duplicate') return matchedBy;
  return 'none';
}
