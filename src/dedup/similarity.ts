/**
 * The exact check that confirms an LSH candidate, on the full shingle sets of both texts.
 *
 * Two measures: Jaccard |A∩B| / |A∪B| for copies of about the same length, and containment |A∩B| / min(|A|,|B|)
 * for copies that dropped paragraphs or were cut to an excerpt, where Jaccard falls although every shingle of
 * the shorter text is in the longer one.
 */

/** Overlap of two shingle sets. */
export interface ShingleOverlap {
  intersection: number;
  sizeA: number;
  sizeB: number;
  jaccard: number;
  /** Containment of the smaller set in the larger one. */
  containment: number;
}

/**
 * Thresholds of the confirmation, chosen on tests/fixtures/dedup (the evaluation test prints these extremes):
 * - duplicates (original vs copy, and copy vs copy, each copy with a paragraph or two dropped, an excerpt cut,
 *   an intro added, sentences reworded) have Jaccard ≥ 0.33 and containment ≥ 0.54;
 * - different stories of one event (same people, places, numbers, a shared quoted statement) and different
 *   stories in one outlet's long standard header and footer stay at Jaccard ≤ 0.17 and containment ≤ 0.31.
 * The cut-offs sit near the middle of those gaps: Jaccard ≥ 0.3, or containment ≥ 0.45 when the smaller text
 * holds at least 40 shingles (a two-line brief inside a long story is not a republication of it). The remaining
 * risk is a very short story inside a long shared boilerplate, which the normalizer's cleanup should remove.
 */
export const DEFAULT_THRESHOLDS = { jaccard: 0.3, containment: 0.45, minContainedShingles: 40 } as const;

/** Thresholds of the confirmation check. */
export interface SimilarityThresholds {
  jaccard: number;
  containment: number;
  minContainedShingles: number;
}

/** Exact overlap of two sorted, duplicate-free shingle sets (as `shingles()` returns them). */
export function shingleOverlap(a: Uint32Array, b: Uint32Array): ShingleOverlap {
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] ?? 0;
    const y = b[j] ?? 0;
    if (x === y) {
      common++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  const union = a.length + b.length - common;
  const smaller = Math.min(a.length, b.length);
  return {
    intersection: common,
    sizeA: a.length,
    sizeB: b.length,
    jaccard: union === 0 ? 0 : common / union,
    containment: smaller === 0 ? 0 : common / smaller,
  };
}

/** The confirmation rule: true when the overlap says the two texts are one story. */
export function isNearDuplicate(overlap: ShingleOverlap, t: SimilarityThresholds = DEFAULT_THRESHOLDS): boolean {
  if (overlap.intersection === 0) return false;
  if (overlap.jaccard >= t.jaccard) return true;
  return overlap.containment >= t.containment && Math.min(overlap.sizeA, overlap.sizeB) >= t.minContainedShingles;
}
