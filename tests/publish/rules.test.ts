import type { Job } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import type { RulesTestResult } from '../../src/runtime/catalog-operations.js';
import { processPublishJob } from '../../src/publish/publish-processor.js';
import type { PublishJob } from '../../src/queues/pipeline.js';
import { runCli } from '../support/cli.js';
import { startAcceptingReceiver, waitFor, type LoopbackServer } from '../support/http.js';
import { startTestSystem } from '../support/system.js';
import { interviewItem } from './fixtures.js';

const ADMIN = { authorization: 'Bearer test-admin-token' };
const SECRET = `whsec_${Buffer.from('rules-test-secret'.padEnd(32, '.')).toString('base64')}`;
const story = (n: number, title: string, summary = 'An ordinary summary.', interviewee = 'Григорий Трофимчук') =>
  interviewItem(n, { title, summary, interview: { ...interviewItem(n).interview!, interviewee: { name: interviewee, role: 'expert' } } });

describe('rules on channels and subscriptions, through the running publish and deliver stages', () => {
  let system: Awaited<ReturnType<typeof startTestSystem>>;
  let app: FastifyInstance;
  let receiver: LoopbackServer;
  const publish = (data: PublishJob) => processPublishJob(system.ctx, { data } as Job<PublishJob>);
  const feedIds = async (channel: string) =>
    (JSON.parse((await app.inject({ method: 'GET', url: `/feeds/${channel}.json` })).body) as { items: Array<{ id: string }> }).items
      .map((item) => item.id.replace('urn:syndicate:story:', ''))
      .sort();
  const delivered = (subscription: string) =>
    receiver.requests
      .filter((r) => r.url === `/${subscription}`)
      .map((r) => (JSON.parse(r.body) as { data: { id: string } }).data.id)
      .sort();

  beforeAll(async () => {
    receiver = await startAcceptingReceiver();
    system = await startTestSystem(
      'rules',
      {
        limits: { retention: '3650d' },
        channels: [
          {
            id: 'energy',
            title: 'Energy',
            rules: { include: [{ field: ['title', 'summary'], any: ['oil*', 'gas'] }], exclude: [{ field: 'summary', any: ['sponsored'] }] },
          },
        ],
        subscriptions: [
          { id: 'partner', url: `${receiver.url}/partner`, secret: SECRET, rules: { include: [{ field: 'interviewee', any: ['Aliyev'] }] } },
          { id: 'everything', url: `${receiver.url}/everything`, secret: SECRET },
        ],
      },
      ['publish', 'deliver'],
    );
    app = await buildApp({ ctx: system.ctx, adminToken: 'test-admin-token' });
    await publish({ event: 'item.published', item: story(1, 'Oil prices rise') });
    await publish({ event: 'item.published', item: story(2, 'A gas deal', 'Sponsored content.') });
    await publish({ event: 'item.published', item: story(3, 'Football results') });
    await publish({ event: 'item.published', item: story(4, 'Oilfields of Baku', 'History.', 'Ilham Aliyev') });
  });

  afterAll(async () => {
    await app?.close();
    await system?.cleanup();
    await receiver?.close();
  }, 60_000);

  it("files only what a channel's rules keep, and delivers only what a subscription's rules keep", async () => {
    expect(await feedIds('energy')).toEqual(['story-1', 'story-4']);
    await waitFor('the deliveries', () => delivered('everything').length === 4 && delivered('partner').length > 0);
    // Each of the four fan-outs made every first attempt: by now the partner got all it will.
    expect(delivered('partner')).toEqual(['story-4']);
  });

  it('re-applies changed channel rules to the stored stories (backfill), and subscription rules from the change on', async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/channels/energy',
      headers: ADMIN,
      payload: {
        title: 'Energy',
        rules: {
          match: 'any',
          include: [
            { field: 'title', any: ['football'] },
            { field: 'title', all: ['oil*', 'baku'] },
          ],
        },
      },
    });
    expect(put.statusCode).toBe(200);
    await waitFor('the backfill', async () => (await feedIds('energy')).join() === 'story-3,story-4');

    const sub = await app.inject({
      method: 'PUT',
      url: '/api/v1/subscriptions/partner',
      headers: ADMIN,
      payload: { url: `${receiver.url}/partner`, secret: SECRET, rules: { exclude: [{ field: 'title', any: ['football'] }] } },
    });
    expect(sub.statusCode).toBe(200);
    await publish({ event: 'item.published', item: story(5, 'Football again') });
    await publish({ event: 'item.published', item: story(6, 'Caspian shipping') });
    await waitFor('the new deliveries', () => delivered('everything').length === 6);
    // From the change on: story 6 goes; stories 1–3, published under the old rules, are not sent after the fact.
    await waitFor('partner', () => delivered('partner').join() === 'story-4,story-6');
    expect(await feedIds('energy')).toEqual(['story-3', 'story-4', 'story-5']);
  });

  it('tells which stored stories a rule would keep, through the API and the CLI', async () => {
    const byChannel = await app.inject({ method: 'POST', url: '/api/v1/rules/test', headers: ADMIN, payload: { channel: 'energy' } });
    expect(byChannel.statusCode).toBe(200);
    const result = byChannel.json() as RulesTestResult;
    expect(result).toMatchObject({ considered: 6, kept: 3, dropped: 3 });
    expect(
      result.stories
        .filter((s) => s.kept)
        .map((s) => s.id)
        .sort(),
    ).toEqual(await feedIds('energy'));
    expect(result.stories.find((s) => s.id === 'story-6')).toMatchObject({ kept: false, because: 'no include rule matched' });

    const tried = await app.inject({
      method: 'POST',
      url: '/api/v1/rules/test',
      headers: ADMIN,
      payload: { rules: { include: [{ field: 'summary', any: ['sponsored'] }] }, limit: 5 },
    });
    expect(tried.json()).toMatchObject({
      considered: 5,
      kept: 1,
      stories: expect.arrayContaining([{ id: 'story-2', title: 'A gas deal', publishedAt: expect.any(String), kept: true }]),
    });
    const withFilter = (
      await app.inject({ method: 'POST', url: '/api/v1/rules/test', headers: ADMIN, payload: { filter: { kind: 'article' } } })
    ).json() as RulesTestResult;
    expect(withFilter).toMatchObject({ kept: 0, dropped: 6 });
    expect(withFilter.stories[0]!.because).toBe('the channel filter');

    for (const [payload, status] of [
      [{ rules: { include: [{ field: 'colour', any: ['red'] }] } }, 400],
      [{ channel: 'energy', rules: { include: [{ field: 'title', any: ['x'] }] } }, 400],
      [{}, 400],
      [{ channel: 'nope' }, 404],
    ] as const) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/rules/test', headers: ADMIN, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect((res.json() as { error: { code: string } }).error.code).toMatch(/^SYN_ERR_/);
    }

    process.env.REDIS_URL = system.env.redisUrl;
    process.env.SYNDICATE_REDIS_PREFIX = system.env.redisPrefix;
    try {
      const json = await runCli('rules', 'test', '--channel', 'energy', '--json');
      expect(json.code, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout)).toEqual(result);
      const human = await runCli('rules', 'test', '--rules', '{include: [{field: interviewee, any: [aliyev]}]}');
      expect(human.code, human.stderr).toBe(0);
      expect(human.stdout).toMatch(/^keep\s+story-4\s/m);
      expect(human.stdout).toMatch(/^drop\s+story-1\s.*include\[0\] did not match/m);
      expect(human.stdout).toContain('1 of 6 stored stories kept, 5 dropped');
      const bad = await runCli('rules', 'test', '--rules', '{include: [{field: nope, any: [x]}]}');
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('SYN_ERR_BAD_REQUEST');
    } finally {
      delete process.env.REDIS_URL;
      delete process.env.SYNDICATE_REDIS_PREFIX;
    }
  });
});
