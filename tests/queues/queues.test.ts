import { afterAll, describe, expect, it } from 'vitest';
import { isBatch } from '../../src/queues/batch.js';
import type { NormalizeJob } from '../../src/queues/pipeline.js';
import { waitFor } from '../support/http.js';
import { openNormalizeQueues } from '../support/queued.js';
import { slotTag } from '../../src/redis/keys.js';

/**
 * A story's jobs are not kept once completed (each holds an entry, item or event) beyond the newest few, yet an add
 * with the id of a finished one (a replay after a crash) is still dropped for `limits.jobIdWindow`.
 */
describe('queue facade: a story job is added once per id, without keeping the job', () => {
  const runs: string[] = [];
  const { prefix, redis, queues, limits, close } = openNormalizeQueues(
    'queues',
    { completedJobCap: 2, jobIdWindow: '2s', entriesPerJob: 2 },
    async (job) => void runs.push(...(isBatch(job.data) ? job.data.members.map((member) => member.data.sourceId) : [job.data.sourceId])),
  );

  afterAll(close);

  const entry = (n: number): NormalizeJob => ({
    sourceId: `s${n}`,
    sourceHomepage: 'https://news.example/',
    entry: { guid: `g${n}`, link: null, title: `Entry ${n}` } as NormalizeJob['entry'],
    fetchedAt: '2026-12-01T00:00:00.000Z',
  });

  it('keeps only the newest completed jobs, drops a repeated add within the window, takes it after', async () => {
    const single = (n: number) => queues.handOff('normalize', { id: `s${n}-digest-${n}`, data: entry(n) }, 0);
    for (const n of [1, 2, 3, 4]) await single(n);
    await waitFor('four jobs run', () => runs.length === 4);
    await waitFor('the newest two kept', async () => (await queues.normalize.getCompletedCount()) === 2);
    expect(await queues.normalize.getJobState('s1-digest-1')).toBe('unknown');

    // The first entry handed down again (its job long gone): dropped, its id is still taken.
    await single(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(runs).toEqual(['s1', 's2', 's3', 's4']);
    const ttl = await redis.pttl(`${slotTag(prefix, 'normalize')}:normalize:de:s1-digest-1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2000);

    // Past the window the same id is a new job.
    await new Promise((resolve) => setTimeout(resolve, ttl + 50));
    await single(1);
    await waitFor('the entry run again', () => runs.length === 5);
  });

  it('adds a batch of a document once, and keeps about as many completed entries as single jobs would', async () => {
    runs.length = 0;
    const batch = (from: number) => [0, 1].map((i) => ({ job: entry(from + i), entryDigest: `digest-${from + i}` }));
    await queues.enqueueNormalizeBatch(batch(10));
    await queues.enqueueNormalizeBatch(batch(10));
    await queues.enqueueNormalizeBatch(batch(12));
    await waitFor('both batches run', () => runs.length === 4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(runs).toEqual(['s10', 's11', 's12', 's13']);
    // completedJobCap 2, two entries per job: one batch job kept.
    expect(limits.entriesPerJob).toBe(2);
    await waitFor('one batch kept', async () => (await queues.normalize.getCompleted()).filter((job) => isBatch(job.data)).length === 1);
  });
});
