import { fmix32, fnv1a32 } from './hash.js';

/**
 * Lines that outlets add around a republished story. They are matched on a whole (trimmed) line only, and only
 * when the line is short, so a sentence of the story that happens to start with "Source" survives.
 */
const FURNITURE_LINE_PATTERNS: readonly RegExp[] = [
  /^(source|sources|via|credit|credits|photo|photos|image|picture|video|copyright|©|\(c\))\s*[:：|\-–—]/i,
  /^©/,
  /^(read more|read also|also read|read next|related|related articles?|see also|more on this|recommended|don'?t miss|watch)\b/i,
  /^(share|share this|share on \w+(?: \w+)*|tweet|print|e-?mail|comments?|like|save|copy link|whatsapp|telegram|facebook|twitter|x|linkedin)\s*[:!]?$/i,
  /^(follow us|subscribe|sign up|join us|download our app|get the latest)\b/i,
  /^(advertisement|advertising|sponsored|ad|promoted|scroll to continue.*)$/i,
  /^(tags?|topics?|filed under|categories)\s*:/i,
  /^(originally published|first published|this (article|story|interview|report) (was|is|first|originally) )/i,
  /^news about\s*[-–—]/i,
  /^(updated|published|posted|last updated)\s*(?::\s*)?\d/i,
  /^\d[\d,.]*\s*(shares?|comments?|views?|reads?)$/i,
  /^[A-Z]{2}(?:(?:\s*[|/·•])?\s*[A-Z]{2}){0,5}(?:\s*[|/·•])?\s*$/, // language switchers such as "EN", "EN | RU | AZ"
];

/** A furniture line is short: longer lines are story text even when they start like furniture. */
const FURNITURE_MAX_WORDS = 14;

/** True when `line` (one line of an article body) is page furniture rather than story text. */
export function isFurnitureLine(line: string): boolean {
  const trimmed = line.normalize('NFKC').trim();
  if (trimmed === '') return false;
  if (trimmed.split(/\s+/).length > FURNITURE_MAX_WORDS) return false;
  return FURNITURE_LINE_PATTERNS.some((re) => re.test(trimmed));
}

/**
 * Canonical form of an article body for hashing: furniture lines dropped, Unicode NFKC, diacritics, quotes and
 * dashes folded, lowercase, punctuation removed, words separated by one space. Outlets that republish a story
 * change exactly these things (typography, wrapping, "Source:" lines), so two copies canonicalize alike.
 * The title is deliberately not part of it: republishers retitle.
 */
export function canonicalizeText(text: string): string {
  const kept = text
    .split(/\r\n|\r|\n/)
    .filter((line) => !isFurnitureLine(line))
    .join('\n');
  return (
    kept
      .normalize('NFKC')
      // Diacritics are dropped because some outlets transliterate (Türkiye/Turkiye); marks are split off first.
      .normalize('NFD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      // Apostrophes join (don't → dont) so curly and straight ones, or a missing one, give the same word.
      .replace(/['‘’‛′`´ʼ]/g, '')
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim()
  );
}

/** Words per shingle. Five keeps names and places shared by different stories of one event from matching alone. */
export const SHINGLE_SIZE = 5;

/**
 * The set of `size`-word shingles of canonical text, each hashed to 32 bits, sorted ascending without repeats.
 * A text shorter than `size` words yields one shingle of all its words; an empty text yields none.
 */
export function shingles(canonical: string, size = SHINGLE_SIZE): Uint32Array {
  if (canonical === '') return new Uint32Array(0);
  const words = canonical.split(' ');
  const wordHashes = words.map((w) => fnv1a32(w));
  const count = Math.max(1, words.length - size + 1);
  const width = Math.min(size, words.length);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    let h = 0x9747b28c;
    for (let j = 0; j < width; j++) h = Math.imul(h ^ (wordHashes[i + j] ?? 0), 0x5bd1e995) ^ (h >>> 15);
    out[i] = fmix32(h ^ width);
  }
  out.sort();
  return uniqueSorted(out);
}

function uniqueSorted(sorted: Uint32Array): Uint32Array {
  if (sorted.length < 2) return sorted;
  let n = 1;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i] ?? 0;
  return sorted.subarray(0, n);
}
