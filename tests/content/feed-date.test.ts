import { describe, expect, it } from 'vitest';
import { inferDayOrder, isKnownZone, monthOfWord, numericDayOrder, parseFeedDate, type DateReadingOptions } from '../../src/content/feed-date.js';
import { parseFeed } from '../../src/content/parse-feed.js';

/**
 * Dates as real sites write them (forms collected from feed readers' bug reports and news sites in the lexicons'
 * languages and the common European ones), with the instant each means. `options` is the source's setting.
 */
const TABLE: Array<[string, string, DateReadingOptions?]> = [
  // English, RFC 822 and its variants
  ['Sat, 07 Dec 2026 14:30:00 GMT', '2026-12-07T14:30:00.000Z'],
  ['Mon, 07 Dec 2026 14:30:00 +0300', '2026-12-07T11:30:00.000Z'],
  ['07 Dec 26 14:30 EST', '2026-12-07T19:30:00.000Z'],
  ['Mon, 07 Dec 2026 02:30 PM GMT', '2026-12-07T14:30:00.000Z'],
  ['Dec 7, 2026 12:30 PM', '2026-12-07T12:30:00.000Z'],
  ['December 7, 2026 12:30 AM', '2026-12-07T00:30:00.000Z'],
  ['December 7th, 2026 at 9:05 pm', '2026-12-07T21:05:00.000Z'],
  ['7 December 2026', '2026-12-07T00:00:00.000Z'],
  ['June 10, 2025 09:00 UTC', '2025-06-10T09:00:00.000Z'],
  ['10 June 2025 9:00 am EST', '2025-06-10T14:00:00.000Z'],
  ['Tuesday, June 10, 2025 - 3:15pm', '2025-06-10T15:15:00.000Z'],
  ['Sept. 3, 2025', '2025-09-03T00:00:00.000Z'],
  // ISO 8601 and numeric forms
  ['2026-12-07T14:30:00Z', '2026-12-07T14:30:00.000Z'],
  ['2026-12-07T14:30:00+03:00', '2026-12-07T11:30:00.000Z'],
  ['2026-12-07 14:30:00', '2026-12-07T14:30:00.000Z'],
  ['2026-12-07', '2026-12-07T00:00:00.000Z'],
  ['2016/6/29', '2016-06-29T00:00:00.000Z'],
  ['2016/06/29 08:15', '2016-06-29T08:15:00.000Z'],
  ['2016.06.29', '2016-06-29T00:00:00.000Z'],
  ['29/06/2016', '2016-06-29T00:00:00.000Z'],
  ['06/29/2016', '2016-06-29T00:00:00.000Z'],
  ['07.12.2026 14:30', '2026-12-07T14:30:00.000Z'],
  ['07.12.2026, 14:30', '2026-12-07T14:30:00.000Z'],
  ['7-12-2026', '2026-12-07T00:00:00.000Z'],
  ['12/07/2026', '2026-12-07T00:00:00.000Z', { dayOrder: 'mdy' }],
  ['07/12/2026', '2026-12-07T00:00:00.000Z', { dayOrder: 'dmy' }],
  ['07/12/26 2:30 PM', '2026-12-07T14:30:00.000Z'],
  ['2026年12月7日 14:30', '2026-12-07T14:30:00.000Z'],
  ['2026년 12월 7일', '2026-12-07T00:00:00.000Z'],
  // 12-hour times
  ['12:30 PM 07/12/2026', '2026-12-07T12:30:00.000Z'],
  ['Dec 7, 2026, 12:00 a.m.', '2026-12-07T00:00:00.000Z'],
  ['Dec 7, 2026 11:59 p.m.', '2026-12-07T23:59:00.000Z'],
  // Russian
  ['7 дек 2026', '2026-12-07T00:00:00.000Z'],
  ['7 декабря 2026', '2026-12-07T00:00:00.000Z'],
  ['07 декабря 2026, 14:30', '2026-12-07T14:30:00.000Z'],
  ['7 декабря 2026 г. в 14:30', '2026-12-07T14:30:00.000Z'],
  ['Пн, 07 Дек 2026 14:30:00 +0300', '2026-12-07T11:30:00.000Z'],
  ['1 мая 2026', '2026-05-01T00:00:00.000Z'],
  ['15 сентября 2025 года', '2025-09-15T00:00:00.000Z'],
  // Azerbaijani
  ['7 dekabr 2026', '2026-12-07T00:00:00.000Z'],
  ['07 Dekabr 2026 14:30', '2026-12-07T14:30:00.000Z'],
  ['10 iyun 2025, 09:00', '2025-06-10T09:00:00.000Z'],
  ['28 avqust 2025', '2025-08-28T00:00:00.000Z'],
  ['3 fevral 2026', '2026-02-03T00:00:00.000Z'],
  // Turkish
  ['07 Aralık 2026 14:30', '2026-12-07T14:30:00.000Z'],
  ['07 ARALIK 2026', '2026-12-07T00:00:00.000Z'],
  ['Pzt, 07 Ara 2026 14:30:00 +0300', '2026-12-07T11:30:00.000Z'],
  ['19 Mayıs 2025 Pazartesi', '2025-05-19T00:00:00.000Z'],
  ['29 Ekim 2025 10:00', '2025-10-29T10:00:00.000Z'],
  ['1 Şubat 2026', '2026-02-01T00:00:00.000Z'],
  ['30 Ağustos 2025', '2025-08-30T00:00:00.000Z'],
  // Italian
  ['sab, 07 gen 2023', '2023-01-07T00:00:00.000Z'],
  ['sab, 07 gen 2023 10:15:00 +0100', '2023-01-07T09:15:00.000Z'],
  ['7 dicembre 2026', '2026-12-07T00:00:00.000Z'],
  ['lunedì 7 dicembre 2026 ore 14:30', '2026-12-07T14:30:00.000Z'],
  // Spanish
  ['mar, 07 dic 2026 10:00:00 +0100', '2026-12-07T09:00:00.000Z'],
  ['7 de diciembre de 2026', '2026-12-07T00:00:00.000Z'],
  ['lunes, 7 de diciembre de 2026 a las 14:30', '2026-12-07T14:30:00.000Z'],
  ['15 ene 2026', '2026-01-15T00:00:00.000Z'],
  // Portuguese
  ['7 de dezembro de 2026', '2026-12-07T00:00:00.000Z'],
  ['seg, 07 dez 2026 14:30:00 -0300', '2026-12-07T17:30:00.000Z'],
  ['3 de março de 2026 às 09h15', '2026-03-03T09:15:00.000Z'],
  // French
  ['7 décembre 2026 à 14h30', '2026-12-07T14:30:00.000Z'],
  ['lun. 7 déc. 2026 14:30', '2026-12-07T14:30:00.000Z'],
  ['Publié le 12 févr. 2026', '2026-02-12T00:00:00.000Z'],
  ['1er août 2025', '2025-08-01T00:00:00.000Z'],
  ['ven., 14 juil. 2025 08:00:00 +0200', '2025-07-14T06:00:00.000Z'],
  // German
  ['Montag, 7. Dezember 2026, 14:30 Uhr', '2026-12-07T14:30:00.000Z'],
  ['Mo, 07 Dez 2026 14:30:00 +0100', '2026-12-07T13:30:00.000Z'],
  ['3. März 2026', '2026-03-03T00:00:00.000Z'],
  ['07.12.2026 um 14:30 Uhr', '2026-12-07T14:30:00.000Z'],
  // Dutch
  ['7 december 2026', '2026-12-07T00:00:00.000Z'],
  ['ma 7 mrt 2026 14:30', '2026-03-07T14:30:00.000Z'],
  ['17 mei 2025', '2025-05-17T00:00:00.000Z'],
  // Polish
  ['7 grudnia 2026', '2026-12-07T00:00:00.000Z'],
  ['pon, 07 gru 2026 14:30:00 +0100', '2026-12-07T13:30:00.000Z'],
  ['21 października 2025, 12:00', '2025-10-21T12:00:00.000Z'],
  // Ukrainian, Czech, Swedish, Romanian, Greek
  ['7 грудня 2026', '2026-12-07T00:00:00.000Z'],
  ['7. prosince 2026', '2026-12-07T00:00:00.000Z'],
  ['7 december 2026 kl. 14:30', '2026-12-07T14:30:00.000Z'],
  ['7 decembrie 2026', '2026-12-07T00:00:00.000Z'],
  ['7 Δεκεμβρίου 2026', '2026-12-07T00:00:00.000Z'],
  // Missing zone: the source's
  ['07 Aralık 2026 14:30', '2026-12-07T11:30:00.000Z', { zone: 'Europe/Istanbul' }],
  ['2026-12-07 14:30:00', '2026-12-07T10:30:00.000Z', { zone: 'Asia/Baku' }],
  ['Sat, 07 Dec 2026 14:30:00', '2026-12-07T19:30:00.000Z', { zone: 'America/New_York' }],
  ['10 June 2025 09:00', '2025-06-10T13:00:00.000Z', { zone: 'America/New_York' }],
  ['7 декабря 2026, 14:30', '2026-12-07T11:30:00.000Z', { zone: '+03:00' }],
  ['Sat, 07 Dec 2026 14:30:00 GMT', '2026-12-07T14:30:00.000Z', { zone: 'Asia/Baku' }],
];

describe('dates as sources write them', () => {
  it(`reads the ${TABLE.length} forms of the table`, () => {
    const wrong = TABLE.map(([text, expected, options]) => ({ text, expected, got: parseFeedDate(text, options) })).filter((row) => row.got !== row.expected);
    expect(TABLE.length).toBeGreaterThanOrEqual(60);
    expect(wrong).toEqual([]);
  });

  it('is null for what is no date, and for impossible dates', () => {
    for (const text of ['', 'yesterday', 'hello world', 'no date here 12', '31 июня 2026', '30 February 2026', '13/13/2026', 'Dec 7']) {
      expect(parseFeedDate(text), text).toBeNull();
    }
  });

  it('knows month words by their forms and unambiguous abbreviations only', () => {
    expect(monthOfWord('Aralık')).toBe(11);
    expect(monthOfWord('ARALIK')).toBe(11);
    expect(monthOfWord('декабря')).toBe(11);
    expect(monthOfWord('juil')).toBe(6);
    expect(monthOfWord('jui')).toBeUndefined();
    expect(monthOfWord('de')).toBeUndefined();
  });

  it('infers the day order of numeric dates from those that tell, else keeps what was known', () => {
    expect(numericDayOrder('29/06/2016')).toBe('dmy');
    expect(numericDayOrder('06/29/2016')).toBe('mdy');
    expect(numericDayOrder('06/07/2016')).toBe('ambiguous');
    expect(numericDayOrder('2016/06/07')).toBeNull();
    expect(inferDayOrder(['06/29/2016', '03/04/2016'])).toBe('mdy');
    expect(inferDayOrder(['03/04/2016'], 'mdy')).toBe('mdy');
    expect(inferDayOrder(['03/04/2016'])).toBeNull();
  });

  it('checks zones against the platform', () => {
    expect(isKnownZone('Europe/Istanbul')).toBe(true);
    expect(isKnownZone('+04:00')).toBe(true);
    expect(isKnownZone('Mars/Olympus')).toBe(false);
  });
});

const rss = (...dates: string[]) =>
  `<rss version="2.0"><channel><title>T</title>${dates.map((d, i) => `<item><title>e${i}</title><link>https://example.com/${i}</link><pubDate>${d}</pubDate></item>`).join('')}</channel></rss>`;

describe("a document read with its source's dates", () => {
  it('reads ambiguous numeric dates in the order its other dates show, and says which', async () => {
    const feed = await parseFeed(rss('03/04/2026 10:00', '12/25/2025 08:00'));
    expect(feed.dayOrder).toBe('mdy');
    expect(feed.entries.map((e) => e.publishedAt)).toEqual(['2026-03-04T10:00:00.000Z', '2025-12-25T08:00:00.000Z']);
  });

  it('keeps the known order when nothing in the document tells', async () => {
    const mdy = await parseFeed(rss('03/04/2026'), 500, { dates: { dayOrder: 'mdy' } });
    expect(mdy.entries[0]!.publishedAt).toBe('2026-03-04T00:00:00.000Z');
    expect(mdy.dayOrder).toBe('mdy');
    const unknown = await parseFeed(rss('03/04/2026'));
    expect(unknown.entries[0]!.publishedAt).toBe('2026-04-03T00:00:00.000Z');
    expect(unknown.dayOrder).toBeNull();
  });

  it('clamps dates after the fetch time to it and keeps what the source wrote', async () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    const feed = await parseFeed(rss('Mon, 07 Dec 2026 18:00:00 GMT', 'Mon, 07 Dec 2026 09:00:00 GMT'), 500, { now });
    expect(feed.entries[0]!.publishedAt).toBe('2026-12-07T12:00:00.000Z');
    expect(feed.entries[0]!.futureDates).toEqual({ publishedAt: '2026-12-07T18:00:00.000Z' });
    expect(feed.entries[1]!.publishedAt).toBe('2026-12-07T09:00:00.000Z');
    expect(feed.entries[1]!.futureDates).toBeUndefined();
  });

  it('reads zone-less dates in the source zone', async () => {
    const feed = await parseFeed(rss('07 Aralık 2026 14:30'), 500, { dates: { zone: 'Europe/Istanbul' } });
    expect(feed.entries[0]!.publishedAt).toBe('2026-12-07T11:30:00.000Z');
  });
});
