import { fmix32, mulberry32 } from './hash.js';

/** Permutations in a signature. 128 gives a Jaccard estimate within about ±0.04 and room for the band layout. */
export const NUM_PERMUTATIONS = 128;

/**
 * LSH layout: `bands` bands of `rows` signature rows each (bands × rows ≤ NUM_PERMUTATIONS).
 * 32 × 3 is tuned on tests/fixtures/dedup: a pair becomes a candidate with probability 1 − (1 − J³)³²,
 * 0.997 at J = 0.55 (a copy that dropped a paragraph and added an intro) and 0.88 at J = 0.4, while stories
 * that only share names (J < 0.1) almost never collide. Fewer rows would add candidates, not misses; more bands
 * would add index memory.
 */
export const DEFAULT_LSH = { bands: 32, rows: 3 } as const;

/** Bands and rows of an LSH layout. */
export interface LshLayout {
  bands: number;
  rows: number;
}

const SEEDS = (() => {
  const next = mulberry32(0x5eed_d00d);
  const mul = new Uint32Array(NUM_PERMUTATIONS);
  const add = new Uint32Array(NUM_PERMUTATIONS);
  for (let i = 0; i < NUM_PERMUTATIONS; i++) {
    mul[i] = next() | 1; // odd, so x ↦ x·mul + add is a bijection before the mix
    add[i] = next();
  }
  return { mul, add };
})();

/**
 * MinHash signature of a shingle set: for each of NUM_PERMUTATIONS fixed hash permutations, the smallest value.
 * An empty set gives all 0xffffffff (and should not be indexed). One permutation at a time over the whole set, so
 * its seeds and running minimum stay in registers (1.6× faster than the set-outer loop, the same values).
 */
export function minhashSignature(shingleSet: Uint32Array): Uint32Array {
  const sig = new Uint32Array(NUM_PERMUTATIONS);
  const { mul, add } = SEEDS;
  const n = shingleSet.length;
  for (let i = 0; i < NUM_PERMUTATIONS; i++) {
    const m = mul[i] ?? 1;
    const a = add[i] ?? 0;
    let min = 0xffffffff;
    for (let s = 0; s < n; s++) {
      const v = fmix32(Math.imul(shingleSet[s] ?? 0, m) + a);
      if (v < min) min = v;
    }
    sig[i] = min;
  }
  return sig;
}

/**
 * One 32-bit key per band: a hash of the band's rows and its index. Two signatures that agree on every row of a
 * band get the same key for it, which is what makes them candidates. Empty signatures get no keys.
 */
export function lshBandKeys(sig: Uint32Array, layout: LshLayout = DEFAULT_LSH): Uint32Array {
  if (layout.bands * layout.rows > sig.length) throw new RangeError('LSH layout needs more permutations than the signature has');
  if (sig.every((v) => v === 0xffffffff)) return new Uint32Array(0);
  const keys = new Uint32Array(layout.bands);
  for (let b = 0; b < layout.bands; b++) {
    let h = fmix32(0x3c6ef372 ^ b);
    for (let r = 0; r < layout.rows; r++) h = fmix32(Math.imul(h ^ (sig[b * layout.rows + r] ?? 0), 0x27d4eb2d) + r);
    keys[b] = h;
  }
  return keys;
}

/** True when two band-key lists share a key in the same band, i.e. LSH would make them candidates. */
export function shareBand(a: Uint32Array, b: Uint32Array): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] === b[i]) return true;
  return false;
}
