import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { sketchText } from '../../src/dedup/analyze.js';
import { canonicalizeText, isFurnitureLine, shingles } from '../../src/dedup/fingerprint.js';
import { lshBandKeys, minhashSignature, NUM_PERMUTATIONS, shareBand } from '../../src/dedup/minhash.js';
import { isNearDuplicate, shingleOverlap } from '../../src/dedup/similarity.js';
import { canonicalUrl, keyDigest, packU32 } from '../../src/dedup/story-index.js';
import { fmix32 } from '../../src/dedup/hash.js';

const words = (n: number, seed: string) => Array.from({ length: n }, (_, i) => `${seed}${(i * 7919) % 1009}`).join(' ');

describe('canonicalizeText', () => {
  it('folds typography, case, punctuation, diacritics and wrapping', () => {
    const a = 'He said: “It’s a new order — and Türkiye knows it…”\n\nNext  paragraph.';
    const b = 'he said "Its a new order - and Turkiye\nknows it..." next paragraph';
    expect(canonicalizeText(a)).toBe('he said its a new order and turkiye knows it next paragraph');
    expect(canonicalizeText(b)).toBe(canonicalizeText(a));
  });

  it('drops furniture lines but keeps story sentences that start like them', () => {
    const text = [
      'Source: News.Az',
      'Share',
      'Read more: Oil prices steady',
      'EN | RU',
      'Advertisement',
      'Follow us on Telegram',
      '12 comments',
      'Tags: politics, economy',
    ].join('\n');
    expect(canonicalizeText(text)).toBe('');
    const long = 'Source: officials in the ministry told reporters on Monday that the talks would continue well into next week at least.';
    expect(isFurnitureLine(long)).toBe(false);
    expect(canonicalizeText(`Body text.\nSource: Reuters\nMore body.`)).toBe('body text more body');
  });
});

describe('the content fingerprint of a sketch', () => {
  it('is sha256 hex of the canonical text, equal for typography-only copies', () => {
    const fp = sketchText('A “quoted” line.').fingerprint;
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect(sketchText('a "quoted"   line\nShare').fingerprint).toBe(fp);
    expect(sketchText('a quoted line, edited').fingerprint).not.toBe(fp);
  });
});

describe('shingles', () => {
  it('gives sorted unique 32-bit hashes of 5-word windows', () => {
    const s = shingles('one two three four five six seven');
    expect(s.length).toBe(3);
    expect([...s]).toEqual([...s].sort((x, y) => x - y));
    expect(shingles('a b c d e a b c d e a b c d e').length).toBe(5);
    expect(shingles('too short').length).toBe(1);
    expect(shingles('').length).toBe(0);
  });
});

describe('MinHash and LSH', () => {
  it('estimates Jaccard within a few points', () => {
    const a = shingles(words(600, 'w'));
    const b = shingles(`${words(600, 'w').split(' ').slice(0, 400).join(' ')} ${words(200, 'z')}`);
    const exact = shingleOverlap(a, b).jaccard;
    // The fraction of equal positions of two signatures is an unbiased estimate of the Jaccard similarity.
    const [sigA, sigB] = [minhashSignature(a), minhashSignature(b)];
    const estimate = sigA.filter((value, i) => value === sigB[i]).length / sigA.length;
    expect(Math.abs(estimate - exact)).toBeLessThan(0.12);
  });

  it('is deterministic and makes near copies share a band but not unrelated texts', () => {
    const a = sketchText(words(300, 'w'));
    const again = sketchText(words(300, 'w'));
    expect([...again.signature]).toEqual([...a.signature]);
    expect(a.signature.length).toBe(NUM_PERMUTATIONS);
    const copy = sketchText(`Our intro line here. ${words(300, 'w').split(' ').slice(0, 280).join(' ')}`);
    expect(shareBand(a.bands, copy.bands)).toBe(true);
    expect(shareBand(a.bands, sketchText(words(300, 'q')).bands)).toBe(false);
  });

  it('gives no band keys to an empty text', () => {
    expect(lshBandKeys(minhashSignature(new Uint32Array(0))).length).toBe(0);
  });

  it('keeps the signature values the stored index was built with (a faster loop must not change them)', () => {
    const sig = minhashSignature(Uint32Array.from({ length: 50 }, (_, i) => fmix32(i + 1)));
    expect([...sig.slice(0, 4)]).toEqual([48831038, 12940757, 172212868, 49596113]);
    expect(createHash('sha256').update(Buffer.from(sig.buffer)).digest('hex').slice(0, 16)).toBe('61cff51dcf09bde9');
  });
});

describe('shingleOverlap and isNearDuplicate', () => {
  it('computes Jaccard and containment of the smaller set', () => {
    const o = shingleOverlap(Uint32Array.from([1, 2, 3, 4]), Uint32Array.from([3, 4, 5, 6, 7, 8]));
    expect(o).toEqual({ intersection: 2, sizeA: 4, sizeB: 6, jaccard: 0.25, containment: 0.5 });
  });

  it('accepts an excerpt by containment but not a short brief inside a long text', () => {
    const full = shingles(canonicalizeText(words(400, 'w')));
    const excerpt = shingles(canonicalizeText(words(400, 'w').split(' ').slice(0, 150).join(' ')));
    expect(isNearDuplicate(shingleOverlap(full, excerpt))).toBe(true);
    const brief = shingles(canonicalizeText(words(400, 'w').split(' ').slice(0, 30).join(' ')));
    expect(isNearDuplicate(shingleOverlap(full, brief))).toBe(false);
    expect(isNearDuplicate(shingleOverlap(full, shingles(words(400, 'q'))))).toBe(false);
  });
});

describe('key helpers', () => {
  it('canonicalizes URLs and digests keys to a fixed length', () => {
    expect(canonicalUrl('http://WWW.News.example/a/b/?utm_source=x&id=2&fbclid=y#top')).toBe('https://news.example/a/b?id=2');
    expect(canonicalUrl('not a url ')).toBe('not a url');
    expect(canonicalUrl('https://www.news.example/amp/a/?b=2&a=1')).toBe(canonicalUrl('http://news.example/a?a=1&b=2'));
    expect(keyDigest('x')).toHaveLength(22);
    expect([...packU32(Uint32Array.from([1, 0xffffffff]))]).toEqual([0, 0, 0, 1, 255, 255, 255, 255]);
  });
});
