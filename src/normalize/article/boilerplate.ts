import type { ImageRef } from '../../core/item.js';
import type { Block } from './blocks.js';
import { compareKey, endsSentence, squeeze, wordCount } from '../../content/text.js';
import { alternation, anyOf, entries, WORD_END, wordAlternation } from '../lexicon/compile.js';
import { KNOWN_LANGUAGES } from '../lexicon/index.js';
import { startsLikeTurn } from './markers.js';

/** What the furniture rules need to know about the article. */
export interface BoilerplateContext {
  title: string;
  /** The outlet's display name: a paragraph holding only it is a sign-off. */
  sourceName?: string;
  /** Per-source patterns (regular expression source); a block matching one entirely is removed. */
  removePatterns?: readonly string[];
  /** The article's own address: a line that is only a link to its own site is a share widget's permalink. */
  pageUrl?: string;
}

/** The body without furniture; pictures stay in place as image blocks carrying their final reference. */
export interface CleanBody {
  blocks: CleanBlock[];
  images: ImageRef[];
}

/** A content block; image blocks carry the picture with its caption and credit sorted out. */
export type CleanBlock = Block & { ref?: ImageRef };

/** What a language switcher shows: every known language's labels, case-sensitive ("EN", "Русский"). */
const SWITCHER_LABEL = alternation([...new Set(KNOWN_LANGUAGES.flatMap((language) => language.switcherLabels))]);
/** A line of language codes or names only: `EN`, `AZ | RU | EN`, `English Русский`. */
// Between two labels a separator or white space, never both optional: `\s*[|]?\s*` splits a space two ways per label,
// which made a line of 45 labels and a stray word exponential.
const LANGUAGE_SWITCHER = new RegExp(`^${SWITCHER_LABEL}(?:(?:\\s*[|/·•,]\\s*|\\s+)${SWITCHER_LABEL})*$`, 'u');

/** Lines that point to other stories. */
const RELATED = new RegExp(`^${anyOf((lexicon) => lexicon.furniture.related)}${WORD_END}\\s*[-:\\u2013\\u2014]?`, 'iu');

/** Links that lead away: read-more, continue, share buttons. */
const LEAVE_LINK_ENTRIES = entries((lexicon) => lexicon.furniture.leaveLinks);
/** An entry that takes the rest of the line (`share on …`) needs no trailing marks, which would trade spaces with it. */
const LEAVE_LINKS = new RegExp(
  `^(?:${alternation(
    LEAVE_LINK_ENTRIES.filter((entry) => !entry.endsWith(' \u2026')),
    { caseless: true },
  )}\\s*[.\\u2026:\\u00bb>\\u2192]*|${alternation(
    LEAVE_LINK_ENTRIES.filter((entry) => entry.endsWith(' \u2026')),
    { caseless: true },
  )})$`,
  'iu',
);

/** Single words of page widgets: share buttons, counters' labels, bookmarks. */
const WIDGET_WORDS = new RegExp(`^${anyOf((lexicon) => lexicon.furniture.widgetWords)}\\s*[:.]?$`, 'iu');

/** Letters abbreviating thousands or millions after a counter's number ("1.2k"). */
const COUNT_SUFFIX = `[${entries((lexicon) => lexicon.furniture.counterSuffixes).join('')}]?`;
/** View, share and comment counters, bare numbers, datelines. */
const COUNTERS = [
  new RegExp(`^[\\d\\s.,]+${COUNT_SUFFIX}$`, 'iu'),
  // A number's spaces stand between digits only, so they never trade with the spaces before the noun.
  new RegExp(`^\\d(?:[\\d.,]|\\s(?=[\\d.,]))*${COUNT_SUFFIX}\\s*${anyOf((lexicon) => lexicon.furniture.counterNouns)}$`, 'iu'),
  new RegExp(`^${anyOf((lexicon) => lexicon.furniture.counterLabels)}(?:\\s*[:·])?\\s*\\d[\\d\\s.,]*${COUNT_SUFFIX}$`, 'iu'),
  /^\d{1,2}[./:-]\d{1,2}(?:[./-]\d{2,4})?(?:,?\s+\d{1,2}:\d{2})?$/,
  /^\d{1,2}\s+\p{L}+\s+\d{4}(?:,?\s+\d{1,2}:\d{2})?$/u,
];

/**
 * The date itself in a dateline, in the shapes pages print it: "22 de janeiro de 2018", "18 Nov 2019",
 * "November 20th, 2019", "Nov. 20, 2019", "20.11.2019", "2019-11-20". A month is any word here: the line's other
 * words are few (see {@link isDateLine}), which is what tells a dateline from a sentence holding a date.
 */
const DATE_CORE = [
  /\d{1,2}(?:st|nd|rd|th)?\.? (?:\p{Ll}{1,3} )?\p{L}{3,12}\.?,? (?:\p{Ll}{1,3} )?(?:19|20)\d\d(?!\d)/u,
  /\p{L}{3,12}\.? \d{1,2}(?:st|nd|rd|th)?,? (?:19|20)\d\d(?!\d)/u,
  /(?<!\d)\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d\d(?!\d)/,
  /(?<!\d)(?:19|20)\d\d[./-]\d{1,2}[./-]\d{1,2}(?!\d)/,
];
/** A clock time with its marks: "0:13", "11:21 pm", "4:10pm", "6:02 AM", "19h30". */
const CLOCK_TIME = /\d{1,2}[:h.]\d\d(?::\d\d)?(?: ?[ap]\.?m\.?)?/giu;
/** Longest dateline, and the most words besides the date (weekday, "Updated", "Posted on", "by Admin", a zone). */
const MAX_DATELINE_CHARS = 100;
const MAX_DATELINE_WORDS = 5;

/**
 * True for a line that is a date with a few words around it: "Updated: 18 Nov 2019, 19:11", "segunda-feira,
 * 22 de janeiro de 2018 às 0:13", "Posted on March 30, 2015 by Admin", "Published 11:26 pm EST, Tuesday,
 * November 19, 2019". Pages print these above or below the story; no sentence of it is that short and that dated.
 */
function isDateLine(flat: string): boolean {
  // A quotation's attribution ("— Name (@handle) November 18, 2019") closes an embedded post that is part of the story.
  if (flat.length > MAX_DATELINE_CHARS || !/(?:19|20)\d\d/.test(flat) || /^[-\u2013\u2014]|@/u.test(flat)) return false;
  const spaced = flat.replace(/\s+/g, ' ');
  const core = DATE_CORE.map((re) => re.exec(spaced)).find((m) => m !== null);
  if (!core) return false;
  const rest = (spaced.slice(0, core.index) + ' ' + spaced.slice(core.index + core[0].length)).replace(CLOCK_TIME, ' ');
  const words = rest.match(/\p{L}+/gu) ?? [];
  return words.length <= MAX_DATELINE_WORDS && !/\d{3,}/.test(rest.replace(/(?:19|20)\d\d/g, ''));
}

/** Links of a block's inline HTML, with what they hold. */
const LINK_ELEMENT = /<a\b[^>]*>[^]*?<\/a\s*>/gi;

/** True when all of a block's text sits inside links: a headline pointing to another page, a button. */
function isWhollyLink(block: Block): boolean {
  if (block.kind === 'image' || !/<a\b/i.test(block.html)) return false;
  return squeeze(block.html.replace(LINK_ELEMENT, ' ').replace(/<[^<>]*>/g, ' ')) === '';
}

/** Consecutive link-only lines from which a run is a list of other stories ("You may also like"), not the story. */
const MIN_LINK_RUN = 3;
/** The longest heading taken with the link list it opens ("More Great WIRED Stories"). */
const MAX_LIST_HEADING_CHARS = 40;

/**
 * Indexes of the blocks that are lists of other stories: runs of {@link MIN_LINK_RUN} or more link-only lines
 * (with a short unpunctuated heading just before), and single link-only lines written all in capitals ("CLICK
 * HERE TO GET THE APP", a shouted related headline between two paragraphs).
 */
function linkListBlocks(blocks: readonly Block[]): Set<number> {
  const found = new Set<number>();
  let start = 0;
  for (let i = 0; i <= blocks.length; i += 1) {
    const block = blocks[i];
    if (block && isWhollyLink(block)) {
      const letters = block.text.replace(/[^\p{L}]/gu, '');
      if (wordCount(block.text) >= 3 && letters.length >= 10 && letters === letters.toUpperCase() && letters !== letters.toLowerCase()) found.add(i);
      continue;
    }
    if (i - start >= MIN_LINK_RUN) {
      for (let j = start; j < i; j += 1) found.add(j);
      const heading = blocks[start - 1];
      if (heading && heading.kind !== 'image' && heading.text.length <= MAX_LIST_HEADING_CHARS && !endsSentence(heading.text)) found.add(start - 1);
    }
    start = i + 1;
  }
  return found;
}

/** A crumb naming the site's home page, which opens most breadcrumb trails. */
const HOME_CRUMB = new RegExp(`^${anyOf((lexicon) => lexicon.furniture.homeCrumbs)}$`, 'iu');
/** The marks that part the crumbs of a trail. */
const CRUMB_SEPARATOR = /(?<!\s)\s*[/»>›|→]\s*/u;
/** One crumb: a section's name of up to four words, the first capitalised ("Xarici siyasət", "Elm və təhsil"). */
const CRUMB = /^\p{Lu}[\p{L}\p{M}\p{N}'\u2019&-]*(?: [\p{L}\p{M}\p{N}'\u2019&-]+){0,3}$/u;

/**
 * True for a breadcrumb trail: "Home / Politics", "Главная / Политика / Интервью", "Home > World > Europe".
 * Every crumb is a short capitalised name and the line has no sentence punctuation or quotes, so a sentence
 * with a slash ("EU/US relations were discussed at length") is none. A single separator makes a trail only
 * when it starts from the home page ("Ana səhifə » Siyasət") or sits at the top of the body, before the story.
 */
function isBreadcrumb(flat: string, atTop = false): boolean {
  // "»" parts crumbs, but an opening "«" is a quotation's.
  if (flat.length > 120 || /[.,;:!?()"«\u201c\u201d\u201e]/u.test(flat)) return false;
  const crumbs = flat.split(CRUMB_SEPARATOR);
  if (crumbs.length < 2 || crumbs.length > 8 || !crumbs.every((c) => c.length <= 30 && CRUMB.test(c))) return false;
  return crumbs.length > 2 || atTop || HOME_CRUMB.test(crumbs[0]!);
}

/** Longest paragraph taken for a notice to the reader: a notice says its piece in a sentence or two. */
const MAX_NOTICE_CHARS = 250;

/** The notices of every known language, each as a pattern of its topics and one of its actions (whole words). */
const NOTICES = KNOWN_LANGUAGES.flatMap((language) => language.notices ?? []).map((notice) => ({
  topic: new RegExp(`${wordAlternation(notice.topics, { caseless: true })}${WORD_END}`, 'iu'),
  action: new RegExp(`${wordAlternation(notice.actions, { caseless: true })}${WORD_END}`, 'iu'),
}));

/**
 * Any notice's topic, in one pattern: a necessary condition of every notice, so a paragraph is scanned once, not once
 * per notice of every language.
 */
const ANY_NOTICE_TOPIC = new RegExp(
  `${wordAlternation(
    KNOWN_LANGUAGES.flatMap((language) => language.notices ?? []).flatMap((notice) => notice.topics),
    { caseless: true },
  )}${WORD_END}`,
  'iu',
);

/** True for a short notice to the reader: a newsletter sign-up, a cookie banner, a comment policy, a follow-us line. */
function isReaderNotice(flat: string): boolean {
  if (flat.length > MAX_NOTICE_CHARS || !ANY_NOTICE_TOPIC.test(flat)) return false;
  return NOTICES.some((notice) => notice.topic.test(flat) && notice.action.test(flat));
}

/** A bare domain name (a source widget's label), or one with a path: "news.az", "report.az/en/". */
const BARE_DOMAIN = /^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:\/\S*)?$/i;
/** A bare URL with its scheme: furniture when it points to the page's own site (a permalink), else a reference the story cites. */
const BARE_URL = /^https?:\/\/\S+$/i;

/** The host of an address without its `www.`, lower case; null when it is none. */
function siteOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '') || null;
  } catch {
    return null;
  }
}

/** True for a line that is only a link to the page's own site (`site`), a share widget's permalink. */
function isOwnLink(flat: string, site: string | null): boolean {
  return site !== null && BARE_URL.test(flat) && siteOf(flat) === site;
}

/** Sign-offs and notes that close a story without being part of it. */
const SIGN_OFFS = [
  /^\/[^/]{2,40}\/$/u, // "/AZERTAC/"
  // "Source: News.Az" / "(Source: Report.az)": a dot inside a name is part of it; a dot then a space ends a sentence.
  new RegExp(`^[([]?${anyOf((lexicon) => lexicon.furniture.sourceLabels)}\\s*:\\s*(?:[^.]|\\.(?=\\S)){1,60}\\.?[)\\]]?$`, 'iu'),
  new RegExp(`^${anyOf((lexicon) => lexicon.furniture.interviewerCredits)}(?:\\s*:)?\\s*[\\p{L}.'-][\\p{L}\\s.'-]{1,59}$`, 'iu'),
  new RegExp(`^${anyOf((lexicon) => lexicon.furniture.editorNotes)} .{0,80}$`, 'iu'),
  new RegExp(`^${anyOf((lexicon) => lexicon.furniture.tagLabels)}\\s*:.{0,200}$`, 'iu'),
  // "Copyright © 2019 Press TV. All rights reserved.", "Copyright @ 2019 The New Arab.": the page's, not the story's.
  /^(?:copyright|\(c\)|©)(?:\s*[©@])?\s*(?:19|20)\d\d(?:\s*[-\u2013]\s*(?:19|20)\d\d)?(?![\p{L}\p{N}]).{0,100}$/iu,
  // An unrendered shortcode of the site's publishing system: "[button link=…] Send us your review[/button]".
  /^\[[a-z][\w-]{1,20}(?:\s[^\]]{0,300})?\][^[\]]{0,200}\[\/[a-z][\w-]{1,20}\]$/iu,
  // "Reporting by Jane Roe; Editing by John Doe": the wire's staff, after the story.
  new RegExp(`^${anyOf((lexicon) => lexicon.furniture.staffCredits)}\\s+\\p{L}.{0,300}$`, 'iu'),
  // Without the colon, the tags are a list: "Tags stock car 2018, stock car brasil, interlagos".
  new RegExp(`^${anyOf((lexicon) => lexicon.furniture.tagLabels)}\\s[^,.!?]{1,100}(?:,[^,.!?]{1,100}){1,40},?$`, 'iu'),
];

/** The words that introduce a credit: "Photo", "Фото", "Şəkil". */
const CREDIT_WORDS = anyOf((lexicon) => lexicon.captions.creditWords);
/** "by" after a credit word: "Photo by J. Smith". */
const CREDIT_BY = anyOf((lexicon) => lexicon.captions.creditBy);
/** `Photo: Flickr`, `Фото: РИА Новости`, `© Reuters`. */
const CREDIT_LINE = new RegExp(`^(?:${CREDIT_WORDS}(?:\\s*${CREDIT_BY})?\\s*[:©\\-–—]\\s*|©\\s*)(\\S[^]{0,79})$`, 'iu');
/** A caption whose bracketed credit closes it: `… on June 4. (Photo: AZERTAC)`, `… [Фото: Report.az]`. */
const CAPTION_WITH_BRACKETED_CREDIT = new RegExp(
  `^([^]{8,500}?)\\s*[([]\\s*${CREDIT_WORDS}(?:\\s*${CREDIT_BY})?(?:\\s*[:©])?\\s*([^()[\\]\\s](?:[^()[\\]]{0,79}[^()[\\]\\s])?)\\s*[)\\]]\\.?$`,
  'iu',
);
/**
 * A caption whose credit follows its last sentence without brackets: `… in Baku. Photo: AZERTAC`,
 * `… в Ханкенди. Фото: Report.az.`, `… Photo by J. Smith`. Prose can read the same way, so the credit must
 * also pass {@link looksLikeCredit}.
 */
const CAPTION_WITH_TRAILING_CREDIT = new RegExp(
  `^([^]{8,500}?[.!?\u2026]["'\u201d\u00bb)]*)\\s+(?:${CREDIT_WORDS}(?:\\s+${CREDIT_BY}\\s+|\\s*:\\s*|\\s+[-\u2013\u2014]\\s+)|©\\s*)([^]{1,60}?)\\.?$`,
  'iu',
);

/** A caption closed by a bare bracketed source, `… in May (AZERTAC)`: read so only where the block is a caption by its place and style. */
const CAPTION_WITH_BARE_CREDIT = /^([^]{8,500}?)\s*[([]([^()[\]]{1,60})[)\]]\.?$/u;

/** Inline HTML that is wholly italic or small print: how sites set a caption under a picture as a paragraph. */
const CAPTION_STYLED = /^\s*<(em|i|small)\b[^>]*>[^]*<\/\1>\s*$/i;

/** Longest text taken for a caption by its place after a picture. */
const MAX_CAPTION_CHARS = 300;

/** Fewest words of a caption that is a phrase (no closing punctuation): two words are more often a subheading. */
const MIN_PHRASE_CAPTION_WORDS = 3;

/** An item of an enumeration ("1) …", "2. …", "a) …", "• …"): a list the article goes through, not a caption. */
const ENUMERATED_ITEM = /^(?:\p{N}{1,3}|\p{Ll})[).]\s|^[•·▪–—-]\s/u;

/** Where a phrase may end: a letter, digit, closing bracket or quote (not a comma, colon or dash that leads on). */
const PHRASE_END = /[\p{L}\p{N})\]"'\u201d\u00bb]$/u;

/** Words of three letters or more, lower-cased: what an alt text and a caption are compared by. */
function contentWords(text: string): string[] {
  return text.toLocaleLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [];
}

/** True when the block repeats the picture's alt text (three words or more, at least 60 % of them), as CMSs do. */
function repeatsAlt(flat: string, alt: string): boolean {
  const altWords = contentWords(alt);
  if (altWords.length < 3) return false;
  const words = new Set(contentWords(flat));
  return altWords.filter((word) => words.has(word)).length >= 0.6 * altWords.length;
}

/** A source set off at the end by a slash or a bar: `… in Ankara / AZERTAC`, `… | Reuters` (no regex: linear by construction). */
function separatedCredit(flat: string): { caption: string; credit: string } | null {
  const at = Math.max(flat.lastIndexOf(' / '), flat.lastIndexOf(' | '));
  if (at < 8) return null;
  const credit = squeeze(flat.slice(at + 3)).replace(/\.$/, '');
  return credit && looksLikeCredit(credit) && wordCount(credit) <= 5 ? { caption: squeeze(flat.slice(0, at)), credit } : null;
}

/**
 * The caption a block is by its place, right under a picture that has none, whatever its words: a short block that
 * reads as one. It asks nothing (no `?`, no turn marker, not bold) and is no furniture; then it is a caption when it
 * is set in italic or small print, closes with a source (`(AZERTAC)`, `/ Reuters`), is a phrase rather than a
 * sentence (three words or more, no closing punctuation), or repeats the picture's alt text. Null when it reads as
 * the story going on: a sentence after a picture inside an answer stays in the answer.
 */
function captionByPosition(block: Block, flat: string, alt: string): { caption?: string; credit?: string } | null {
  if (block.kind !== 'text' || flat.length > MAX_CAPTION_CHARS || /[?\uff1f]/u.test(flat)) return null;
  if (block.bold || block.leadBold !== '' || startsLikeTurn(flat)) return null;
  const bare = CAPTION_WITH_BARE_CREDIT.exec(flat);
  const bareCredit = bare ? squeeze(bare[2] ?? '') : '';
  if (bare && looksLikeCredit(bareCredit)) return { caption: squeeze(bare[1] ?? ''), credit: bareCredit };
  const separated = separatedCredit(flat);
  if (separated) return separated;
  if (CAPTION_STYLED.test(block.html)) return { caption: flat };
  if (!endsSentence(flat) && PHRASE_END.test(flat) && wordCount(flat) >= MIN_PHRASE_CAPTION_WORDS && !ENUMERATED_ITEM.test(flat)) return { caption: flat };
  return repeatsAlt(flat, alt) ? { caption: flat } : null;
}

/**
 * A necessary condition of {@link CREDIT_LINE} and the caption patterns: a credit word or `©` somewhere in the text,
 * so a text without any cannot match either pattern. Saves running the backtracking caption patterns over every
 * long paragraph.
 */
const CREDIT_HINT = new RegExp(`${CREDIT_WORDS}|©`, 'iu');

/** Credits that open in lowercase (word beginnings): a press service, an archive, the author, "courtesy of …". */
const LOWERCASE_CREDIT = new RegExp(`^${anyOf((lexicon) => lexicon.captions.lowercaseCredits)}`, 'iu');

/**
 * True when the text after an unbracketed `Photo:` names a source rather than going on with the story: a few
 * words, opening with a capital, a digit, `©`/`@` or a source noun ("пресс-служба МИД"), and no sentence
 * inside it (a full stop only after an initial: "J. Smith"). "… Photo: none of them survived" stays prose.
 */
function looksLikeCredit(credit: string): boolean {
  if (wordCount(credit) > 8 || /[!?]/.test(credit) || /(?<!(?:^|\s)\p{Lu})\.\s/u.test(credit)) return false;
  return /^[\p{Lu}\p{N}©@]/u.test(credit) || LOWERCASE_CREDIT.test(credit);
}

/** Splits caption text into caption and credit; null when the text carries no credit marker. */
export function parseCaption(text: string): { caption?: string; credit?: string } | null {
  if (!CREDIT_HINT.test(text)) return null;
  return parseFlatCaption(squeeze(text));
}

function parseFlatCaption(flat: string): { caption?: string; credit?: string } | null {
  const creditOnly = CREDIT_LINE.exec(flat);
  if (creditOnly) return { credit: squeeze(creditOnly[1] ?? '').replace(/[.;]$/, '') };
  const bracketed = CAPTION_WITH_BRACKETED_CREDIT.exec(flat);
  const trailing = bracketed ? null : CAPTION_WITH_TRAILING_CREDIT.exec(flat);
  const full = bracketed ?? (trailing && looksLikeCredit(trailing[2] ?? '') ? trailing : null);
  return full ? { caption: squeeze(full[1] ?? ''), credit: squeeze(full[2] ?? '') } : null;
}

/** The article's own keys, computed once per body rather than once per block. */
interface ContextKeys {
  titleKey: string;
  sourceKey: string | null;
  /** The page's own site ({@link siteOf}). */
  site: string | null;
}

function contextKeys(context: BoilerplateContext): ContextKeys {
  return { titleKey: compareKey(context.title), sourceKey: context.sourceName ? compareKey(context.sourceName) : null, site: siteOf(context.pageUrl) };
}

/** True when a block is site furniture by the generic rules or the source's own patterns. */
export function isFurniture(text: string, context: BoilerplateContext, extra: readonly RegExp[] = []): boolean {
  const flat = squeeze(text);
  return isFlatFurniture(flat, compareKey(flat), contextKeys(context), extra);
}

/** The title again, alone or with a short prefix or suffix ("News about -…", "… | News.Az"), or the outlet's name alone. */
function isTitleOrSource(key: string, keys: ContextKeys): boolean {
  const { titleKey } = keys;
  const aroundTitle = (key.endsWith(titleKey) || key.startsWith(titleKey)) && key.length - titleKey.length <= 30;
  if (titleKey !== '' && (key === titleKey || (titleKey.length >= 15 && aroundTitle))) return true;
  return keys.sourceKey !== null && key === keys.sourceKey;
}

/** True for a code unit that is or becomes a {@link compareKey} edge (white space, quote, dash, end punctuation). */
function mayBeKeyEdge(code: number): boolean {
  return code <= 0x40 || code === 0x60 || code === 0xa0 || code === 0xab || code === 0x1680 || code === 0xb4 || code === 0xbb || code >= 0x2000;
}

/**
 * Whether a squeezed line's compare key could pass {@link isTitleOrSource}: a key is never shorter than the line
 * less what may be edges at its ends (lower case never shortens a text), so a line longer than the title with room
 * for a prefix, and than the outlet's name, needs no key. Saves lower-casing and rewriting every paragraph.
 */
function keyMayMatter(flat: string, keys: ContextKeys): boolean {
  let start = 0;
  let end = flat.length;
  while (start < end && mayBeKeyEdge(flat.charCodeAt(start))) start += 1;
  while (end > start && mayBeKeyEdge(flat.charCodeAt(end - 1))) end -= 1;
  const longest = Math.max(keys.titleKey.length + 30, keys.sourceKey?.length ?? 0);
  return end - start <= longest;
}

/** {@link isFurniture} on a squeezed text whose compare key is known (null: it cannot be the title's nor the source's); `atTop`: no paragraph of the story precedes it. */
function isFlatFurniture(flat: string, key: string | null, keys: ContextKeys, extra: readonly RegExp[], atTop = false): boolean {
  if (flat === '') return true;
  if (key !== null && isTitleOrSource(key, keys)) return true;
  if (LANGUAGE_SWITCHER.test(flat) || isBreadcrumb(flat, atTop)) return true;
  // A link line has no sentence end, or sets the linked headline off with a colon or dash.
  if (flat.length <= 300 && RELATED.test(flat) && (!endsSentence(flat) || /^[^.!?]*[-:\u2013\u2014]/.test(flat))) return true;
  if (LEAVE_LINKS.test(flat) || WIDGET_WORDS.test(flat) || BARE_DOMAIN.test(flat) || isOwnLink(flat, keys.site)) return true;
  if (COUNTERS.some((re) => re.test(flat)) || SIGN_OFFS.some((re) => re.test(flat)) || isDateLine(flat) || isReaderNotice(flat)) return true;
  return extra.some((re) => re.test(flat));
}

/** Compiled per-source patterns by source text (null: the pattern does not compile); sources reuse their config. */
const patternCache = new Map<string, RegExp | null>();

function compilePatterns(patterns: readonly string[] | undefined): RegExp[] {
  const compiled: RegExp[] = [];
  for (const source of patterns ?? []) {
    let re = patternCache.get(source);
    if (re === undefined) {
      try {
        re = new RegExp(`^(?:${source})$`, 'iu');
      } catch {
        // A broken pattern in the config is reported by the config validator; here it simply matches nothing.
        re = null;
      }
      if (patternCache.size < 10_000) patternCache.set(source, re);
    }
    if (re) compiled.push(re);
  }
  return compiled;
}

/** What the furniture rules read of each block, computed once per body. */
interface BodyLines {
  /** Each block's text squeezed (whitespace folded). */
  flats: string[];
  /** Each block's comparison key; null where it cannot matter ({@link keyMayMatter}). */
  blockKeys: (string | null)[];
  keys: ContextKeys;
  /** The source's own `removePatterns`, compiled. */
  extra: RegExp[];
  /** Indexes of the blocks that form a list of links (related stories, tags). */
  linkLists: Set<number>;
}

function readLines(blocks: readonly Block[], context: BoilerplateContext): BodyLines {
  // squeeze is idempotent and compareKey squeezes first, so the key of the squeezed text is the text's key.
  const flats = blocks.map((b) => squeeze(b.text));
  const keys = contextKeys(context);
  return {
    flats,
    blockKeys: flats.map((flat) => (keyMayMatter(flat, keys) ? compareKey(flat) : null)),
    keys,
    extra: compilePatterns(context.removePatterns),
    linkLists: linkListBlocks(blocks),
  };
}

type CaptionParts = { caption?: string; credit?: string };

/** The kept blocks so far, a caption waiting for the picture under it, and whether the story has started. */
interface Sweep {
  out: CleanBlock[];
  pendingCaption: CaptionParts | null;
  /** The story has started once a kept paragraph ends a sentence; furniture lines come before that. */
  storyStarted: boolean;
}

/** A picture with neither caption nor credit yet (a text picture's `ref` has no URL). */
const uncaptioned = (b: CleanBlock | undefined): boolean => b?.ref !== undefined && b.ref.url !== '' && !b.ref.caption && !b.ref.credit;

/** A picture block with its caption and credit: its own figcaption's, over a caption line that stood above it. */
function pictureWithCaption(block: Block & { image: NonNullable<Block['image']> }, sweep: Sweep): CleanBlock {
  const parsed = block.image.caption ? (parseCaption(block.image.caption) ?? { caption: squeeze(block.image.caption) }) : {};
  const fromText = sweep.pendingCaption ?? {};
  sweep.pendingCaption = null;
  return { ...block, ref: { url: block.image.url, ...withoutEmpty({ ...fromText, ...parsed }) } };
}

/**
 * Right under an uncaptioned picture, a block that reads as a caption is its caption by position, wherever the
 * picture stands (inside an answer too), whatever its words. Answers whether the block became that caption.
 */
function takeCaptionByPosition(out: CleanBlock[], block: Block, i: number, lines: BodyLines): boolean {
  const previous = out[out.length - 1];
  if (!uncaptioned(previous) || isFlatFurniture(lines.flats[i]!, lines.blockKeys[i] ?? null, lines.keys, lines.extra)) return false;
  const byPosition = captionByPosition(block, lines.flats[i]!, previous!.image?.alt ?? '');
  if (!byPosition) return false;
  previous!.ref = { ...previous!.ref!, ...withoutEmpty(byPosition) };
  return true;
}

/**
 * Picture, short line, credit line: the line between them is the caption the credit closes. Answers whether the
 * credit line closed one (the short line then leaves the text for the picture).
 */
function creditClosesCaption(out: CleanBlock[], parsed: CaptionParts): boolean {
  const previous = out[out.length - 1];
  const beforePrevious = out[out.length - 2];
  const closes =
    parsed.credit &&
    !parsed.caption &&
    previous &&
    !previous.ref &&
    previous.kind === 'text' &&
    uncaptioned(beforePrevious) &&
    previous.text.length <= MAX_CAPTION_CHARS;
  if (!closes) return false;
  out.pop();
  beforePrevious!.ref = { ...beforePrevious!.ref!, caption: squeeze(previous.text), credit: parsed.credit };
  return true;
}

/**
 * A caption or credit line: to the picture above when it has room for it, else held for the picture right under it
 * (its own figcaption slot empty), else a picture reference of its own without URL.
 */
function attachCaption(sweep: Sweep, parsed: CaptionParts, next: Block | undefined): void {
  const previous = sweep.out[sweep.out.length - 1];
  if (previous?.ref && !previous.ref.credit && !(parsed.caption && previous.ref.caption)) {
    previous.ref = { ...previous.ref, ...withoutEmpty(parsed) };
  } else if (next?.kind === 'image' && next.image && next.image.caption === '') {
    // The caption sits above its picture: hand it to the picture's own figcaption slot.
    sweep.pendingCaption = parsed;
  } else {
    sweep.out.push({ kind: 'image', text: '', html: '', bold: false, leadBold: '', ref: { url: '', ...withoutEmpty(parsed) } });
  }
}

/** One block through the rules: a picture, a caption or credit, furniture (dropped) or the story's text (kept). */
function sweepBlock(sweep: Sweep, blocks: readonly Block[], i: number, lines: BodyLines): void {
  const block = blocks[i]!;
  if (block.kind === 'image' && block.image) {
    sweep.out.push(pictureWithCaption({ ...block, image: block.image }, sweep));
    return;
  }
  const parsed = CREDIT_HINT.test(block.text) ? parseFlatCaption(lines.flats[i]!) : null;
  if (!parsed && takeCaptionByPosition(sweep.out, block, i, lines)) return;
  if (parsed && creditClosesCaption(sweep.out, parsed)) return;
  if (parsed) {
    attachCaption(sweep, parsed, blocks[i + 1]);
    return;
  }
  if (lines.linkLists.has(i)) return;
  if (isFlatFurniture(lines.flats[i]!, lines.blockKeys[i] ?? null, lines.keys, lines.extra, !sweep.storyStarted)) return;
  sweep.storyStarted ||= endsSentence(block.text);
  sweep.out.push(block);
}

/** Widget leftovers at the very end: short, unpunctuated scraps after the last real paragraph. */
function dropTrailingScraps(out: CleanBlock[]): void {
  while (out.length > 0) {
    const last = out[out.length - 1]!;
    if (last.kind === 'image' || wordCount(last.text) > 3 || endsSentence(last.text)) break;
    out.pop();
  }
}

/**
 * Removes site furniture from the blocks and moves captions and credits out of the text into images.
 * Generic rules come first; `context.removePatterns` catch what a given source adds beyond them.
 */
export function removeBoilerplate(blocks: readonly Block[], context: BoilerplateContext): CleanBody {
  const lines = readLines(blocks, context);
  const sweep: Sweep = { out: [], pendingCaption: null, storyStarted: false };
  blocks.forEach((_, i) => sweepBlock(sweep, blocks, i, lines));
  const { out } = sweep;
  dropTrailingScraps(out);
  const images = out.filter((b) => b.ref).map((b) => b.ref!);
  // Furniture rules judge lines by their look; a body that is nothing but such a line ("Example description",
  // a two-word teaser) is the entry's only text, and removing it would leave the item empty.
  if (!out.some((b) => b.kind !== 'image')) {
    const texts = blocks.filter((b, i) => b.kind !== 'image' && lines.flats[i] !== '');
    if (texts.length > 0) return { blocks: [...texts, ...out], images };
  }
  return { blocks: out, images };
}

function withoutEmpty(parts: { caption?: string; credit?: string }): { caption?: string; credit?: string } {
  const result: { caption?: string; credit?: string } = {};
  if (parts.caption) result.caption = parts.caption;
  if (parts.credit) result.credit = parts.credit;
  return result;
}
