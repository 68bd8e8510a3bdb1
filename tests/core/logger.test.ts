import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { createLogger, REDACTED, withJobContext } from '../../src/core/logger.js';
import { startServer, waitFor, type LoopbackServer } from '../support/http.js';
import { startTestSystem } from '../support/system.js';

/** A logger writing into memory, and the lines written so far. */
function capture(options: Parameters<typeof createLogger>[1] = {}) {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(String(chunk)));
  const logger = createLogger('debug', { ...options, destination: stream });
  return {
    logger,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const TOKEN = 'admin-token-5f1c9e7a';

describe('logs: JSON for machines, readable on a terminal, never a secret', () => {
  it('redacts secrets by field, by shape and by value, in messages and errors too', () => {
    const { logger, text, lines } = capture({ secrets: [TOKEN] });
    logger.info({ subscription: { id: 'a', url: 'http://x/', secret: SECRET }, secrets: [SECRET] }, 'subscription saved');
    logger.info({ req: { headers: { authorization: `Bearer ${TOKEN}` } } }, 'request');
    logger.warn({ headers: { authorization: 'Basic dXNlcjpwYXNz' } }, `token ${TOKEN} was tried`);
    logger.error({ err: new Error(`signing with ${SECRET} failed`) }, 'failed');
    logger.info({ adminToken: TOKEN, note: `secret is ${SECRET}` }, 'config');
    const all = text();
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain('dXNlcjpwYXNz');
    const [saved, request, tried, failed, config] = lines() as [
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    expect((saved.subscription as Record<string, unknown>).secret).toBe(REDACTED);
    expect((saved.subscription as Record<string, unknown>).url).toBe('http://x/');
    expect((request.req as { headers: Record<string, unknown> }).headers.authorization).toBe(REDACTED);
    expect(tried.msg).toBe(`token ${REDACTED} was tried`);
    expect((failed.err as { message: string }).message).toBe(`signing with whsec_${REDACTED} failed`);
    expect(config.adminToken).toBe(REDACTED);
    expect(config.note).toBe(`secret is whsec_${REDACTED}`);
  });

  it('writes readable lines instead of JSON when asked to (what a terminal gets)', () => {
    const { logger, text } = capture({ pretty: true, secrets: [TOKEN] });
    logger.info({ sourceId: 'news-az', token: TOKEN }, 'fetched source');
    const line = text();
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: fetched source/);
    expect(() => JSON.parse(line)).toThrow();
    expect(line).toContain('sourceId: "news-az"');
    expect(line).not.toContain(TOKEN);
  });

  it('a real process whose stdout is a pipe (a container) writes JSON lines', async () => {
    const script = "import('./src/core/logger.ts').then(({createLogger})=>createLogger('info').info('hello'))";
    const run = (env: NodeJS.ProcessEnv) =>
      new Promise<string>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += String(d)));
        child.on('close', () => resolve(out));
      });
    const piped = await run({});
    expect(JSON.parse(piped.trim())).toMatchObject({ level: 30, msg: 'hello', service: 'syndicate' });
  });

  it('a job context puts stage, job, source and story ids on every line written during the job', () => {
    const { logger, lines } = capture();
    withJobContext({ stage: 'publish', jobId: '42', sourceId: 'news-az', storyId: 's1' }, () => logger.info('published'));
    logger.info('outside');
    const [inside, outside] = lines() as [
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    expect(inside).toMatchObject({ stage: 'publish', jobId: '42', sourceId: 'news-az', storyId: 's1', msg: 'published' });
    expect(outside.jobId).toBeUndefined();
  });

  describe('in the running pipeline', () => {
    let feeds: LoopbackServer;
    let system: Awaited<ReturnType<typeof startTestSystem>> | undefined;
    afterAll(async () => {
      await system?.cleanup();
      await feeds?.close();
    });

    it("each stage's lines carry the job's ids, and a subscription's secret never shows, even when the API logs the request", async () => {
      const sample = (await import('node:fs')).readFileSync(new URL('../../config/samples/news-az-interview.rss', import.meta.url), 'utf8');
      feeds = await startServer((_req, res) => void res.end(sample));
      const { logger, text, lines } = capture({ secrets: ['test-admin-token'] });
      const { startSystem } = await import('../../src/runtime/start.js');
      const { ROLES } = await import('../../workers/index.js');
      const { parseConfig } = await import('../../src/config/load-config.js');
      const { testEnv, deleteKeys } = await import('../support/redis.js');
      const env = testEnv('logs');
      const config = parseConfig({
        network: { allowHosts: ['127.0.0.1'] },
        sources: [{ id: 'news-az', name: 'News.Az', url: `${feeds.url}/rss`, interval: '1h' }],
        channels: [{ id: 'all', title: 'All' }],
      });
      const running = await startSystem(
        env,
        config,
        (['scheduler', 'fetch', 'normalize', 'dedup', 'publish'] as const).map((r) => ROLES[r]),
        logger,
      );
      system = {
        ...running,
        env,
        cleanup: async () => {
          await running.stop('test');
          await deleteKeys(env.redisPrefix);
        },
      };
      const published = await waitFor('the published line', () => lines().find((l) => l.msg === 'published'), 15_000);
      expect(published).toMatchObject({ stage: 'publish', sourceId: 'news-az' });
      expect(published.jobId).toBeTruthy();
      expect(published.storyId).toBeTruthy();
      const fetched = lines().find((l) => l.msg === 'fetched source');
      expect(fetched).toMatchObject({ stage: 'fetch', sourceId: 'news-az' });

      const app = await buildApp({ ctx: running.ctx, adminToken: 'test-admin-token', logger });
      const put = await app.inject({
        method: 'PUT',
        url: '/api/v1/subscriptions/partner',
        headers: { authorization: 'Bearer test-admin-token' },
        payload: { url: 'http://127.0.0.1:9/hooks', secret: SECRET },
      });
      expect(put.statusCode).toBeLessThan(300);
      await app.close();
      expect(text()).toContain('request completed');
      expect(text()).not.toContain(SECRET);
      expect(text()).not.toContain('test-admin-token');
    }, 30_000);
  });
});
