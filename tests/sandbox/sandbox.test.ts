import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentCaps } from '../../src/content/caps.js';
import { SyndicateError } from '../../src/core/errors.js';
import { Sandbox, type OverrunReason } from '../../src/sandbox/sandbox.js';
import { threadCpuMs, threadId } from '../../src/sandbox/thread-clock.js';

const caps = documentCaps({ maxFeedBytes: 10 * 1024 * 1024 });
const bytes = (text: string) => Buffer.from(text);
/** Reads `text` as a hostile feed in `sandbox`; `queueWaitMs` as `Sandbox.run` takes it. */
const read = (sandbox: Sandbox, text: string, queueWaitMs?: number) =>
  sandbox.run(
    'readDocument',
    {
      body: bytes(text),
      contentType: 'application/xml',
      location: 'https://hostile.example/feed',
      caps,
      maxEntries: 500,
      fullText: 'never',
      accept: 'feed',
    },
    queueWaitMs,
  );
const rss = (items: string, prolog = '') =>
  `${prolog}<rss version="2.0"><channel><title>Hostile</title><link>https://hostile.example/</link>${items}</channel></rss>`;
const item = (i: number, body = 'An ordinary paragraph.') =>
  `<item><guid>g${i}</guid><title>Entry ${i}</title><link>https://hostile.example/${i}</link><description><![CDATA[<p>${body}</p>]]></description></item>`;

/** The error a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<SyndicateError> {
  try {
    await promise;
  } catch (err) {
    return err as SyndicateError;
  }
  throw new Error('expected a failure');
}

const events: Array<{ kind: string; task: string; reason: OverrunReason }> = [];
// A deadline with room for a machine shared by many test runs; the default (2 s) is held by the stress suite.
const sandbox = new Sandbox(
  { deadlineMs: 5_000, maxHeapMb: 512, threads: 2 },
  { overrun: (task, reason) => events.push({ kind: 'overrun', task, reason }), threadKilled: (task, reason) => events.push({ kind: 'killed', task, reason }) },
);
afterAll(() => sandbox.close());
// Threads load the parsers once (compiled on the fly under vitest): warm both before any deadline counts.
beforeAll(() => Promise.all([read(sandbox, rss(item(0))), read(sandbox, rss(item(0)))]), 120_000);

describe('the sandbox', { timeout: 120_000 }, () => {
  it('gives up a task past its deadline with a code, replaces the thread, and goes on with the next task', async () => {
    const strict = new Sandbox(
      { deadlineMs: 1, maxHeapMb: 256, threads: 1 },
      { threadKilled: (task, reason) => events.push({ kind: 'killed', task, reason }) },
    );
    try {
      const big = rss(Array.from({ length: 3000 }, (_, i) => item(i, 'word '.repeat(200))).join(''));
      const error = await failure(read(strict, big));
      expect(error).toBeInstanceOf(SyndicateError);
      expect(error.code).toBe('SYN_ERR_PARSE_TOO_COMPLEX');
      expect(error.message).toMatch(/longer than 1 ms/);
      expect(events).toContainEqual({ kind: 'killed', task: 'readDocument', reason: 'deadline' });
    } finally {
      await strict.close();
    }
    // The shared sandbox is untouched by the other's overrun, and a thread killed by one task serves the next.
    const ok = await read(sandbox, rss(item(1)));
    expect(ok.kind === 'feed' && ok.feed.entries.map((e) => e.guid)).toEqual(['g1']);
  });

  it('reads a prolog of many comments before a non-feed root in linear time (the exponential prolog pattern is gone)', async () => {
    const comments = '<!-- c -->'.repeat(5_000);
    const error = await failure(read(sandbox, `<?xml version="1.0"?>${comments}<?pi x?>${'<!---->'.repeat(5_000)}<html><body>not a feed</body></html>`));
    expect(error.code).toBe('SYN_ERR_PARSE_FAILED');
    const feed = await read(sandbox, rss(item(2), `<?xml version="1.0"?>${comments}`));
    expect(feed.kind === 'feed' && feed.feed.entries).toHaveLength(1);
  });

  it('refuses entities that expand past the byte cap, with its own code', async () => {
    const entity = 'x'.repeat(20_000);
    const items = Array.from(
      { length: 200 },
      (_, i) => `<item><guid>e${i}</guid><title>t</title><description>${'&big;'.repeat(200)}</description></item>`,
    ).join('');
    const doc = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "${entity}">]>${rss(items)}`;
    const error = await failure(read(sandbox, doc));
    expect(error.code).toBe('SYN_ERR_PARSE_ENTITY_EXPANSION');
  });

  it('refuses elements nested deeper than the cap', async () => {
    const deep = `${'<x>'.repeat(100_000)}${'</x>'.repeat(100_000)}`;
    const error = await failure(
      read(sandbox, `<rss version="2.0"><channel><title>t</title><item><guid>d</guid><title>deep</title>${deep}</item></channel></rss>`),
    );
    expect(error.code).toBe('SYN_ERR_PARSE_TOO_COMPLEX');
  });

  it('brings a 7.5 MB one-paragraph article through within the deadline, cut at the item cap and marked truncated', async () => {
    const words = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(Math.ceil(7.5e6 / 57));
    const feed = await read(sandbox, rss(item(7, words)));
    if (feed.kind !== 'feed') throw new Error('not a feed');
    const entry = feed.feed.entries[0]!;
    expect(entry.truncated).toBe(true);
    expect((entry.contentHtml ?? entry.summary)!.length).toBeLessThanOrEqual(caps.maxItemChars);
    const normalized = await sandbox.run('normalizeFeedEntry', {
      entry,
      source: { id: 'hostile', name: 'Hostile', homepage: 'https://hostile.example/' },
      fetchedAt: '2026-12-07T00:00:00.000Z',
      caps,
    });
    expect(normalized.truncated).toBe(true);
    expect(normalized.contentText.length).toBeGreaterThan(100_000);
  });

  it('normalizes 45 language labels and a stray word, and "read the full" 40 000 times, within the deadline', async () => {
    const labels = `<p>${'EN '.repeat(45)}x</p>`;
    const readMore = `<p>${'read the full '.repeat(40_000)}</p>`;
    for (const body of [labels, readMore]) {
      const item = await sandbox.run('normalizeFeedEntry', {
        entry: {
          guid: 'l',
          link: null,
          title: 'Labels',
          publishedAt: null,
          updatedAt: null,
          author: null,
          summary: null,
          contentHtml: body,
          categories: [],
          imageUrl: null,
          language: null,
        },
        source: { id: 'hostile', name: 'Hostile', homepage: 'https://hostile.example/' },
        fetchedAt: '2026-12-07T00:00:00.000Z',
        caps,
      });
      expect(item.contentText.length).toBeGreaterThan(0);
    }
  });
});

describe('the sandbox under load', { timeout: 120_000 }, () => {
  it('gives a task back unstarted, with its own code, when it waits for a thread past the queue bound', async () => {
    const busy: Array<string> = [];
    const narrow = new Sandbox({ deadlineMs: 60_000, queueWaitMs: 1, maxHeapMb: 256, threads: 1 }, { queueTimeout: (task) => busy.push(task) });
    try {
      // Its thread's start-up is not the wait this is about.
      await narrow.warm();
      const big = rss(Array.from({ length: 3000 }, (_, i) => item(i, 'word '.repeat(200))).join(''));
      // The first takes the thread (no bound of its own); the second waits behind it past 1 ms.
      const first = read(narrow, big, Infinity);
      const [, second] = await Promise.allSettled([first, read(narrow, rss(item(1)))]);
      await first;
      expect(second.status).toBe('rejected');
      expect(((second as PromiseRejectedResult).reason as SyndicateError).code).toBe('SYN_ERR_SANDBOX_BUSY');
      expect(busy).toEqual(['readDocument']);
    } finally {
      await narrow.close();
    }
  });

  it("reads a thread's CPU time, which the deadline counts where Linux tells it", () => {
    const tid = threadId();
    if (process.platform !== 'linux') return expect(tid).toBeNull();
    expect(tid).toBeGreaterThan(0);
    const before = threadCpuMs(tid!)!;
    const end = Date.now() + 100;
    while (Date.now() < end);
    expect(threadCpuMs(tid!)!).toBeGreaterThan(before);
    expect(threadCpuMs(2 ** 30)).toBeNull();
  });
});

describe('closing the sandbox', { timeout: 120_000 }, () => {
  it('waits for threads still loading their modules, then stops them all (terminating one mid-load aborts Node 20)', async () => {
    for (const delayMs of [0, 150, 400]) {
      const sandbox = new Sandbox({ deadlineMs: 2_000, maxHeapMb: 64, threads: 2 });
      let loaded = 0;
      sandbox['pool'].on('message', (message: { syndicateThreadLoaded?: number }) => {
        if (typeof message?.syndicateThreadLoaded === 'number') loaded += 1;
      });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await sandbox.close();
      // Had close() not waited, a thread would have been terminated before saying it loaded (and, at the wrong
      // moment, taken this process down with it).
      expect(loaded).toBe(2);
    }
  });
});
