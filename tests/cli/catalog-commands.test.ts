import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createContext, type AppContext } from '../../src/runtime/context.js';
import { runCli } from '../support/cli.js';
import { startServer, type LoopbackServer } from '../support/http.js';
import { deleteKeys, testEnv } from '../support/redis.js';

const readerOpml = readFileSync(new URL('../fixtures/opml/reader-export.opml', import.meta.url), 'utf8');

const run = runCli;

const json = async (...argv: string[]) => {
  const result = await run(...argv, '--json');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
};

// Each test runs the CLI as several child processes: on a loaded 2-core machine one takes seconds to start.
describe('syndicate CLI: catalog commands, OPML, misuse', { timeout: 60_000 }, () => {
  const env = testEnv('cli');
  const saved = { ...process.env };
  let ctx: AppContext;

  beforeAll(() => {
    // The CLI reads the same environment as the running system: here, the test's Redis prefix.
    process.env.REDIS_URL = env.redisUrl;
    process.env.SYNDICATE_REDIS_PREFIX = env.redisPrefix;
    // Its config file exempts loopback from the private-address guard, as a test or demo config does.
    const configPath = join(mkdtempSync(join(tmpdir(), 'syndicate-cli-')), 'syndication.yaml');
    writeFileSync(configPath, 'network:\n  allowHosts: [127.0.0.1]\n');
    process.env.SYNDICATE_CONFIG = configPath;
    ctx = createContext(env, parseConfig({ network: { allowHosts: ['127.0.0.1'] } }), pino({ level: 'silent' }));
  });

  afterAll(async () => {
    process.env = saved;
    await ctx.queues.close();
    ctx.redis.disconnect();
    ctx.workerRedis.disconnect();
    await deleteKeys(env.redisPrefix);
  });

  it('--help lists every command, and each command has its own --help', async () => {
    const { code, stdout } = await run('--help');
    expect(code).toBe(0);
    for (const command of ['start', 'normalize', 'replay', 'jobs', 'sources', 'channels', 'subscriptions', 'import-opml', 'export-opml'])
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    const sources = await run('sources', '--help');
    for (const sub of ['list', 'add', 'remove', 'status', 'fetch-now']) expect(sources.stdout).toMatch(new RegExp(`^  ${sub}\\b`, 'm'));
    const add = await run('subscriptions', 'add', '--help');
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('--secret <whsec>');
    expect(add.stdout).toContain('--json');
    expect((await run('channels', '--help')).stdout).toMatch(/^ {2}remove\b/m);
  });

  it('every misuse prints one error line and the usage, never a stack trace', async () => {
    for (const argv of [
      ['normalize', '--bogus', 'x'],
      ['bogus'],
      ['sources', 'add', 'only-id'],
      ['sources', 'frobnicate'],
      ['subscriptions', 'add', 'a', 'http://x/'],
      ['start', '--roles'],
      ['channels', 'add', 'x', '--kind', 'poem', '--title', 't'],
    ]) {
      const { code, stdout, stderr } = await run(...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(stdout).toBe('');
      const lines = stderr.split('\n');
      expect(lines[0], argv.join(' ')).toMatch(/^syndicate: \S/);
      expect(stderr).toContain('Usage: syndicate');
      expect(stderr).not.toMatch(/^[ \t]+at /m);
    }
    // A command that runs but fails says why in one line, with the error code.
    const missing = await run('sources', 'remove', 'no-such-source');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('syndicate: SYN_ERR_NOT_FOUND: no source no-such-source\n');
    const invalid = await run('sources', 'add', 'Bad_Id', 'http://127.0.0.1:9/rss');
    expect(invalid.stderr).toMatch(/^syndicate: SYN_ERR_BAD_REQUEST: invalid body: id: .*\n$/);
  });

  it('sources add, list, status, fetch-now and remove through Redis, human and --json', async () => {
    const added = await run('sources', 'add', 'news-az', 'http://127.0.0.1:9/rss', '--name', 'News.Az', '--interval', '10m');
    expect(added).toEqual({ code: 0, stdout: 'added source news-az (http://127.0.0.1:9/rss)\n', stderr: '' });
    expect((await ctx.catalog.get('sources', 'news-az'))?.interval).toBe(600_000);
    await ctx.sourceStatus.recordError('news-az', {
      at: '2026-11-30T10:00:00.000Z',
      httpStatus: null,
      code: 'SYN_ERR_FETCH_TIMEOUT',
      message: 'slow',
      consecutiveErrors: 1,
    });
    const listed = await run('sources', 'list');
    expect(listed.stdout.split('\n')[0]).toMatch(/^ID\s+HEALTH\s+LAST FETCH\s+NEXT POLL\s+ERROR\s+URL$/);
    // The next poll is the first fetch that adding the source planned (no fetch worker runs here).
    expect(listed.stdout).toMatch(
      /^news-az\s+failing\s+2026-11-30T10:00:00Z\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+SYN_ERR_FETCH_TIMEOUT\s+http:\/\/127\.0\.0\.1:9\/rss$/m,
    );
    const { sources } = await json('sources', 'list');
    expect(sources).toHaveLength(1);
    expect(sources[0]).toMatchObject({
      id: 'news-az',
      name: 'News.Az',
      status: { errorCode: 'SYN_ERR_FETCH_TIMEOUT', consecutiveErrors: 1, httpStatus: null, totals: { errors: 1 } },
    });
    const status = await run('sources', 'status', 'news-az');
    expect(status.stdout).toMatch(/^health\s+failing$/m);
    expect(status.stdout).toMatch(/^errorMessage\s+slow$/m);
    // Typed fields print as values, groups flattened; what has not happened (null) is left out.
    expect(status.stdout).toMatch(/^consecutiveErrors\s+1$/m);
    expect(status.stdout).toMatch(/^totals\.errors\s+1$/m);
    expect(status.stdout).not.toMatch(/^lastSuccessAt|null|\[object/m);
    const { queued } = await json('sources', 'fetch-now', 'news-az');
    expect(await ctx.queues.fetch.getJob(queued)).toBeTruthy();
    expect((await run('sources', 'remove', 'news-az')).stdout).toBe('removed source news-az\n');
    expect(await ctx.catalog.get('sources', 'news-az')).toBeNull();
  });

  it('channels and subscriptions: add, list, remove, enable; secrets never printed', async () => {
    expect((await run('channels', 'add', 'interviews', '--title', 'Interviews', '--kind', 'interview', '--sources', 'a,b')).stdout).toBe(
      'added channel interviews\n',
    );
    expect(await ctx.catalog.get('channels', 'interviews')).toMatchObject({ title: 'Interviews', filter: { kind: 'interview', sources: ['a', 'b'] } });
    expect((await run('channels', 'list')).stdout).toMatch(/^interviews\s+Interviews\s+\{"kind":"interview","sources":\["a","b"\]\}$/m);
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const sub = await run('subscriptions', 'add', 'partner', 'http://127.0.0.1:9/hooks', '--secret', secret, '--channels', 'interviews', '--disabled');
    expect(sub.stdout).toBe('added subscription partner (http://127.0.0.1:9/hooks)\n');
    const listed = await run('subscriptions', 'list');
    expect(listed.stdout).toMatch(/^partner\s+disabled\s+interviews\s+all\s+http:\/\/127\.0\.0\.1:9\/hooks$/m);
    expect(JSON.stringify(await json('subscriptions', 'list'))).not.toContain(secret);
    expect((await run('subscriptions', 'enable', 'partner')).stdout).toBe('enabled subscription partner\n');
    expect((await ctx.catalog.get('subscriptions', 'partner'))?.enabled).toBe(true);
    expect((await run('subscriptions', 'remove', 'partner')).code).toBe(0);
    expect((await run('channels', 'remove', 'interviews')).code).toBe(0);
    expect(await ctx.catalog.list('channels')).toEqual([]);
  });

  describe('through the API (--url, --token)', () => {
    let app: FastifyInstance;
    let url = '';
    beforeAll(async () => {
      app = await buildApp({ ctx, adminToken: 'cli-token-123' });
      await app.listen({ host: '127.0.0.1', port: 0 });
      url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    });
    afterAll(async () => app?.close());

    it('does the same as through Redis, and needs the token', async () => {
      expect((await run('sources', 'add', 'apa', 'http://127.0.0.1:9/apa', '--url', url, '--token', 'cli-token-123')).stdout).toBe(
        'added source apa (http://127.0.0.1:9/apa)\n',
      );
      const { sources } = await json('sources', 'list', '--url', url, '--token', 'cli-token-123');
      expect(sources.map((s: { id: string }) => s.id)).toEqual(['apa']);
      const { queued } = await json('sources', 'fetch-now', 'apa', '--url', url, '--token', 'cli-token-123');
      expect(queued).toMatch(/^manual-apa-/);
      const refused = await run('sources', 'list', '--url', url, '--token', 'wrong');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^syndicate: SYN_ERR_UNAUTHORIZED: .*\n$/);
      expect((await run('sources', 'remove', 'apa', '--url', url, '--token', 'cli-token-123')).code).toBe(0);
    });
  });

  describe('OPML', () => {
    let opmlServer: LoopbackServer;
    beforeAll(async () => {
      opmlServer = await startServer((_req, res) => {
        res.setHeader('content-type', 'text/x-opml; charset=utf-8');
        res.end(readerOpml);
      });
    });
    afterAll(async () => {
      await opmlServer?.close();
      for (const source of await ctx.catalog.list('sources')) await ctx.catalog.remove('sources', source.id);
    });

    it("imports a feed reader's export with nested folders, drawing a progress bar", async () => {
      const { code, stdout, stderr } = await run('import-opml', `${opmlServer.url}/subscriptions.opml`, '--progress', '--interval', '15m');
      expect(code).toBe(0);
      expect(stdout).toBe('imported 22 feeds: 22 added, 0 replaced, 0 failed\n');
      // The bar is redrawn in place, ending full.
      expect(stderr).toContain('\r[');
      expect(stderr).toMatch(/\[#{30}\] 22\/22 eurasianet/);
      const sources = await ctx.catalog.list('sources');
      expect(sources).toHaveLength(22);
      const byUrl = new Map(sources.map((s) => [s.url, s]));
      // Two levels deep, a Cyrillic title, a duplicate title, a feed without a title.
      expect(byUrl.get('http://127.0.0.1:9/hetq/rss')).toMatchObject({ id: 'hetq', name: 'Hetq', interval: 900_000 });
      expect(byUrl.get('http://127.0.0.1:9/news-az/rss')).toMatchObject({ id: 'news-az', homepage: 'https://news.az/' });
      expect(byUrl.get('http://127.0.0.1:9/kommersant/rss')).toMatchObject({ name: 'Коммерсантъ', id: '127-0-0-1-9-kommersant-rss' });
      expect(byUrl.get('http://127.0.0.1:9/ria/interviews.rss')?.id).toBe('interviews');
      expect(byUrl.get('http://127.0.0.1:9/kun/interviews.rss')?.id).toBe('interviews-2');
      expect(byUrl.get('http://127.0.0.1:9/untitled/feed.xml')?.name).toBe('127.0.0.1');
      // Importing again changes nothing: every feed is known by its URL.
      const again = await run('import-opml', `${opmlServer.url}/subscriptions.opml`);
      expect(again.stdout).toBe('imported 22 feeds: 0 added, 22 replaced, 0 failed\n');
      expect(again.stderr).toBe('');
      expect(await ctx.catalog.list('sources')).toEqual(sources);
    });

    it('exports OPML that imports back unchanged', async () => {
      const exported = await run('export-opml');
      expect(exported.code).toBe(0);
      expect(exported.stdout).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<opml version="2\.0"/);
      const before = await ctx.catalog.list('sources');
      for (const source of before) await ctx.catalog.remove('sources', source.id);
      const file = `${process.env.TMPDIR ?? '/tmp'}/syndicate-export-${process.pid}.opml`;
      (await import('node:fs')).writeFileSync(file, exported.stdout);
      const imported = await json('import-opml', file);
      expect(imported.sources.every((s: { outcome: string }) => s.outcome === 'added')).toBe(true);
      expect(await ctx.catalog.list('sources')).toEqual(before);
      expect((await run('export-opml')).stdout).toBe(exported.stdout);
    });

    it('fetches an OPML URL through the private-address guard of the configuration', async () => {
      const configPath = process.env.SYNDICATE_CONFIG;
      // The same loopback server, under a configuration that does not exempt loopback.
      process.env.SYNDICATE_CONFIG = join(mkdtempSync(join(tmpdir(), 'syndicate-cli-strict-')), 'syndication.yaml');
      writeFileSync(process.env.SYNDICATE_CONFIG, 'sources: []\n');
      const asked = opmlServer.requests.length;
      try {
        const refused = await run('import-opml', `${opmlServer.url}/subscriptions.opml`);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(/^syndicate: SYN_ERR_FETCH_BLOCKED_ADDRESS: .*127\.0\.0\.1 is a private address/);
        expect(opmlServer.requests).toHaveLength(asked);
      } finally {
        process.env.SYNDICATE_CONFIG = configPath;
      }
    });

    it('one bad outline fails alone; a file that is not OPML is refused in one line', async () => {
      const file = `${process.env.TMPDIR ?? '/tmp'}/syndicate-bad-${process.pid}.opml`;
      const fs = await import('node:fs');
      fs.writeFileSync(
        file,
        '<opml version="2.0"><body><outline text="x" xmlUrl="javascript:alert(1)"/><outline text="Fine" xmlUrl="http://127.0.0.1:9/fine"/></body></opml>',
      );
      const result = await run('import-opml', file);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^imported 2 feeds: 1 added, 0 replaced, 1 failed\n {2}failed x \(javascript:alert\(1\)\): /);
      // An OPML file comes from elsewhere: a file: feed in it (a path on this machine) is refused, and so is a relative one.
      fs.writeFileSync(
        file,
        '<opml version="2.0"><body><outline text="Passwords" xmlUrl="file:///etc/passwd"/><outline text="Rel" xmlUrl="feeds/x.rss"/></body></opml>',
      );
      const local = await run('import-opml', file);
      expect(local.code).toBe(1);
      expect(local.stdout).toMatch(
        /^imported 2 feeds: 0 added, 0 replaced, 2 failed\n {2}failed passwords \(file:\/\/\/etc\/passwd\): OPML feeds must be http\(s\) URLs\n/,
      );
      expect((await ctx.catalog.list('sources')).map((s) => s.url)).not.toContain('file:///etc/passwd');
      fs.writeFileSync(file, '<html><body>nope</body></html>');
      const notOpml = await run('import-opml', file);
      expect(notOpml).toEqual({ code: 1, stdout: '', stderr: 'syndicate: SYN_ERR_PARSE_FAILED: not an OPML document: no <opml> with a <body>\n' });
    });
  });
});
