import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { ImageRef, QaTurn } from '../../src/core/item.js';
import { analyzeArticle } from '../../src/normalize/article/analyze-article.js';
import { isFurniture, parseCaption } from '../../src/normalize/article/boilerplate.js';
import { detectLanguage } from '../../src/normalize/article/language.js';
import { KNOWN_LANGUAGES, LEXICONS, type Lexicon } from '../../src/normalize/lexicon/index.js';
import { MAY_BE_EMPTY } from '../../src/normalize/lexicon/lexicon.js';
import { assignTurnIds } from '../../src/core/turn-ids.js';

/**
 * "Adding a language is one file plus fixtures": every registered lexicon fills every field, has its fixtures in
 * tests/fixtures/languages/<code>.json and .html, and reads them right; and no normalize file outside
 * src/normalize/lexicon/ spells a language's words itself.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'tests/fixtures/languages');
const NORMALIZE = join(ROOT, 'src/normalize');

/** One language's fixtures: an interview page (`<code>.html`) and lines each rule must get right. */
interface LanguageFixture {
  title: string;
  sourceName: string;
  expected: {
    interviewee: { name: string; role?: string };
    interviewer: string;
    turns: QaTurn[];
    images: ImageRef[];
    /** Furniture of the page that must appear in none of intro, qa and contentText. */
    mustNotContain: string[];
  };
  /** Lines that are site furniture. */
  furniture: string[];
  /** Lines that look a little like furniture but are the story's. */
  prose: string[];
  captions: { text: string; caption?: string; credit: string }[];
  /** A sentence or two that `detectLanguage` must recognize as the language. */
  detect: string;
}

function fixtureOf(code: string): { labels: LanguageFixture; body: string } {
  return {
    labels: JSON.parse(readFileSync(join(FIXTURES, `${code}.json`), 'utf8')) as LanguageFixture,
    body: readFileSync(join(FIXTURES, `${code}.html`), 'utf8'),
  };
}

/** Fields whose absence the `Lexicon` type allows (`?`): a language without them leaves them out. */
const OPTIONAL = ['people.nameCases', 'signature.ownLetters', 'signature.scriptDefault', 'interviewWords'];

/** Every field of a lexicon by its dotted path, down to arrays and scalars (a name grammar is one field). */
function fields(value: unknown, path = ''): [string, unknown][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || path === 'people.nameCases') return [[path, value]];
  return Object.entries(value).flatMap(([key, child]) => fields(child, path ? `${path}.${key}` : key));
}

/** The word lists of a lexicon (every array of strings), with their paths. */
const wordLists = (lexicon: Lexicon): [string, string[]][] =>
  fields(lexicon).filter((f): f is [string, string[]] => Array.isArray(f[1]) && f[1].every((entry) => typeof entry === 'string'));

describe('the lexicon registry', () => {
  it('lists every language once, with its signature under its own code', () => {
    const codes = KNOWN_LANGUAGES.map((language) => language.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const language of KNOWN_LANGUAGES) if (language.signature) expect(language.signature.code).toBe(language.code);
    expect(LEXICONS.map((lexicon) => lexicon.code)).toEqual(['en', 'ru', 'az', 'tr']);
  });

  it.each(LEXICONS.map((lexicon) => [lexicon.name, lexicon] as const))(
    '%s fills every field, every list non-empty unless it may be empty',
    (_name, lexicon) => {
      const all = new Set(LEXICONS.flatMap((other) => fields(other).map(([path]) => path)));
      const own = new Map(fields(lexicon));
      const missing = [...all].filter((path) => !own.has(path) && !OPTIONAL.some((optional) => path.startsWith(optional)));
      expect(missing).toEqual([]);
      const empty = [...own].filter(([, value]) => (Array.isArray(value) || typeof value === 'string') && value.length === 0).map(([path]) => path);
      expect(empty.filter((path) => !MAY_BE_EMPTY.includes(path))).toEqual([]);
    },
  );

  it('uses every field a language may leave empty in at least one language', () => {
    for (const path of MAY_BE_EMPTY) {
      const filled = LEXICONS.some((lexicon) => (fields(lexicon).find(([p]) => p === path)?.[1] as unknown[] | undefined)?.length);
      expect(filled, path).toBe(true);
    }
  });

  it.each(LEXICONS.map((lexicon) => [lexicon.name, lexicon] as const))('%s writes words, not regular expressions', (_name, lexicon) => {
    for (const [path, list] of wordLists(lexicon)) {
      for (const entry of list) {
        // Allowed: letters, digits, spaces between words, `*` closing a word, a closing ` …`, and . & ' - (in words).
        const bare = entry.replace(/ \u2026$/u, '').replace(/\*(?= |$)/gu, '');
        expect(bare, `${lexicon.code} ${path}: "${entry}"`).toMatch(/^[\p{L}\p{M}\p{N}.&'\u2019-]+(?: [\p{L}\p{M}\p{N}.&'\u2019-]+)*$/u);
      }
    }
    const lowerCase = [...lexicon.turns.questionWords, ...lexicon.turns.answerWords, ...lexicon.signature.stopwords];
    expect(lowerCase.filter((word) => word !== word.toLocaleLowerCase(lexicon.code))).toEqual([]);
  });

  it('has fixtures for every registered language', () => {
    for (const lexicon of LEXICONS) {
      expect(existsSync(join(FIXTURES, `${lexicon.code}.json`)), `${lexicon.code}.json`).toBe(true);
      expect(existsSync(join(FIXTURES, `${lexicon.code}.html`)), `${lexicon.code}.html`).toBe(true);
    }
  });
});

describe.each(LEXICONS.map((lexicon) => [lexicon.name, lexicon.code] as const))('%s fixtures', (_name, code) => {
  const { labels, body } = fixtureOf(code);

  it('reads the interview page: language, turns, interviewee, interviewer, pictures; no furniture left', () => {
    const result = analyzeArticle({ title: labels.title, html: body, sourceName: labels.sourceName });
    expect(result.kind, JSON.stringify(result.evidence)).toBe('interview');
    expect(result.language).toBe(code);
    expect(result.interview?.qa).toEqual(assignTurnIds(labels.expected.turns));
    expect(result.interview?.interviewee).toEqual(labels.expected.interviewee);
    expect(result.interview?.interviewer).toBe(labels.expected.interviewer);
    expect(result.images).toEqual(labels.expected.images);
    const texts = [result.contentText, result.interview?.intro ?? '', ...(result.interview?.qa ?? []).flatMap((t) => [t.question, t.answer])];
    for (const furniture of labels.expected.mustNotContain)
      expect(
        texts.filter((t) => t.includes(furniture)),
        furniture,
      ).toEqual([]);
  });

  it('takes its furniture lines out and leaves its prose', () => {
    expect(labels.furniture.filter((line) => !isFurniture(line, { title: labels.title }))).toEqual([]);
    expect(labels.prose.filter((line) => isFurniture(line, { title: labels.title }))).toEqual([]);
  });

  it('splits captions from their credits', () => {
    for (const { text, caption, credit } of labels.captions) expect(parseCaption(text), text).toEqual(caption ? { caption, credit } : { credit });
  });

  it('recognizes its language', () => {
    expect(detectLanguage(labels.detect)).toBe(code);
  });
});

/** Every .ts file under a folder. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** The normalize files that must not spell language words: all but the lexicons. */
const CODE_FILES = tsFiles(NORMALIZE).filter((path) => !relative(NORMALIZE, path).startsWith('lexicon'));

/** The literals of a file (strings, template parts, regular expressions), comments left out, with their line. */
function literals(path: string): { line: number; text: string; pattern: boolean }[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: { line: number; text: string; pattern: boolean }[] = [];
  const at = (node: ts.Node): number => source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  const visit = (node: ts.Node, inPattern: boolean): void => {
    if (ts.isRegularExpressionLiteral(node)) found.push({ line: at(node), text: node.text, pattern: true });
    else if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      found.push({ line: at(node), text: node.text, pattern: inPattern });
    }
    const pattern = inPattern || (ts.isNewExpression(node) && node.expression.getText(source) === 'RegExp');
    ts.forEachChild(node, (child) => visit(child, pattern));
  };
  visit(source, false);
  return found;
}

/** Letters outside ASCII: the mark of a language's words (punctuation such as « » or — is no letter). */
const NON_ASCII_LETTER = /[^\P{L}\p{ASCII}]/u;

/**
 * Patterns whose words are not a language's but markup's: class names of page widgets are English words whatever
 * the article's language ("share", "related"), the vocabulary of HTML templates.
 */
// Class and id words of site widgets are markup, not language; they live in src/content/main-content.ts (outside this scan).
const MARKUP_PATTERNS: Record<string, string> = {};

describe('language words live in the lexicons only', () => {
  it('no normalize file outside lexicon/ has a letter beyond ASCII in its code (comments may quote examples)', () => {
    const offending = CODE_FILES.flatMap((path) =>
      literals(path)
        .filter((literal) => NON_ASCII_LETTER.test(literal.text))
        .map((literal) => `${relative(ROOT, path)}:${literal.line} ${literal.text.slice(0, 60)}`),
    );
    expect(offending).toEqual([]);
  });

  it('no regular expression outside lexicon/ spells a word of a lexicon', () => {
    // Words of two letters or more from every list of every lexicon ("read", "also", "interview", "by").
    const words = new Set(
      LEXICONS.flatMap((lexicon) => wordLists(lexicon).flatMap(([, list]) => list.flatMap((entry) => entry.toLowerCase().match(/\p{L}{2,}/gu) ?? []))),
    );
    const offending = CODE_FILES.flatMap((path) => {
      const markup = MARKUP_PATTERNS[relative(ROOT, path)];
      return literals(path)
        .filter((literal) => literal.pattern && !(markup && literal.text.includes(markup)))
        .flatMap((literal) =>
          // A run of letters not escaped (\s, \p{L}) nor a property value ({Ll}, Script=Latin).
          (literal.text.match(/(?<![\\{=\p{L}])\p{L}{2,}/gu) ?? [])
            .filter((word) => words.has(word.toLowerCase()))
            .map((word) => `${relative(ROOT, path)}:${literal.line} "${word}" in ${literal.text.slice(0, 60)}`),
        );
    });
    expect(offending).toEqual([]);
    // The scan does see patterns: it finds the widget words' pattern, which would fire were it in a normalize file.
    expect(literals(join(ROOT, 'src/content/main-content.ts')).some((literal) => literal.pattern && /\bshare\b/.test(literal.text))).toBe(true);
  });
});
