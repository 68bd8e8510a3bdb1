import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, publishedOnce, roleEnv, startRoles, until, writeConfig, useStressRig } from './support/harness.js';
import { report } from './support/report.js';
import { queuedEntries } from '../tests/support/queued.js';

/**
 * Killed twice: the worker process holding the same job is SIGKILLed twice, in deliver and in publish, and the job
 * still completes (BullMQ's default stall policy failed it at the second death). A job held by a dead process comes
 * back within seconds, not a minute.
 */
const PER_SOURCE = 30;
type StressQueue = 'deliver' | 'publish';

describe('a job whose worker is killed twice still completes', () => {
  const rig = useStressRig(2, PER_SOURCE);
  let logDir: string;

  beforeAll(() => {
    logDir = mkdtempSync(join(tmpdir(), 'syn-stress-twice-'));
  });

  /** Ids of the jobs active in a queue right now (one Redis round trip, so it can be polled fast). */
  const activeIds = (queue: StressQueue) => rig.inspector.redis.lrange(rig.inspector.queues[queue].toKey('active'), 0, -1);

  /**
   * Which of `first` (jobs of a killed process) are active again, taken by another process. A dead process's job
   * stays in the active list until stall detection moves it back, raising its stall counter (`stc`): only one that
   * is active after that is held by a successor.
   */
  const retaken = async (queue: StressQueue, first: string[], active: string[]) => {
    const candidates = active.filter((id) => first.includes(id));
    const counters = await Promise.all(candidates.map((id) => rig.inspector.redis.hget(rig.inspector.queues[queue].toKey(id), 'stc')));
    return candidates.filter((_id, i) => Number(counters[i]) >= 1);
  };

  /**
   * The jobs retaken and killed a second time are completed, each with both deaths counted, and the queue failed
   * none: reports the figures, then checks them.
   */
  const expectSurvivedTwice = async (queue: StressQueue, ids: string[], backAfterMs: number) => {
    const done = (await Promise.all(ids.map((id) => rig.inspector.queues[queue].getJob(id)))) as Job[];
    const failed = await rig.inspector.queues[queue].getFailedCount();
    report(`killed-twice-${queue}`, { jobs: ids.length, stalledCounters: done.map((j) => j.stalledCounter), jobBackAfterKillMs: backAfterMs, failed });
    for (const job of done) expect(job.stalledCounter).toBeGreaterThanOrEqual(2);
    expect(failed).toBe(0);
  };

  it('in deliver: the event is delivered, with one webhook-id, and no dead letter', async () => {
    // Only the first source: the second is added later, for publish.
    // Completed jobs are read back after the run (their stall counters): all of them are kept.
    const configPath = writeConfig(rig.feeds.url, 1, rig.receiver.url, '  completedJobCap: 1000');
    rig.receiver.hold(() => true); // every delivery hangs: the deliver worker is holding its job when it dies
    rig.processes = await startRoles(['api', 'scheduler', 'fetch', 'normalize', 'dedup', 'publish', 'deliver'], roleEnv(rig.redis.url, configPath), logDir);
    const deliver = rig.processes.get('deliver')!;

    await until('a delivery in flight', () => rig.receiver.heldCount() > 0, 180_000, 100);
    const first = await activeIds('deliver');
    expect(first.length).toBeGreaterThan(0);
    await deliver.kill();
    const killedAt = Date.now();
    const heldBefore = rig.receiver.heldCount();
    deliver.start();
    // The same job comes back (stall detection), is taken by the new process, which POSTs it again: kill it again.
    const again = await until(
      'a job of the killed worker to be held again by its successor',
      async () => {
        if (rig.receiver.heldCount() <= heldBefore) return null;
        const both = await retaken('deliver', first, await activeIds('deliver'));
        return both.length ? both : null;
      },
      180_000,
      100,
    );
    const backAfterMs = Date.now() - killedAt;
    await deliver.kill();
    rig.receiver.release();
    deliver.start();

    await until(
      'the twice-killed deliveries to complete',
      async () => (await Promise.all(again.map((id) => rig.inspector.queues.deliver.getJobState(id)))).every((s) => s === 'completed'),
      120_000,
      250,
    );
    await until('every event delivered', () => publishedOnce(rig.receiver.received).stories >= PER_SOURCE, 120_000, 250);
    await expectSurvivedTwice('deliver', again, backAfterMs);
    const once = publishedOnce(rig.receiver.received);
    expect(once.duplicates).toEqual([]);
    expect(backAfterMs).toBeLessThan(30_000);
  });

  it('in publish: the story is stored and published once', async () => {
    const publish = rig.processes.get('publish')!;
    await publish.kill();
    // A second source, added through the API: its stories queue up for publish while no publish worker runs.
    const api = `http://127.0.0.1:${rig.processes.get('api')!.port}`;
    const put = await fetch(`${api}/api/v1/sources/src-1`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Source 1', url: `${rig.feeds.url}/feed/1.rss`, interval: '1h', fullText: 'never' }),
    });
    expect(put.status).toBe(201);
    // A document's stories wait as batch jobs (queues/batch.ts): their members are counted.
    await until(
      'stories waiting for publish',
      async () => (await queuedEntries(rig.inspector.queues.publish, ['waiting'])).length >= PER_SOURCE / 2,
      180_000,
      250,
    );

    // The publish process holds every job it takes until it dies (fault injection), so the kill certainly lands
    // while it holds them: no race with a job that completes between two polls. Its concurrency exceeds the jobs
    // waiting, so the successor, having taken every waiting job, still has room for those that stall detection
    // hands back from the dead process.
    const hold = { SYNDICATE_FAULT_HOLD_JOBS: 'publish', SYNDICATE_CONCURRENCY_PUBLISH: String(4 * PER_SOURCE) };
    const holding = (wanted: (ids: string[]) => Promise<string[]>) =>
      until(
        'publish jobs held by the new process',
        async () => {
          const ids = await wanted(await activeIds('publish'));
          return ids.length ? ids : null;
        },
        180_000,
        100,
      );
    publish.start(hold);
    const first = await holding(async (ids) => ids);
    await publish.kill();
    const killedAt = Date.now();
    publish.start(hold);
    const again = await holding((ids) => retaken('publish', first, ids));
    const backAfterMs = Date.now() - killedAt;
    await publish.kill();
    publish.start();

    await until(
      'the twice-killed publish jobs to complete',
      async () => (await Promise.all(again.map((id) => rig.inspector.queues.publish.getJobState(id)))).every((s) => s === 'completed'),
      120_000,
      250,
    );
    await until(
      'every story of both sources published',
      async () => (await rig.inspector.storyCount()) >= 2 * PER_SOURCE && publishedOnce(rig.receiver.received).stories >= 2 * PER_SOURCE,
      120_000,
      250,
    );
    await expectSurvivedTwice('publish', again, backAfterMs);
    expect(await rig.inspector.storyCount()).toBe(2 * PER_SOURCE);
    expect(publishedOnce(rig.receiver.received).duplicates).toEqual([]);
  });
});
