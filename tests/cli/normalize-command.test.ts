import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

// Each run of the command reads in a sandbox thread of its own, which loads the parsers first: seconds on a busy machine.
vi.setConfig({ testTimeout: 60_000 });
import type { NormalizedItem } from '../../src/core/item.js';
import { runCli } from '../support/cli.js';
import { startServer, type LoopbackServer } from '../support/http.js';
import { expectedTurns, seedPage, sampleFeed } from '../support/seed.js';
import { assignTurnIds } from '../../src/core/turn-ids.js';

/** Runs `syndicate normalize <target>` in-process, capturing what it prints. */
async function normalize(target: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(['normalize', target]);
}

const run = (args: string[]) => runCli(...args);

function expectSeedInterview(item: NormalizedItem): void {
  expect(item.kind).toBe('interview');
  expect(item.interview?.interviewee).toEqual({ name: 'Grigory Trofimchuk', role: 'Russian international affairs expert' });
  expect(item.interview?.interviewer).toBe('News.Az');
  expect(item.interview?.qa).toEqual(assignTurnIds(expectedTurns()));
  expect(item.images.some((image) => image.credit === 'AZERTAC')).toBe(true);
  for (const furniture of ['News about -', 'Photo: Flickr', '2Sources', 'Chosen']) expect(item.contentText).not.toContain(furniture);
}

/** A configuration file as an operator writes it, used through SYNDICATE_CONFIG like `syndicate start` would. */
function useConfig(dir: string, yaml: string): void {
  const path = join(dir, `syndication-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, yaml);
  vi.stubEnv('SYNDICATE_CONFIG', path);
}

describe('syndicate normalize', () => {
  let server: LoopbackServer;
  const dir = mkdtempSync(join(tmpdir(), 'syndicate-normalize-'));

  afterEach(() => vi.unstubAllEnvs());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    server = await startServer((request, res) => {
      if (request.url === '/rss') {
        res.setHeader('content-type', 'application/rss+xml; charset=utf-8');
        return void res.end(sampleFeed);
      }
      if (request.url === '/many.json') {
        res.setHeader('content-type', 'application/feed+json');
        const items = Array.from({ length: 30 }, (_, i) => ({
          id: `e${i}`,
          url: `https://example.com/${i}`,
          title: `Entry ${i}`,
          content_text: `Body of entry ${i}.`,
        }));
        return void res.end(JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'Many', items }));
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
    useConfig(dir, 'network:\n  allowHosts: [127.0.0.1]\n');
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
    useConfig(dir, 'network:\n  allowHosts: [127.0.0.1]\n');
    const missing = await normalize(`${server.url}/nothing`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^syndicate: SYN_ERR_FETCH_HTTP_STATUS: .*answered 404\n$/);
    const notFeed = await normalize('package.json');
    expect(notFeed.code).toBe(1);
    expect(notFeed.stderr.trim().split('\n')).toHaveLength(1);
    expect(notFeed.stderr).toMatch(/SYN_ERR_PARSE_FAILED/);
  });

  it('refuses a private address the configuration does not allow, as the fetch worker does', async () => {
    useConfig(dir, 'network:\n  allowHosts: []\n');
    const before = server.requests.length;
    const refused = await normalize(`${server.url}/rss`);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^syndicate: SYN_ERR_FETCH_BLOCKED_ADDRESS: .*127\.0\.0\.1 is a private address.*\n$/);
    expect(server.requests.length).toBe(before);
    // The shipped configuration allows nothing private either.
    vi.stubEnv('SYNDICATE_CONFIG', 'config/syndication.yaml');
    expect((await normalize(`${server.url}/rss`)).stderr).toMatch(/SYN_ERR_FETCH_BLOCKED_ADDRESS/);
    expect(server.requests.length).toBe(before);
  });

  it("applies the configuration's entry cap, like the fetch worker", async () => {
    useConfig(dir, 'network:\n  allowHosts: [127.0.0.1]\nlimits:\n  maxEntriesPerFetch: 7\n');
    const { code, stdout } = await normalize(`${server.url}/many.json`);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as NormalizedItem[]).map((item) => item.title)).toEqual([
      'Entry 0',
      'Entry 1',
      'Entry 2',
      'Entry 3',
      'Entry 4',
      'Entry 5',
      'Entry 6',
    ]);
  });

  it('--jsonl prints one line per input, in order; a bad input never stops the others', async () => {
    useConfig(dir, 'network:\n  allowHosts: [127.0.0.1]\n');
    const inputs = [
      'config/samples/news-az-interview.rss',
      `${server.url}/nothing`,
      'package.json',
      'no/such/file.rss',
      'gopher://example.com/feed',
      `${server.url}/rss`,
    ];
    const { code, stdout, stderr } = await run(['normalize', '--jsonl', ...inputs]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { input: string; items?: NormalizedItem[]; error?: { code: string; message: string } });
    expect(lines.map((line) => line.input)).toEqual(inputs);
    expectSeedInterview(lines[0]!.items![0]!);
    expect(lines[1]!.error).toMatchObject({ code: 'SYN_ERR_FETCH_HTTP_STATUS', message: expect.stringContaining('answered 404') });
    expect(lines[2]!.error?.code).toBe('SYN_ERR_PARSE_FAILED');
    expect(lines[3]!.error).toMatchObject({ code: 'SYN_ERR_FETCH_FAILED', message: expect.stringContaining('no such file') });
    expect(lines[4]!.error?.code).toBe('SYN_ERR_UNSUPPORTED_INPUT');
    expectSeedInterview(lines[5]!.items![0]!);
    for (const line of lines) expect(Object.keys(line).sort()).toEqual(line.error ? ['error', 'input'] : ['input', 'items']);
  });

  it('--jsonl applies the private-address guard per input', async () => {
    useConfig(dir, 'network:\n  allowHosts: []\n');
    const { code, stdout } = await run(['normalize', '--jsonl', `${server.url}/rss`, 'config/samples/news-az-interview.rss']);
    expect(code).toBe(0);
    const [blocked, file] = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(blocked.error.code).toBe('SYN_ERR_FETCH_BLOCKED_ADDRESS');
    expect(file.items).toHaveLength(1);
  });

  it('misuse prints one line and the usage, never a stack trace, and exits 2', async () => {
    for (const args of [['normalize', '--bogus', 'x.rss'], ['normalize'], ['normalize', '--jsonl'], ['normalize', 'a.rss', 'b.rss'], ['frobnicate']]) {
      const { code, stdout, stderr } = await run(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      const [first, ...rest] = stderr.split('\n');
      expect(first).toMatch(/^syndicate: \S/);
      expect(rest.join('\n')).toContain('Usage: syndicate');
      expect(stderr).not.toMatch(/\n[ \t]+at /);
    }
    expect((await run(['normalize', '--bogus'])).stderr.split('\n')[0]).toBe("syndicate: unknown option '--bogus'");
    const help = await run(['normalize', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('normalize --jsonl');
  });
});
