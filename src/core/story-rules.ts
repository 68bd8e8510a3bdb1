/**
 * Rules that keep or drop stories by their words: on channels and subscriptions (include/exclude, re-applied by the
 * channel backfill) and in feed URLs (`?filter=&filterout=`). Matching is by whole words in linear time: texts and
 * phrases are cut into words the same way (letters and digits; case, accents' composed forms and punctuation do not
 * matter) and a phrase matches where its words appear in a row; a trailing `*` matches any word starting so.
 * Pure: no I/O.
 */
import type { NormalizedItem } from './item.js';

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
} satisfies Record<string, (item: NormalizedItem) => Array<string | null | undefined>>;

export type RuleField = keyof typeof RULE_FIELDS;
export const RULE_FIELD_NAMES = Object.keys(RULE_FIELDS) as [RuleField, ...RuleField[]];

/** One rule: in these fields, any (or all) of these phrases. */
export interface StoryRule {
  field: RuleField | RuleField[];
  any?: string[];
  all?: string[];
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

/** Answers whether a story meets one rule: any phrase of `any` (if given) and every phrase of `all` (if given). */
export function meetsRule(words: StoryWords, rule: StoryRule): boolean {
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

/**
 * The rules of a feed URL's `filter` (keep stories with any of its alternatives) and `filterout` (drop those with
 * any of its alternatives), over {@link FEED_FILTER_FIELDS}; undefined when neither is given.
 */
export function feedFilterRules(filter: string | undefined, filterout: string | undefined): StoryRules | undefined {
  if (filter === undefined && filterout === undefined) return undefined;
  return {
    ...(filter !== undefined ? { include: [{ field: FEED_FILTER_FIELDS, any: filterAlternatives(filter) }] } : {}),
    ...(filterout !== undefined ? { exclude: [{ field: FEED_FILTER_FIELDS, any: filterAlternatives(filterout) }] } : {}),
  };
}
