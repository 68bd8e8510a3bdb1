import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

// Each run of the command reads in a sandbox thread of its own, which loads the parsers first: seconds on a busy machine.
vi.setConfig({ testTimeout: 60_000 });
import type { NormalizedItem } from '../../src/core/item.js';
import { runCli } from '../support/cli.js';
import { startServer, type LoopbackServer } from '../support/http.js';

const AUTH = `Basic ${Buffer.from('reader:pw-secret').toString('base64')}`;
const FEED = `<?xml version="1.0"?><rss version="2.0"><channel><title>Xəbər</title>
<item><title>Müsahibə</title><link>https://example.com/a</link><description>Bir, iki, üç: a long enough summary of the story.</description><pubDate>07 Aralık 2026 14:30</pubDate></item>
<item><title>Second</title><link>https://example.com/b</link><description>Another summary of another story for the feed.</description><pubDate>03/04/2026</pubDate></item>
</channel></rss>`;

describe('syndicate normalize previews a source: its request profile and its dates, without Redis', () => {
  let server: LoopbackServer;
  const dir = mkdtempSync(join(tmpdir(), 'syndicate-preview-'));

  beforeAll(async () => {
    server = await startServer((req, res) => {
      if (req.headers.authorization !== AUTH || req.headers.cookie !== 'session=abc') return void res.writeHead(401).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(FEED);
    });
    const config = join(dir, 'syndication.yaml');
    writeFileSync(
      config,
      `network: { allowHosts: [127.0.0.1] }
sources:
  - id: partner
    name: Partner
    url: ${server.url}/feed
    timezone: Asia/Baku
    dayOrder: mdy
    request: { auth: { username: reader, password: pw-secret }, cookies: { session: abc } }
`,
    );
    vi.stubEnv('SYNDICATE_CONFIG', config);
  });
  afterEach(() => undefined);
  afterAll(async () => {
    vi.unstubAllEnvs();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--source ID reads the source with its profile, zone and day order', async () => {
    const { code, stdout, stderr } = await runCli('normalize', '--source', 'partner');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const items = JSON.parse(stdout) as NormalizedItem[];
    expect(items.map((i) => i.publishedAt)).toEqual(['2026-12-07T10:30:00.000Z', '2026-03-04T00:00:00.000Z']);
  });

  it('flags give the profile and the zone for any URL; without them the site refuses', async () => {
    const refused = await runCli('normalize', `${server.url}/feed`);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/SYN_ERR_FETCH_HTTP_STATUS.*401/);
    const { code, stdout } = await runCli('normalize', `${server.url}/feed`, '--user', 'reader:pw-secret', '--cookie', 'session=abc', '--timezone', '+03:00');
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as NormalizedItem[]).map((i) => i.publishedAt)).toEqual(['2026-12-07T11:30:00.000Z', '2026-04-03T00:00:00.000Z']);
  });

  it('refuses a bad flag with one line', async () => {
    const bad = await runCli('normalize', `${server.url}/feed`, '--timezone', 'Mars/Olympus');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/timezone: not a time zone/);
    const unknown = await runCli('normalize', '--source', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no source nope/);
  });
});
