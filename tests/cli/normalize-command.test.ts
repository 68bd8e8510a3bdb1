import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { NormalizedItem } from '../../src/core/item.js';
import { startServer, type LoopbackServer } from '../support/http.js';
import { expectedTurns, seedPage } from '../support/seed.js';

const sampleFeed = readFileSync(new URL('../../config/samples/news-az-interview.rss', import.meta.url), 'utf8');

/** Runs `syndicate normalize <target>` in-process, capturing what it prints. */
async function normalize(target: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: await main(['normalize', target]), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

function expectSeedInterview(item: NormalizedItem): void {
  expect(item.kind).toBe('interview');
  expect(item.interview?.interviewee).toEqual({ name: 'Grigory Trofimchuk', role: 'Russian international affairs expert' });
  expect(item.interview?.interviewer).toBe('News.Az');
  expect(item.interview?.qa).toEqual(expectedTurns());
  expect(item.images.some((image) => image.credit === 'AZERTAC')).toBe(true);
  for (const furniture of ['News about -', 'Photo: Flickr', '2Sources', 'Chosen']) expect(item.contentText).not.toContain(furniture);
}

describe('syndicate normalize', () => {
  let server: LoopbackServer;

  beforeAll(async () => {
    server = await startServer((request, res) => {
      if (request.url === '/rss') {
        res.setHeader('content-type', 'application/rss+xml; charset=utf-8');
        return void res.end(sampleFeed);
      }
      if (request.url?.startsWith('/news/')) {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        return void res.end(seedPage());
      }
      res.statusCode = 404;
      res.end('not here');
    });
  });
  afterAll(() => server.close());

  it('prints the normalized items of a feed file', async () => {
    const { code, stdout } = await normalize('config/samples/news-az-interview.rss');
    expect(code).toBe(0);
    const items = JSON.parse(stdout) as NormalizedItem[];
    expect(items).toHaveLength(1);
    expectSeedInterview(items[0]!);
  });

  it('reads a feed and an article page over HTTP', async () => {
    const feed = await normalize(`${server.url}/rss`);
    expectSeedInterview((JSON.parse(feed.stdout) as NormalizedItem[])[0]!);
    const page = await normalize(`${server.url}/news/grigory-trofimchuk-russia-has-no-choice?utm_source=x`);
    expect(page.code).toBe(0);
    const [item] = JSON.parse(page.stdout) as NormalizedItem[];
    expectSeedInterview(item!);
    // rel=canonical (relative, resolved against the page) wins over the tracking-laden request URL
    expect(item!.url).toBe(`${server.url}/news/grigory-trofimchuk-russia-has-no-choice`);
  });

  it('exits 1 with one line naming what is wrong', async () => {
    const missing = await normalize(`${server.url}/nothing`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^syndicate: SYN_ERR_FETCH_HTTP_STATUS: .*answered 404\n$/);
    const notFeed = await normalize('package.json');
    expect(notFeed.code).toBe(1);
    expect(notFeed.stderr.trim().split('\n')).toHaveLength(1);
    expect(notFeed.stderr).toMatch(/SYN_ERR_PARSE_FAILED/);
  });
});
