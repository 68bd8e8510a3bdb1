import { canonicalizeText, shingles } from './fingerprint.js';
import { createHash } from 'node:crypto';
import { DEFAULT_LSH, type LshLayout, lshBandKeys, minhashSignature } from './minhash.js';

/** Everything the dedup core derives from one article body. */
export interface TextSketch {
  canonical: string;
  /** sha256 hex of the canonical text. */
  fingerprint: string;
  /** Sorted, duplicate-free 32-bit shingle hashes. */
  shingles: Uint32Array;
  signature: Uint32Array;
  /** One 32-bit key per LSH band; empty for a text without words. */
  bands: Uint32Array;
}

/** Computes the sketch of an article body (the cleaned `contentText`; the title is not part of it). */
export function sketchText(contentText: string, layout: LshLayout = DEFAULT_LSH): TextSketch {
  const canonical = canonicalizeText(contentText);
  const set = shingles(canonical);
  const signature = minhashSignature(set);
  return {
    canonical,
    fingerprint: createHash('sha256').update(canonical, 'utf8').digest('hex'),
    shingles: set,
    signature,
    bands: lshBandKeys(signature, layout),
  };
}
