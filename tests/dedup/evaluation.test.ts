import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/dedup/hash.js';
import { StoryIndex } from '../../src/dedup/story-index.js';
import { type TextSketch, sketchText } from '../../src/dedup/analyze.js';
import { shareBand } from '../../src/dedup/minhash.js';
import { isNearDuplicate, shingleOverlap } from '../../src/dedup/similarity.js';
import { buildEvalSet, type EvalSet } from '../fixtures/dedup/build-set.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';

const set = JSON.parse(readFileSync(new URL('../fixtures/dedup/eval-set.json', import.meta.url), 'utf8')) as EvalSet;
const sketches = new Map<string, TextSketch>(set.docs.map((d) => [d.id, sketchText(d.text)]));
const sketch = (id: string): TextSketch => {
  const s = sketches.get(id);
  if (!s) throw new Error(`no doc ${id}`);
  return s;
};

/** The pure pipeline's verdict on a pair: exact fingerprint, or an LSH candidate confirmed by the exact check. */
function predictDuplicate(a: TextSketch, b: TextSketch): boolean {
  if (a.fingerprint === b.fingerprint) return true;
  return shareBand(a.bands, b.bands) && isNearDuplicate(shingleOverlap(a.shingles, b.shingles));
}

describe('near-duplicate evaluation set', () => {
  it('is what build-set.ts generates (the committed JSON is current)', () => {
    expect(buildEvalSet()).toEqual(set);
  });

  it('has the size the issue asks for', () => {
    expect(set.pairs.filter((p) => p.kind === 'copy').length).toBeGreaterThanOrEqual(100);
    expect(set.pairs.filter((p) => p.kind === 'same-event').length).toBeGreaterThanOrEqual(100);
  });

  it('reaches precision ≥ 0.99 and recall ≥ 0.95 on the pure core', () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let tn = 0;
    let lshMiss = 0;
    const pos = { minJ: 1, minC: 1 };
    const neg = { maxJ: 0, maxC: 0 };
    const errors: string[] = [];
    for (const pair of set.pairs) {
      const a = sketch(pair.a);
      const b = sketch(pair.b);
      const o = shingleOverlap(a.shingles, b.shingles);
      const predicted = predictDuplicate(a, b);
      if (pair.duplicate) {
        pos.minJ = Math.min(pos.minJ, o.jaccard);
        pos.minC = Math.min(pos.minC, o.containment);
        if (isNearDuplicate(o) && !shareBand(a.bands, b.bands)) lshMiss++;
      } else {
        neg.maxJ = Math.max(neg.maxJ, o.jaccard);
        neg.maxC = Math.max(neg.maxC, o.containment);
      }
      if (predicted && pair.duplicate) tp++;
      else if (predicted) fp++;
      else if (pair.duplicate) fn++;
      else tn++;
      if (predicted !== pair.duplicate) errors.push(`${pair.kind} ${pair.a} ~ ${pair.b} J=${o.jaccard.toFixed(3)} C=${o.containment.toFixed(3)}`);
    }
    const precision = tp / Math.max(1, tp + fp);
    const recall = tp / Math.max(1, tp + fn);
    console.log(
      `dedup eval: pairs=${set.pairs.length} tp=${tp} fp=${fp} fn=${fn} tn=${tn} precision=${precision.toFixed(4)} recall=${recall.toFixed(4)} lshMisses=${lshMiss} positives(minJ=${pos.minJ.toFixed(3)} minC=${pos.minC.toFixed(3)}) negatives(maxJ=${neg.maxJ.toFixed(3)} maxC=${neg.maxC.toFixed(3)})`,
    );
    if (errors.length) console.log(errors.slice(0, 20).join('\n'));
    expect(precision).toBeGreaterThanOrEqual(0.99);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });
});

describe('near-duplicate evaluation set through a real StoryIndex', () => {
  const prefix = uniquePrefix('dedup-eval');
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    await deleteKeys(prefix);
    await redis.quit();
  });

  it('groups every document with its story, in shuffled arrival order', async () => {
    const index = new StoryIndex(redis, { prefix, retentionSeconds: 3600 });
    const next = mulberry32(42);
    const docs = [...set.docs];
    for (let i = docs.length - 1; i > 0; i--) {
      const j = next() % (i + 1);
      [docs[i], docs[j]] = [docs[j]!, docs[i]!];
    }
    const storyOfBase = new Map<string, string>();
    const baseOfStory = new Map<string, string>();
    let merged = 0;
    let mergedRight = 0;
    let shouldMerge = 0;
    for (const d of docs) {
      const r = await index.resolve({
        sourceId: d.outlet,
        guid: d.id,
        url: `https://eval.example/${encodeURIComponent(d.id)}`,
        title: d.title,
        contentText: d.text,
        proposedStoryId: d.id,
      });
      const known = storyOfBase.get(d.base);
      if (known) shouldMerge++;
      if (r.outcome === 'new') {
        if (!known) storyOfBase.set(d.base, r.storyId);
        baseOfStory.set(r.storyId, d.base);
      } else {
        merged++;
        if (baseOfStory.get(r.storyId) === d.base) mergedRight++;
      }
    }
    const precision = mergedRight / Math.max(1, merged);
    const recall = mergedRight / Math.max(1, shouldMerge);
    console.log(
      `dedup eval through StoryIndex: docs=${docs.length} stories=${storyOfBase.size} merged=${merged} right=${mergedRight} shouldMerge=${shouldMerge} precision=${precision.toFixed(4)} recall=${recall.toFixed(4)}`,
    );
    expect(precision).toBeGreaterThanOrEqual(0.99);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });
});
