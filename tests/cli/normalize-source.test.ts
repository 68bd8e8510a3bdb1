import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

// Each run of the command reads in a sandbox thread of its own, which loads the parsers first: seconds on a busy machine.
vi.setConfig({ testTimeout: 60_000 });
import type { NormalizedItem } from '../../src/core/item.js';
import { runCli } from '../support/cli.js';
import { startServer, type LoopbackServer } from '../support/http.js';
import { DOMAIN_NOTE, EDITORS_PICK, outletRules, outletWithoutFeed, PAYWALL, PROMO, SIDEBAR, STORIES } from '../support/outlet-without-feed.js';

/** `syndicate normalize --source ID` previews a configured source: its listing format, its rules, its full text; no Redis. */
describe('syndicate normalize --source', () => {
  let site: LoopbackServer;
  const dir = mkdtempSync(join(tmpdir(), 'syndicate-normalize-source-'));

  beforeAll(async () => {
    site = await startServer(outletWithoutFeed(() => site.url));
  });
  afterEach(() => vi.unstubAllEnvs());
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await site?.close();
  });

  /** A configuration file as an operator writes it (JSON is YAML), used through SYNDICATE_CONFIG; Redis is never asked. */
  function useConfig(withRules: boolean): void {
    const { cleanup, shared } = outletRules();
    const config = {
      network: { allowHosts: ['127.0.0.1'] },
      ...(withRules ? { extractionRules: { [new URL(site.url).hostname]: shared } } : {}),
      sources: [
        {
          id: 'gazette',
          name: 'Harbour Gazette',
          url: `${site.url}/latest`,
          format: 'html',
          listing: { item: 'li.teaser', summary: '.dek' },
          ...(withRules ? { cleanup } : {}),
        },
        {
          id: 'gazette-api',
          name: 'Harbour Gazette API',
          url: `${site.url}/api/latest.json`,
          format: 'json',
          listing: { item: 'data.articles', title: 'headline', link: 'url', date: 'published' },
          fullText: 'never',
        },
      ],
    };
    const path = join(dir, `syndication-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(path, JSON.stringify(config));
    vi.stubEnv('SYNDICATE_CONFIG', path);
    vi.stubEnv('REDIS_URL', 'redis://127.0.0.1:1');
  }

  it("reads the source's listing page and its articles with the rules, without an input", async () => {
    useConfig(true);
    const { code, stdout, stderr } = await runCli('normalize', '--source', 'gazette');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const items = JSON.parse(stdout) as NormalizedItem[];
    expect(items.map((item) => item.url)).toEqual([`${site.url}/news/breakwater`, `${site.url}/news/ferry`]);
    expect(items.every((item) => item.source.id === 'gazette' && item.source.name === 'Harbour Gazette')).toBe(true);
    expect(items[0]!.publishedAt).toBe('2026-01-05T09:30:00.000Z');
    for (const item of items) {
      for (const unwanted of [SIDEBAR, PROMO, EDITORS_PICK, DOMAIN_NOTE, PAYWALL]) expect(item.contentText).not.toContain(unwanted.slice(0, 40));
    }
    for (const paragraph of STORIES['/news/ferry']!.paragraphs) expect(items[1]!.contentText).toContain(paragraph);
  });

  it('without the rules the same pages read otherwise (so the preview shows what the rules change)', async () => {
    useConfig(false);
    const { code, stdout } = await runCli('normalize', '--source', 'gazette');
    expect(code).toBe(0);
    const items = JSON.parse(stdout) as NormalizedItem[];
    expect(items[1]!.contentText).toContain(PAYWALL.slice(0, 40));
    expect(items[0]!.contentText).toContain(EDITORS_PICK);
  });

  it('a json source with full text off: the entries as the API lists them', async () => {
    useConfig(true);
    const { code, stdout } = await runCli('normalize', '--source', 'gazette-api');
    expect(code).toBe(0);
    const [item, ...rest] = JSON.parse(stdout) as NormalizedItem[];
    expect(rest).toEqual([]);
    expect(item!.title).toBe(STORIES['/news/lighthouse']!.title);
    expect(item!.url).toBe(`${site.url}/news/lighthouse`);
    expect(item!.publishedAt).toBe('2026-01-03T12:00:00.000Z');
  });

  it('an article page given as input is read with the source rules; an unknown source is a usage error', async () => {
    useConfig(true);
    const page = await runCli('normalize', '--source', 'gazette', `${site.url}/news/lighthouse`);
    expect(page.code).toBe(0);
    const [item] = JSON.parse(page.stdout) as NormalizedItem[];
    expect(item!.contentText).toContain(STORIES['/news/lighthouse']!.paragraphs[0]);
    expect(item!.contentText).not.toContain(PROMO.slice(0, 40));
    expect(item!.contentText).not.toContain(EDITORS_PICK);
    const unknown = await runCli('normalize', '--source', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no source nope');
  });
});
