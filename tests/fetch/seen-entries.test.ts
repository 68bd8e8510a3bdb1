import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveRss, waitFor, type LoopbackServer } from '../support/http.js';
import { startTestSystem } from '../support/system.js';
import { queuedEntries } from '../support/queued.js';

/** An entry of a test feed: its guid, title and text (an entry's digest covers all three). */
const item = (guid: string, title: string, text: string) =>
  `<item><guid>${guid}</guid><title>${title}</title><link>https://example.com/${guid}</link><description>${text}</description></item>`;

describe('only new or changed entries go on, a document read at once', () => {
  let feed: LoopbackServer;
  let system: Awaited<ReturnType<typeof startTestSystem>>;

  beforeAll(async () => {
    // An exact repeat of an entry in one document.
    feed = await serveRss(
      `<?xml version="1.0"?><rss version="2.0"><channel><title>Repeats</title><link>https://example.com/</link>${[
        item('a', 'Alpha', 'Same text.'),
        item('a', 'Alpha', 'Same text.'),
        item('b', 'Beta', 'Other text.'),
      ].join('')}</channel></rss>`,
    );
    system = await startTestSystem(
      'seen-entries',
      {
        network: { allowHosts: ['127.0.0.1'] },
        limits: { hostSpacing: '0s' },
        sources: [{ id: 'repeats', name: 'Repeats', url: `${feed.url}/feed`, interval: '300ms', fullText: 'never' }],
      },
      ['scheduler', 'fetch'],
    );
  });

  afterAll(async () => {
    await system?.cleanup();
    await feed?.close();
  });

  it('hands on an exact repeat once, then nothing on the next fetches', async () => {
    const status = await waitFor('three fetches', async () => {
      const current = await system.ctx.sourceStatus.get('repeats');
      return current.totals.fetches >= 3 ? current : null;
    });
    expect(status.totals.newEntries).toBe(2);
    expect(status.newEntries).toBe(0);
    const jobs = await queuedEntries(system.ctx.queues.normalize);
    expect(jobs.map((job) => job.data.entry.guid).sort()).toEqual(['a', 'b']);
  });
});
