/**
 * Rules that keep or drop stories by their words: on channels and subscriptions (include/exclude, re-applied by the
 * channel backfill) and in feed URLs (`?filter=&filterout=`). Matching is by whole words in linear time: texts and
 * phrases are cut into words the same way (letters and digits; case, accents' composed forms and punctuation do not
 * matter) and a phrase matches where its words appear in a row; a trailing `*` matches any word starting so. A
 * rule may also give a regular expression (`pattern`), accepted only when `checkLinearPattern` proves it linear.
 * Pure: no I/O.
 */
import type { NormalizedItem } from './item.js';
import { checkLinearPattern } from './linear-pattern.js';

/**
 * What a rule can look at, each as the texts of a story it reads. One entry per field: a new field of the item (a
 * person id, say) becomes matchable by adding it here (the config schema takes its names from this table).
 */
export const RULE_FIELDS = {
  title: (item) => [item.title],
  summary: (item) => [item.summary],
  text: (item) => [item.contentText],
  author: (item) => [item.author],
  tags: (item) => item.tags ?? [],
  url: (item) => [item.url, ...item.sources.map((source) => source.itemUrl)],
  language: (item) => [item.language],
  source: (item) => item.sources.flatMap((source) => [source.id, source.name]),
  kind: (item) => [item.kind],
  interviewee: (item) => [item.interview?.interviewee?.name],
  role: (item) => [item.interview?.interviewee?.role],
  /** The interviewee's person id (`/api/v1/people`): one person across scripts and spellings. */
  personId: (item) => [item.interview?.interviewee?.personId],
} satisfies Record<string, (item: NormalizedItem) => Array<string | null | undefined>>;

export type RuleField = keyof typeof RULE_FIELDS;
export const RULE_FIELD_NAMES = Object.keys(RULE_FIELDS) as [RuleField, ...RuleField[]];

/** One rule: in these fields, any (or all) of these phrases, and the pattern if one is given. */
export interface StoryRule {
  field: RuleField | RuleField[];
  any?: string[];
  all?: string[];
  /** A regular expression over the fields' text as written: `/source/flags`, or a bare source (flags `iu`). */
  pattern?: string;
}

const PATTERN_LITERAL = /^\/(.+)\/([imsuv]*)$/s;

/** A rule's pattern as source and flags: `/oil|gas/i` → (`oil|gas`, `i`); a bare source gets `iu`. */
export function patternParts(pattern: string): { source: string; flags: string } {
  const literal = PATTERN_LITERAL.exec(pattern);
  return literal ? { source: literal[1]!, flags: literal[2]! } : { source: pattern, flags: 'iu' };
}

/** Why a pattern cannot be used (invalid, or not proven to run in linear time), or null when it can. */
export function patternProblem(pattern: string): string | null {
  const { source, flags } = patternParts(pattern);
  const check = checkLinearPattern(source, flags);
  return check.ok ? null : check.reason;
}

/** Compiled patterns, by their text (a backfill tests one rule against thousands of stories). */
const compiled = new Map<string, RegExp>();
function compile(pattern: string): RegExp {
  let regexp = compiled.get(pattern);
  if (!regexp) {
    const { source, flags } = patternParts(pattern);
    regexp = new RegExp(source, flags);
    if (compiled.size >= 1000) compiled.delete(compiled.keys().next().value!);
    compiled.set(pattern, regexp);
  }
  return regexp;
}

/** A channel's or subscription's rules: a story is kept when it meets the include rules and no exclude rule. */
export interface StoryRules {
  /** Whether a story must meet all include rules (the default) or any one of them. */
  match?: 'all' | 'any';
  include?: StoryRule[];
  exclude?: StoryRule[];
}

/** Longest text of one field that is read (a story's body can be long; rules look at its first 200,000 characters). */
const MAX_TEXT = 200_000;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;

/** A text as the words rules match: lower case, NFKC, every run of other characters one space, padded with spaces. */
export function wordsOf(text: string): string {
  return ` ${text.slice(0, MAX_TEXT).normalize('NFKC').toLowerCase().replace(NOT_WORD, ' ').trim()} `;
}

/** A phrase ready to look for in {@link wordsOf} texts; null when it has no word at all. */
export function phraseOf(phrase: string): string | null {
  const prefix = phrase.trimEnd().endsWith('*');
  const words = wordsOf(phrase).trim();
  if (!words) return null;
  return prefix ? ` ${words}` : ` ${words} `;
}

/** Answers whether a phrase (from {@link phraseOf}) occurs in any of the texts (from {@link wordsOf}). */
const occurs = (phrase: string, texts: string[]) => texts.some((text) => text.includes(phrase));

/**
 * A story's texts per field, cut into words once and only when a rule asks for them (a backfill tests many rules
 * against thousands of stories).
 */
export class StoryWords {
  private readonly cache = new Map<RuleField, string[]>();

  constructor(private readonly item: NormalizedItem) {}

  /** The texts of fields as written (for patterns), each cut to the length rules read. */
  rawOf(fields: RuleField | RuleField[]): string[] {
    return (Array.isArray(fields) ? fields : [fields])
      .flatMap((field) => RULE_FIELDS[field](this.item))
      .filter((text): text is string => typeof text === 'string' && text.length > 0)
      .map((text) => text.slice(0, MAX_TEXT));
  }

  of(field: RuleField): string[] {
    let texts = this.cache.get(field);
    if (!texts) {
      texts = RULE_FIELDS[field](this.item)
        .filter((text): text is string => typeof text === 'string' && text.length > 0)
        .map(wordsOf);
      this.cache.set(field, texts);
    }
    return texts;
  }

  /** The texts of several fields together. */
  ofFields(fields: RuleField | RuleField[]): string[] {
    return (Array.isArray(fields) ? fields : [fields]).flatMap((field) => this.of(field));
  }
}

/**
 * Answers whether a story meets one rule: any phrase of `any` (if given), every phrase of `all` (if given), and its
 * pattern (if given; callers validated it with {@link patternProblem}).
 */
export function meetsRule(words: StoryWords, rule: StoryRule): boolean {
  if (rule.pattern !== undefined) {
    const regexp = compile(rule.pattern);
    if (!words.rawOf(rule.field).some((text) => regexp.test(text))) return false;
  }
  if (rule.any === undefined && rule.all === undefined) return true;
  const texts = words.ofFields(rule.field);
  const phrases = (list: string[] | undefined) => (list ?? []).map(phraseOf).filter((p): p is string => p !== null);
  if (rule.any && !phrases(rule.any).some((phrase) => occurs(phrase, texts))) return false;
  if (rule.all && !phrases(rule.all).every((phrase) => occurs(phrase, texts))) return false;
  return true;
}

/** Why a story is kept or dropped by rules: `kept`, or the rule that drops it (`include[1]`, `exclude[0]`). */
export function judgeStory(item: NormalizedItem | StoryWords, rules: StoryRules | undefined): { kept: true } | { kept: false; because: string } {
  if (!rules) return { kept: true };
  const words = item instanceof StoryWords ? item : new StoryWords(item);
  const include = rules.include ?? [];
  if (include.length) {
    const met = include.map((rule) => meetsRule(words, rule));
    if (rules.match === 'any' ? !met.includes(true) : met.includes(false)) {
      return { kept: false, because: rules.match === 'any' ? 'no include rule matched' : `include[${met.indexOf(false)}] did not match` };
    }
  }
  const excluded = (rules.exclude ?? []).findIndex((rule) => meetsRule(words, rule));
  if (excluded >= 0) return { kept: false, because: `exclude[${excluded}] matched` };
  return { kept: true };
}

/** Answers whether rules keep a story (none: every story is kept). */
export function rulesKeep(item: NormalizedItem, rules: StoryRules | undefined): boolean {
  return judgeStory(item, rules).kept;
}

/** What a feed URL's `filter` and `filterout` look at (RSSHub's filters read a story's title and description likewise). */
export const FEED_FILTER_FIELDS: RuleField[] = ['title', 'summary', 'author', 'tags', 'kind', 'interviewee'];

/** The alternatives of a feed URL filter: words or phrases separated by `|` (`putin|lavrov`), each with a word. */
export function filterAlternatives(filter: string): string[] {
  return filter.split('|').filter((alternative) => phraseOf(alternative) !== null);
}

/** Answers whether a feed URL filter is a pattern (`/oil|gas/i`) rather than words. */
const isPatternFilter = (filter: string) => PATTERN_LITERAL.test(filter);

/** Why a feed URL filter cannot be used, or null: words need a letter or digit, a pattern must be proven linear. */
export function feedFilterProblem(filter: string): string | null {
  if (isPatternFilter(filter)) {
    const problem = patternProblem(filter);
    return problem === null ? null : `the pattern is refused: ${problem}`;
  }
  return filterAlternatives(filter).length > 0 ? null : 'must name a word or phrase (alternatives separated by |), or be a pattern (/oil|gas/i)';
}

/** The rule a feed URL filter stands for, over {@link FEED_FILTER_FIELDS}. */
function feedFilterRule(filter: string): StoryRule {
  return isPatternFilter(filter) ? { field: FEED_FILTER_FIELDS, pattern: filter } : { field: FEED_FILTER_FIELDS, any: filterAlternatives(filter) };
}

/**
 * The rules of a feed URL's `filter` (keep stories with any of its alternatives) and `filterout` (drop those with
 * any of its alternatives), over {@link FEED_FILTER_FIELDS}; undefined when neither is given.
 */
export function feedFilterRules(filter: string | undefined, filterout: string | undefined): StoryRules | undefined {
  if (filter === undefined && filterout === undefined) return undefined;
  return {
    ...(filter !== undefined ? { include: [feedFilterRule(filter)] } : {}),
    ...(filterout !== undefined ? { exclude: [feedFilterRule(filterout)] } : {}),
  };
}
