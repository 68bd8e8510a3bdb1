import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishJob } from '../../src/queues/pipeline.js';
import { openTestApp, TEST_ADMIN_TOKEN } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { waitFor } from '../support/http.js';
import { slotTag } from '../../src/redis/keys.js';

/**
 * `syndicate jobs failed|replay <queue>` and `replay --queue`: a publish job that exhausted its attempts is listed
 * and put back to run, through Redis (same machine) and through the admin API (`--url`).
 */
describe('syndicate jobs (CLI): failed jobs of a stage', () => {
  const saved = { ...process.env };
  let system: Awaited<ReturnType<typeof openTestApp>>;
  let apiUrl: string;

  beforeAll(async () => {
    system = await openTestApp('cli-jobs', {});
    apiUrl = await system.app.listen({ port: 0, host: '127.0.0.1' });
    const configPath = join(mkdtempSync(join(tmpdir(), 'syndicate-jobs-')), 'syndication.yaml');
    writeFileSync(configPath, '{}\n');
    Object.assign(process.env, { REDIS_URL: system.ctx.env.redisUrl, SYNDICATE_REDIS_PREFIX: system.ctx.env.redisPrefix, SYNDICATE_CONFIG: configPath });
  });

  afterAll(async () => {
    process.env = saved;
    await system?.close();
  });

  /** Publish jobs that fail at once (one attempt, a processor that throws), as a story that cannot be stored. */
  async function failPublishJobs(n: number): Promise<string[]> {
    const { ctx } = system;
    const ids = await Promise.all(
      Array.from({ length: n }, (_, i) => ctx.queues.publish.add('publish', { story: i } as unknown as PublishJob, { attempts: 1 }).then((j) => j.id!)),
    );
    const worker = new Worker('publish', async () => Promise.reject(new Error('the item store refused it')), {
      connection: ctx.workerRedis,
      prefix: slotTag(ctx.env.redisPrefix, 'publish'),
    });
    await waitFor('the jobs to fail', async () => (await Promise.all(ids.map((id) => ctx.queues.publish.getJobState(id)))).every((s) => s === 'failed'));
    await worker.close();
    return ids;
  }

  it('lists them (text and JSON), replays one by id and a range, through Redis and through the API', async () => {
    const before = new Date().toISOString();
    const [first, second, third] = await failPublishJobs(3);

    const text = await runCli('jobs', 'failed', 'publish');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^JOB\s+FAILED AT\s+ATTEMPTS\s+WHAT\s+REASON/);
    for (const id of [first, second, third]) expect(text.stdout).toContain(id);
    expect(text.stdout).toContain('the item store refused it');

    const listed = JSON.parse((await runCli('jobs', 'failed', 'publish', '--json')).stdout) as {
      jobs: Array<{ jobId: string; queue: string; attemptsMade: number }>;
    };
    expect(listed.jobs.map((j) => j.jobId).sort()).toEqual([first, second, third].sort());
    expect(listed.jobs.every((j) => j.queue === 'publish' && j.attemptsMade === 1)).toBe(true);
    const viaApi = JSON.parse((await runCli('jobs', 'failed', 'publish', '--json', '--url', apiUrl, '--token', TEST_ADMIN_TOKEN)).stdout) as typeof listed;
    expect(viaApi.jobs.map((j) => j.jobId).sort()).toEqual([first, second, third].sort());

    const state = (id: string) => system.ctx.queues.publish.getJobState(id);
    expect((await runCli('jobs', 'replay', 'publish', '--job', first!)).code).toBe(0);
    expect(await state(first!)).toBe('waiting');
    expect(await state(second!)).toBe('failed');

    const replayedViaApi = await runCli('replay', '--queue', 'publish', '--job', second!, '--url', apiUrl, '--token', TEST_ADMIN_TOKEN);
    expect(replayedViaApi.code).toBe(0);
    expect((JSON.parse(replayedViaApi.stdout) as { replayed: Array<{ jobId: string }> }).replayed.map((j) => j.jobId)).toEqual([second]);
    expect(await state(second!)).toBe('waiting');

    const range = JSON.parse((await runCli('jobs', 'replay', 'publish', '--from', before, '--to', new Date().toISOString(), '--json')).stdout) as {
      replayed: Array<{ jobId: string }>;
    };
    expect(range.replayed.map((j) => j.jobId)).toEqual([third]);
    expect(await state(third!)).toBe('waiting');
    expect(JSON.parse((await runCli('jobs', 'failed', 'publish', '--json')).stdout)).toEqual({ jobs: [] });
  });

  it('misuse and mistakes: one line each, usage errors exit 2, refused requests exit 1', async () => {
    const unknownQueue = await runCli('jobs', 'failed', 'fetch');
    expect(unknownQueue.code).toBe(1);
    expect(unknownQueue.stderr).toMatch(/^syndicate: SYN_ERR_BAD_REQUEST: unknown queue fetch/);
    const noRange = await runCli('jobs', 'replay', 'dedup');
    expect(noRange.code).toBe(1);
    expect(noRange.stderr).toMatch(/^syndicate: SYN_ERR_BAD_REQUEST: replay needs --job id, or --from and --to/);
    const notFailed = await runCli('jobs', 'replay', 'normalize', '--job', 'no-such-job');
    expect(notFailed.code).toBe(1);
    expect(notFailed.stderr).toMatch(/^syndicate: SYN_ERR_NOT_FOUND: /);
    const missingQueue = await runCli('jobs', 'failed');
    expect(missingQueue.code).toBe(2);
    expect(missingQueue.stderr).toMatch(/missing required argument 'queue'/);
    expect(missingQueue.stderr).not.toMatch(/\n[ \t]+at /);
    const badQueueOption = await runCli('replay', '--queue', 'fetch', '--job', 'x');
    expect(badQueueOption.code).toBe(2);
  });
});
