import { describe, expect, it } from 'vitest';
import { matchesChannel } from '../../src/publish/channel-filter.js';
import { articleItem, interviewItem } from './fixtures.js';

describe('matchesChannel: a channel filters by kind, sources, language and tags, all named conditions at once', () => {
  const interview = interviewItem(1); // az, outlets news-az + apa-az + ria, tags Qarabağ + политика
  const article = articleItem(1); // ru, outlet apa-az, no tags

  it('passes everything through an empty filter', () => {
    expect([interview, article].every((item) => matchesChannel(item, {}))).toBe(true);
  });

  it("matches kind, any listed outlet among all of a story's outlets, language and tags (case-insensitively)", () => {
    expect(matchesChannel(interview, { kind: 'interview' })).toBe(true);
    expect(matchesChannel(article, { kind: 'interview' })).toBe(false);
    expect(matchesChannel(interview, { sources: ['ria'] })).toBe(true);
    expect(matchesChannel(article, { sources: ['ria'] })).toBe(false);
    expect(matchesChannel(article, { language: 'ru' })).toBe(true);
    expect(matchesChannel(interview, { language: 'ru' })).toBe(false);
    expect(matchesChannel(interview, { tags: ['qarabağ'] })).toBe(true);
    expect(matchesChannel(article, { tags: ['qarabağ'] })).toBe(false);
  });

  it('requires every condition', () => {
    expect(matchesChannel(interview, { kind: 'interview', sources: ['ria'], language: 'az', tags: ['ПОЛИТИКА'] })).toBe(true);
    expect(matchesChannel(interview, { kind: 'interview', sources: ['ria'], language: 'en' })).toBe(false);
  });
});
