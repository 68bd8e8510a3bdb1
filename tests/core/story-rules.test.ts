import { describe, expect, it } from 'vitest';
import { storyRulesSchema } from '../../src/config/schema.js';
import { judgeStory, phraseOf, rulesKeep, wordsOf, type StoryRules } from '../../src/core/story-rules.js';
import { articleItem, interviewItem } from '../publish/fixtures.js';

const rules = (raw: unknown): StoryRules => storyRulesSchema.parse(raw);
const story = interviewItem(1, {
  title: 'Oil & Gas: Azerbaijan’s energy deal — “a new era”',
  summary: 'A sponsored overview of the Şahdəniz field.',
  author: 'Leyla Əliyeva',
  url: 'https://news.az/economy/energy-deal?utm=1',
  language: 'en-GB',
  tags: ['Energy', 'Caspian Sea'],
});

describe('story rules: whole words, linear time', () => {
  it('matches whole words and phrases whatever the case, punctuation and composed forms', () => {
    expect(wordsOf('Oil & Gas:  “A New” era')).toBe(' oil gas a new era ');
    expect(phraseOf('  ... ')).toBeNull();
    expect(rulesKeep(story, rules({ include: [{ field: 'title', any: ['GAS'] }] }))).toBe(true);
    expect(rulesKeep(story, rules({ include: [{ field: 'title', any: ['new era'] }] }))).toBe(true);
    // "era" is not a word of "energy": words, not substrings.
    expect(rulesKeep(story, rules({ include: [{ field: 'title', any: ['ergy'] }] }))).toBe(false);
    expect(rulesKeep(story, rules({ include: [{ field: 'title', any: ['energ*'] }] }))).toBe(true);
    // Decomposed "ə" (e + combining) in the text, composed in the rule: NFKC makes them one.
    expect(rulesKeep({ ...story, summary: 'Şahdəniz'.normalize('NFD') }, rules({ include: [{ field: 'summary', any: ['şahdəniz'] }] }))).toBe(true);
    expect(rulesKeep(story, rules({ include: [{ field: 'interviewee', any: ['трофимчук'] }] }))).toBe(true);
  });

  it('reads every field: tags, url, language, source, kind, author, role, text', () => {
    const keeps = (field: string, word: string) => rulesKeep(story, rules({ include: [{ field, any: [word] }] }));
    expect(keeps('tags', 'caspian sea')).toBe(true);
    expect(keeps('tags', 'football')).toBe(false);
    expect(keeps('url', 'news.az')).toBe(true);
    expect(keeps('url', 'ria.ru')).toBe(true); // another outlet's copy
    expect(keeps('language', 'en')).toBe(true);
    expect(keeps('language', 'ru')).toBe(false);
    expect(keeps('source', 'apa-az')).toBe(true);
    expect(keeps('source', 'РИА Новости')).toBe(true);
    expect(keeps('kind', 'interview')).toBe(true);
    expect(rulesKeep(articleItem(1), rules({ include: [{ field: 'kind', any: ['interview'] }] }))).toBe(false);
    expect(keeps('author', 'əliyeva')).toBe(true);
    expect(keeps('role', 'эксперт')).toBe(true);
    expect(keeps('text', 'вступление')).toBe(true);
    // An article has no interviewee: an interviewee rule never keeps it.
    expect(rulesKeep(articleItem(1), rules({ include: [{ field: 'interviewee', any: ['трофимчук'] }] }))).toBe(false);
  });

  it('combines any/all within a rule, all/any across include rules, and drops on any exclude rule', () => {
    expect(rulesKeep(story, rules({ include: [{ field: ['title', 'summary'], all: ['oil', 'sponsored'] }] }))).toBe(true);
    expect(rulesKeep(story, rules({ include: [{ field: 'title', all: ['oil', 'sponsored'] }] }))).toBe(false);
    const two = [
      { field: 'title', any: ['oil'] },
      { field: 'tags', any: ['football'] },
    ];
    expect(judgeStory(story, rules({ include: two }))).toEqual({ kept: false, because: 'include[1] did not match' });
    expect(judgeStory(story, rules({ include: two, match: 'any' }))).toEqual({ kept: true });
    expect(judgeStory(story, rules({ include: two, match: 'any', exclude: [{ field: 'summary', any: ['ad', 'sponsored'] }] }))).toEqual({
      kept: false,
      because: 'exclude[0] matched',
    });
    expect(judgeStory(story, rules({ exclude: [{ field: 'summary', any: ['unsponsored'] }] }))).toEqual({ kept: true });
    expect(rulesKeep(story, undefined)).toBe(true);
  });

  it('takes patterns proven linear, and refuses the others with the reason', () => {
    expect(rulesKeep(story, rules({ include: [{ field: 'url', pattern: '/economy/\\w+' }] }))).toBe(true);
    expect(rulesKeep(story, rules({ include: [{ field: 'title', pattern: '/^oil/' }] }))).toBe(false); // flags as written: case counts
    expect(rulesKeep(story, rules({ include: [{ field: 'title', pattern: '^oil' }] }))).toBe(true); // bare: iu
    expect(rulesKeep(story, rules({ include: [{ field: 'title', pattern: '^oil', any: ['football'] }] }))).toBe(false); // both must hold
    for (const pattern of ['(a+)+$', '/(\\w|\\d)*x/', '(a)\\1', '[unclosed']) {
      const parsed = storyRulesSchema.safeParse({ include: [{ field: 'title', pattern }] });
      expect(parsed.success, pattern).toBe(false);
      expect(parsed.error?.issues[0]?.message, pattern).toMatch(/^the pattern is refused: /);
    }
  });

  it('refuses rules with unknown fields, no words or neither any nor all', () => {
    for (const bad of [
      { include: [{ field: 'body', any: ['x'] }] },
      { include: [{ field: 'title', any: ['...'] }] },
      { include: [{ field: 'title' }] },
      { include: [{ field: 'title', any: [] }] },
      { include: [{ field: 'title', any: ['x'], regex: 'x' }] },
      { match: 'some' },
    ])
      expect(storyRulesSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});
