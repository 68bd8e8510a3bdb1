import type { Job } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { backfillChannel, definitionDigest } from '../../src/publish/backfill.js';
import { topicUrl } from '../../src/publish/channel-feed.js';
import { processPublishJob } from '../../src/publish/publish-processor.js';
import { WebSubStore } from '../../src/publish/websub-store.js';
import type { PublishJob } from '../../src/queues/pipeline.js';
import { waitFor } from '../support/http.js';
import { testEnv } from '../support/redis.js';
import { startTestSystem } from '../support/system.js';
import { articleItem, interviewItem } from './fixtures.js';

// The fixtures are dated 2025, and stored now: within the default 30-day retention, which counts from when a story
// was first stored (as the retention sweep does), not from its publication time.
const LIMITS = {};
const ADMIN = { authorization: 'Bearer test-admin-token' };
const ruInterview = (n: number) => interviewItem(n, { language: 'ru' });

describe('channel backfill: a new or changed channel shows the stories already stored', () => {
  let system: Awaited<ReturnType<typeof startTestSystem>>;
  let app: FastifyInstance;
  const publish = (data: PublishJob) => processPublishJob(system.ctx, { data } as Job<PublishJob>);
  const putChannel = (id: string, body: Record<string, unknown>) =>
    app.inject({ method: 'PUT', url: `/api/v1/channels/${id}`, headers: ADMIN, payload: { id, ...body } });
  const feedIds = async (url: string) => {
    const res = await app.inject({ method: 'GET', url });
    return res.statusCode === 200 ? (JSON.parse(res.body) as { items: Array<{ id: string }> }).items.map((i) => i.id) : null;
  };
  /** The channel's stories in arrival-log order (archive order: the first is archive page 1's oldest). */
  const logOrder = (channelId: string) => system.ctx.redis.zrange(system.ctx.keys.channelLog(channelId), '0', '-1');

  beforeAll(async () => {
    // Only the publish role: backfill jobs run; WebSub pushes stay queued where the test can count them.
    system = await startTestSystem('backfill', { limits: LIMITS }, ['publish']);
    app = await buildApp({ ctx: system.ctx, adminToken: 'test-admin-token' });
    // Published out of order (interview 3 before 2): the backfill must still file them by publication time.
    for (const item of [interviewItem(1), ruInterview(3), articleItem(1), ruInterview(2), articleItem(2)]) await publish({ event: 'item.published', item });
  });

  afterAll(async () => {
    await app?.close();
    await system?.cleanup();
  });

  it('files exactly the matching stored stories in a channel created through the API, oldest first', async () => {
    const topic = topicUrl(system.ctx.env.publicUrl, 'ru-interviews', 'atom');
    await new WebSubStore(system.ctx.redis, system.ctx.keys).save(
      {
        topic,
        callback: 'http://127.0.0.1:9/cb',
        secret: null,
        leaseSeconds: 3600,
        expiresAt: Date.now() + 3_600_000,
      },
      system.ctx.config.websub.hub,
    );

    const put = await putChannel('ru-interviews', { title: 'Интервью', filter: { kind: 'interview', language: 'ru' }, pageSize: 1 });
    expect(put.statusCode).toBe(201);
    await waitFor('the backfill', async () => ((await logOrder('ru-interviews')).length === 2 ? true : null), 5_000);
    expect(await logOrder('ru-interviews')).toEqual(['story-2', 'story-3']);
    expect(await feedIds('/feeds/ru-interviews.json')).toEqual([expect.stringContaining('story-3')]);
    expect(await feedIds('/feeds/ru-interviews/archive/1.json')).toEqual([expect.stringContaining('story-2')]);

    // One WebSub push for the whole backfill (not one per story).
    const pushes = async () =>
      (await system.ctx.queues.websub.getJobs(['waiting', 'delayed', 'prioritized'])).filter((j) => j.data.kind === 'push' && j.data.topic === topic);
    expect(await pushes()).toHaveLength(1);

    // The same definition again: nothing queued, version and pushes unchanged.
    const { version } = await system.ctx.items.channelState('ru-interviews');
    expect((await putChannel('ru-interviews', { title: 'Интервью', filter: { kind: 'interview', language: 'ru' }, pageSize: 1 })).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await system.ctx.items.channelState('ru-interviews')).version).toBe(version);
    expect(await pushes()).toHaveLength(1);

    // Running it again (even with the recorded digest forgotten) changes nothing.
    expect(await backfillChannel(system.ctx, 'ru-interviews')).toMatchObject({ skipped: 'unchanged' });
    await system.ctx.items.forgetDigest('ru-interviews');
    expect(await backfillChannel(system.ctx, 'ru-interviews')).toEqual({ channelId: 'ru-interviews', added: 0, removed: 0 });
    expect((await system.ctx.items.channelState('ru-interviews')).version).toBe(version);
    expect(await logOrder('ru-interviews')).toEqual(['story-2', 'story-3']);
  });

  it('follows a changed filter: adds the newly matching stories and removes the ones it no longer matches', async () => {
    const { version } = await system.ctx.items.channelState('ru-interviews');
    expect((await putChannel('ru-interviews', { title: 'По-русски', filter: { language: 'ru' }, pageSize: 1 })).statusCode).toBe(200);
    await waitFor('the backfill', async () => ((await logOrder('ru-interviews')).length === 4 ? true : null), 5_000);
    // Renumbered by publication time: interviews (10 June) before articles (11 June).
    expect(await logOrder('ru-interviews')).toEqual(['story-2', 'story-3', 'article-1', 'article-2']);
    expect((await system.ctx.items.channelState('ru-interviews')).version).toBe(version + 1);

    expect((await putChannel('ru-interviews', { title: 'Статьи', filter: { kind: 'article' }, pageSize: 10 })).statusCode).toBe(200);
    await waitFor('the removal', async () => ((await logOrder('ru-interviews')).length === 2 ? true : null), 5_000);
    expect(await logOrder('ru-interviews')).toEqual(['article-1', 'article-2']);
    const ids = await feedIds('/feeds/ru-interviews.json');
    expect(ids).toHaveLength(2);
    expect(ids!.join(' ')).not.toContain('story-');
  });

  it('files nothing from a publish that read the definition before the channel was redefined', async () => {
    expect((await putChannel('late', { title: 'Late', filter: { kind: 'interview' } })).statusCode).toBe(201);
    const [read] = (await system.ctx.catalog.listStored('channels')).filter((c) => c.entry.id === 'late');
    await waitFor('the first backfill', async () => (await system.ctx.items.filedDigest('late')) === definitionDigest(read!.json), 5_000);
    // A publisher read the interviews-only definition and matched interview 7; before it files the story, the
    // channel becomes articles-only. Its filing, made with the old reading, must not land.
    expect((await putChannel('late', { title: 'Late', filter: { kind: 'article' } })).statusCode).toBe(200);
    expect(await system.ctx.items.addToChannel('late', interviewItem(7), Date.now(), definitionDigest(read!.json))).toBe(false);
    expect(await system.ctx.items.channelMembers('late')).not.toContain('story-7');
    // The same call with the definition as it now stands files the story: the check is what refused it.
    const [now] = (await system.ctx.catalog.listStored('channels')).filter((c) => c.entry.id === 'late');
    expect(await system.ctx.items.addToChannel('late', interviewItem(7), Date.now(), definitionDigest(now!.json))).toBe(true);
    expect(await system.ctx.items.channelMembers('late')).toContain('story-7');
  });

  it('neither loses nor duplicates a story published while the backfill runs', async () => {
    const put = putChannel('azeri', { title: 'Azərbaycanca', filter: { language: 'az' } });
    // Published at the same time as the PUT and its backfill job: whichever files it first, it is there once.
    await Promise.all([put, publish({ event: 'item.published', item: interviewItem(7) }), publish({ event: 'item.published', item: interviewItem(8) })]);
    await waitFor('the backfill', async () => ((await system.ctx.items.filedDigest('azeri')) ? true : null), 5_000);
    await backfillChannel(system.ctx, 'azeri');
    expect(await logOrder('azeri')).toEqual(expect.arrayContaining(['story-1', 'story-7', 'story-8']));
    expect(await logOrder('azeri')).toHaveLength(3);
    expect(await system.ctx.redis.zcard(system.ctx.keys.channelItems('azeri'))).toBe(3);
  });
});

describe('channel backfill at start: a config channel whose definition changed while nothing ran', () => {
  it('is backfilled when the process starts again with the new filter, and left alone when unchanged', async () => {
    const env = testEnv('backfill-restart');
    const channels = (filter: Record<string, unknown>) => [{ id: 'picked', title: 'Picked', filter }];
    const first = await startTestSystem('backfill-restart', { limits: LIMITS, channels: channels({ kind: 'interview' }) }, ['publish'], env);
    for (const item of [interviewItem(1), articleItem(1), articleItem(2)])
      await processPublishJob(first.ctx, { data: { event: 'item.published', item } } as Job<PublishJob>);
    await waitFor('the first filing', async () => ((await first.ctx.items.filedDigest('picked')) ? true : null), 5_000);
    expect(await first.ctx.redis.zrange(first.ctx.keys.channelLog('picked'), '0', '-1')).toEqual(['story-1']);
    await first.stop('restart');

    const second = await startTestSystem('backfill-restart', { limits: LIMITS, channels: channels({ kind: 'article' }) }, ['publish'], env);
    try {
      const log = await waitFor(
        'the backfill',
        async () => {
          const ids = await second.ctx.redis.zrange(second.ctx.keys.channelLog('picked'), '0', '-1');
          return ids.length === 2 && ids[0] === 'article-1' ? ids : null;
        },
        5_000,
      );
      expect(log).toEqual(['article-1', 'article-2']);
      const { version } = await second.ctx.items.channelState('picked');
      await second.stop('restart');

      const third = await startTestSystem('backfill-restart', { limits: LIMITS, channels: channels({ kind: 'article' }) }, ['publish'], env);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await third.ctx.items.channelState('picked')).version).toBe(version);
      expect(await third.ctx.queues.publish.getJobCounts('waiting', 'active')).toEqual({ waiting: 0, active: 0 });
      await third.cleanup();
    } finally {
      await second.cleanup();
    }
    // Three process starts, each warming its sandbox threads: 17 s alone at load 15, over the 20 s default.
  }, 60_000);
});
