import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, metric, publishedOnce, RoleProcess, roleEnv, timedGet, until, useStressRig, writeConfig } from './support/harness.js';
import { report } from './support/report.js';

/**
 * Scale-out: two processes of every role (`syndicate start --roles X`, the compiled build) against one Redis, through
 * a full ingest of SOURCES × ENTRIES distinct stories. Each process's own /metrics shows the work it did; the webhook
 * receiver shows each story published once and every event delivered.
 */
const SOURCES = Number(process.env.SCALE_SOURCES ?? 8);
const ENTRIES = Number(process.env.SCALE_ENTRIES ?? 30);
const ROLES = ['api', 'scheduler', 'fetch', 'normalize', 'dedup', 'publish', 'deliver', 'websub'];
/** The stage each worker role's jobs are timed under in /metrics. */
const STAGE: Record<string, string> = { fetch: 'fetch', normalize: 'normalize', dedup: 'dedup', publish: 'publish', deliver: 'deliver' };

describe('scale-out: two processes per role, one Redis', () => {
  const rig = useStressRig(SOURCES, ENTRIES);

  it('both processes of each role do work; no story is published twice; no event is lost; all stop cleanly', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'syn-stress-scale-'));
    const env = {
      ...roleEnv(rig.redis.url, writeConfig(rig.feeds.url, SOURCES, rig.receiver.url)),
      // Small batches per process, so that one process cannot take a whole stage's work before its twin starts.
      SYNDICATE_CONCURRENCY_FETCH: '2',
      SYNDICATE_CONCURRENCY_NORMALIZE: '2',
      SYNDICATE_CONCURRENCY_DEDUP: '2',
      SYNDICATE_CONCURRENCY_PUBLISH: '2',
    };
    const started = Date.now();
    const startBoth = async (role: string) => {
      for (const i of [1, 2]) {
        const process = new RoleProcess(role, await freePort(), env, logDir, `${role}#${i}`);
        process.start();
        rig.processes.set(process.name, process);
      }
    };
    // The schedulers come last: the first polls are queued once every worker is ready, so both of a role can take some.
    for (const role of ROLES.filter((r) => r !== 'scheduler')) await startBoth(role);
    await Promise.all([...rig.processes.values()].map((p) => p.ready(300_000)));
    await startBoth('scheduler');
    const processes = [...rig.processes.values()];
    await Promise.all(processes.map((p) => p.ready(300_000)));
    const readyMs = Date.now() - started;

    const total = SOURCES * ENTRIES;
    await until(`all ${total} stories delivered`, () => publishedOnce(rig.receiver.received).stories >= total, 240_000, 500).catch(async (err: Error) => {
      throw new Error(
        `${err.message}: ${rig.receiver.received.length} deliveries received; queues ${JSON.stringify(await rig.inspector.unfinished())}; logs in ${logDir}`,
      );
    });
    const ingestMs = Date.now() - started;

    // Each process reports its own work on its own port.
    const work: Record<string, number> = {};
    for (const p of processes) {
      const body = await p.metrics();
      if (STAGE[p.role]) work[p.name] = metric(body, `syndicate_job_duration_seconds_count{stage="${STAGE[p.role]}",result="completed"}`);
      if (p.role === 'publish') work[`${p.name} published`] = metric(body, 'syndicate_stories_published_total{event="item.published"}');
    }
    for (const role of Object.keys(STAGE)) {
      for (const i of [1, 2]) expect(work[`${role}#${i}`], `${role}#${i} did no ${role} job: ${JSON.stringify(work)}`).toBeGreaterThan(0);
    }
    // Together the two publish processes stored each story once.
    expect(work['publish#1 published']! + work['publish#2 published']!).toBe(total);
    // Both API processes serve the same feed.
    for (const api of processes.filter((p) => p.role === 'api')) {
      const feed = await timedGet(`${api.url}/feeds/all.json`);
      expect(feed.status).toBe(200);
      expect((JSON.parse(feed.body) as { items: unknown[] }).items.length).toBe(Math.min(total, 50));
    }

    // No story published twice: one item.published event id per story, however many retries carried it.
    const once = publishedOnce(rig.receiver.received);
    expect(once.stories).toBe(total);
    expect(once.duplicates).toEqual([]);
    // Every entry is a story of its own: nothing was taken for another outlet's copy.
    expect(rig.receiver.received.filter((e) => e.type !== 'item.published')).toEqual([]);
    // No event lost: Redis holds every story, and every queue is drained with nothing failed.
    expect(await rig.inspector.storyCount()).toBe(total);
    await until('every queue drained', () => rig.inspector.idle(), 30_000, 250);
    // Two schedulers never double a source's chain of polls: one pending poll per source.
    expect(await rig.inspector.queues.fetch.getDelayedCount()).toBe(SOURCES);

    // Every process stops gracefully (exit 0) on SIGTERM.
    const stopStarted = Date.now();
    const codes = await Promise.all(processes.map(async (p) => [p.name, await p.stop(20_000)] as const));
    expect(codes.filter(([, code]) => code !== 0)).toEqual([]);
    report('scale-out', {
      processes: processes.length,
      stories: total,
      readyMs,
      ingestMs,
      stopMs: Date.now() - stopStarted,
      work,
      deliveries: rig.receiver.received.length,
    });
  });
});
