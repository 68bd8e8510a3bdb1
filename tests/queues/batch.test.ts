import { afterAll, describe, expect, it } from 'vitest';
import { isBatch, runBatch } from '../../src/queues/batch.js';
import { listFailedJobs, replayFailedJob } from '../../src/queues/failed-jobs.js';
import type { NormalizeJob } from '../../src/queues/pipeline.js';
import { postpone } from '../../src/queues/postpone.js';
import { failsAtOnce } from '../../src/queues/stage-job.js';
import { waitFor } from '../support/http.js';
import { openNormalizeQueues } from '../support/queued.js';

/**
 * A batch job runs its members one by one; a member that fails, or must wait, goes on in a single-entry job of the
 * same queue under its own id, where the failed set and replay work per entry, while the other members go on.
 */
describe('batch jobs: one job per document, failure per entry', () => {
  const { queues, close } = openNormalizeQueues('batch', { entriesPerJob: 10 }, async (job) => {
    const data = job.data;
    if (isBatch(data)) return (await runBatch(ctx, 'normalize', { id: job.id, data, processedOn: job.processedOn }, processOne)).length;
    return processOne({ data, moveToDelayed: (ts, token) => job.moveToDelayed(ts, token) });
  });
  const warnings: object[] = [];
  const ctx = { queues, logger: { warn: (bindings: object) => void warnings.push(bindings) } };
  /** Entries processed, by title, in order; `broken` titles fail until mended, `waiting` ones postpone once. */
  const processed: string[] = [];
  const broken = new Set<string>(['bad']);
  const postponed = new Set<string>();

  const processOne = async (job: { data: NormalizeJob; moveToDelayed(ts: number, token?: string): Promise<void> }) => {
    const title = job.data.entry.title ?? '';
    if (broken.has(title)) throw failsAtOnce(`SYN_ERR_TEST: ${title} is broken`);
    if (title === 'late' && !postponed.has(title)) {
      postponed.add(title);
      await postpone(job, 'token', Date.now() + 200, Date.now());
    }
    processed.push(title);
    return title;
  };

  afterAll(close);

  const entry = (title: string): { job: NormalizeJob; entryDigest: string } => ({
    job: {
      sourceId: 'outlet',
      sourceHomepage: 'https://news.example/',
      entry: { guid: title, link: null, title } as NormalizeJob['entry'],
      fetchedAt: '2026-12-01T00:00:00.000Z',
    },
    entryDigest: `d-${title}`,
  });

  it('runs the other members, fails the broken one alone, and replays it alone', async () => {
    await queues.enqueueNormalizeBatch(['one', 'bad', 'two', 'late', 'three'].map(entry));
    await waitFor('the broken entry failed on its own', async () => (await listFailedJobs(queues.normalize, () => true)).length === 1);
    const [failed] = await listFailedJobs(queues.normalize, () => true);
    expect(failed!.id).toBe('outlet-d-bad');
    expect(failed!.name).toBe('normalize');
    expect(failed!.failedReason).toContain('SYN_ERR_TEST');
    expect(warnings).toEqual([expect.objectContaining({ stage: 'normalize', jobId: 'outlet-d-bad', err: 'SYN_ERR_TEST: bad is broken' })]);
    // The postponed one went on in a delayed job of its own, after the others.
    await waitFor('the late entry ran', () => processed.includes('late'));
    expect(processed).toEqual(['one', 'two', 'three', 'late']);
    expect(await queues.normalize.getJobState('outlet-d-late')).toBe('completed');

    // Mended, the failed entry is replayed under its id, and only it runs again.
    broken.clear();
    await replayFailedJob(queues.normalize, 'outlet-d-bad');
    await waitFor('the replayed entry ran', () => processed.includes('bad'));
    expect(processed).toEqual(['one', 'two', 'three', 'late', 'bad']);
  });

  it('fails the whole batch when Redis refuses writes for memory (the stage worker puts it back)', async () => {
    const full = Object.assign(new Error('OOM command not allowed when used memory > maxmemory.'), { name: 'ReplyError' });
    const job = { id: 'b', data: { members: [{ id: 'm1', data: entry('x').job }] } };
    await expect(
      runBatch(ctx, 'normalize', job, async () => {
        throw full;
      }),
    ).rejects.toBe(full);
    expect(await queues.normalize.getJobState('m1')).toBe('unknown');
  });
});
