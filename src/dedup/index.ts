export { sketchText, type TextSketch } from './analyze.js';
export { canonicalizeText, contentFingerprint, isFurnitureLine, shingles, SHINGLE_SIZE } from './fingerprint.js';
export { DEFAULT_LSH, estimateJaccard, type LshLayout, lshBandKeys, minhashSignature, NUM_PERMUTATIONS, shareBand } from './minhash.js';
export { DEFAULT_THRESHOLDS, isNearDuplicate, type ShingleOverlap, shingleOverlap, type SimilarityThresholds } from './similarity.js';
export {
  canonicalUrl,
  type DedupCandidate,
  type DedupResolution,
  keyDigest,
  StoryIndex,
  type StoryIndexOptions,
} from './story-index.js';
