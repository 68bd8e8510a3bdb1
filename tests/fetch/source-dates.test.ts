import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NormalizedItem } from '../../src/core/item.js';
import { startServer, type LoopbackServer } from '../support/http.js';
import { READING_ROLES, startTestSystem, stopSystemAndServers, storedItemsOf } from '../support/system.js';

type System = Awaited<ReturnType<typeof startTestSystem>>;

/** An RSS feed whose entries carry the dates as given, in order. */
const feedOf = (base: string, dates: readonly string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Gazzetta</title><link>${base}/</link>` +
  dates
    .map(
      (date, i) =>
        `<item><title>Notizia ${i}</title><link>${base}/notizie/${i}</link><guid>${base}/notizie/${i}</guid><pubDate>${date}</pubDate>` +
        `<description>Il consiglio comunale ha approvato il bilancio numero ${i} dopo una lunga seduta.</description></item>`,
    )
    .join('') +
  '</channel></rss>';

/** Dates as an Italian outlet writes them: weekday and month names, no zone, a 12-hour time, numeric dates, one in the future. */
const DATES = ['sab, 07 gen 2023 10:15', '25/12/2025 08:00', '03/04/2026 10:00', 'Dec 7, 2025 12:30 PM', 'lun, 07 dic 2099 09:00'];

describe("a source's dates as it writes them, through the running system", () => {
  let site: LoopbackServer;
  let system: System;
  let startedAt: number;

  beforeAll(async () => {
    site = await startServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
      response.end(feedOf(site.url, DATES));
    });
    startedAt = Date.now();
    system = await startTestSystem(
      'source-dates',
      {
        limits: { hostSpacing: '20ms', fetchTimeout: '3s' },
        sources: [{ id: 'gazzetta', name: 'Gazzetta', url: `${site.url}/rss`, interval: '1h', fullText: 'never', timezone: 'Europe/Rome' }],
      },
      READING_ROLES,
    );
  }, 30_000);

  afterAll(() => stopSystemAndServers(system, site), 30_000);

  const items = async (): Promise<Map<string, NormalizedItem>> =>
    new Map((await storedItemsOf(system.ctx, 'gazzetta', DATES.length)).map((item) => [item.url.replace(/^.*\/notizie\//, ''), item]));

  it('reads Italian names, numeric dates in the order the source shows and 12-hour times, in the source zone', async () => {
    const byIndex = await items();
    // January in Rome is UTC+1, April UTC+2 (summer time), December UTC+1.
    expect(byIndex.get('0')!.publishedAt).toBe('2023-01-07T09:15:00.000Z');
    expect(byIndex.get('1')!.publishedAt).toBe('2025-12-25T07:00:00.000Z');
    expect(byIndex.get('2')!.publishedAt).toBe('2026-04-03T08:00:00.000Z');
    expect(byIndex.get('3')!.publishedAt).toBe('2025-12-07T11:30:00.000Z');
  });

  it('keeps the inferred day order in the source status', async () => {
    await items();
    const status = await system.ctx.sourceStatus.get('gazzetta');
    expect(status.dayOrder).toBe('dmy');
  });

  it('clamps a date in the future to the fetch time and keeps what the source wrote', async () => {
    const future = (await items()).get('4')!;
    const published = Date.parse(future.publishedAt!);
    expect(published).toBeGreaterThanOrEqual(startedAt - 1000);
    expect(published).toBeLessThanOrEqual(Date.now());
    expect(future.futureDates).toEqual({ publishedAt: '2099-12-07T08:00:00.000Z' });
  });
});
