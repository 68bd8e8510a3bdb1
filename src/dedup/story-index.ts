import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sketchText, type TextSketch } from './analyze.js';
import { SHINGLE_SIZE } from './fingerprint.js';
import { DEFAULT_LSH } from './minhash.js';
import { DEFAULT_THRESHOLDS, type SimilarityThresholds } from './similarity.js';
import { safeUrl } from '../core/url-policy.js';
import { canonicalizeUrl } from '../content/canonical-url.js';
import { dedupKeys } from '../redis/keys.js';
import { luaScript, runScript } from '../redis/scripts.js';

/** One outlet's article, as the dedup stage sees it. */
export interface DedupCandidate {
  sourceId: string;
  guid: string | null;
  /** The article's own address; `''` when it has none (the URL policy dropped it, or the entry had no link). */
  url: string;
  /** Not hashed (republishers retitle); kept in the signature for callers and logs. */
  title: string;
  /** The cleaned body; its canonical form is what is fingerprinted and shingled. */
  contentText: string;
  /** Story id to use when the article is a new story. */
  proposedStoryId: string;
  /**
   * Id of the attempt (e.g. the dedup job's id). A retry with the same id gets the same decision back, so a worker
   * that dies between deciding and handing the story on does not lose a new story.
   */
  attemptId?: string;
  /** The body's sketch when the caller computed it already (the dedup stage does, off the main thread); else computed here. */
  sketch?: TextSketch;
}

/** What the index decided. `newSource` says whether the story's source list grew (item.source_added). */
export interface DedupResolution {
  outcome: 'new' | 'duplicate' | 'updated' | 'unchanged';
  storyId: string;
  matchedBy: 'guid' | 'url' | 'fingerprint' | 'near-duplicate' | null;
  newSource: boolean;
}

/** Options of a StoryIndex. */
export interface StoryIndexOptions {
  /** Start of every key, with a hash tag (e.g. '{syndicate}') so the scripts' keys share one Cluster slot. */
  prefix: string;
  /** How long an entry stays matchable after its last activity. */
  retentionSeconds: number;
  /**
   * Slices of the retention window for the band buckets (default 4). Buckets of a slice expire together, up to
   * one slice after the window; lookups read `generations + 1` slices, so more slices mean slower lookups.
   */
  generations?: number;
  /** log2 of the bucket hashes per generation (default 16): sized so 1M stories stay in compact listpacks. */
  shardBits?: number;
  thresholds?: SimilarityThresholds;
  /** Entries kept per band bucket (default 16). */
  maxBucketEntries?: number;
  /** Candidates confirmed per resolve at most (default 64), bounding the script's time. */
  maxCandidates?: number;
  /** Clock in milliseconds, for tests. */
  now?: () => number;
}

/** Short, fixed-length key part: 128 bits of sha256 in base64url. */
export function keyDigest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, 22);
}

/** Bodies with fewer canonical words are matched by guid/URL only (see resolve). */
const MIN_FINGERPRINT_WORDS = 8;

/**
 * The identity of an article URL for matching: the published canonical form (tracking parameters and fragment
 * removed, AMP mapped; `canonicalizeUrl`), then folded further so that spellings of one address meet: scheme,
 * `www.`, parameter order and a trailing slash do not count.
 */
export function canonicalUrl(url: string): string {
  const canonical = canonicalizeUrl(url);
  try {
    const u = new URL(canonical);
    u.hostname = u.hostname.replace(/^www\./, '');
    u.searchParams.sort();
    if (u.pathname.length > 1) u.pathname = u.pathname.replace(/(?<!\/)\/+$/, '');
    return `${u.protocol === 'http:' ? 'https:' : u.protocol}//${u.host}${u.pathname}${u.search}`;
  } catch {
    return canonical;
  }
}

/** Big-endian bytes of 32-bit values: compact for Redis and easy to read back in Lua. */
export function packU32(values: Uint32Array): Buffer {
  const buf = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) buf.writeUInt32BE(values[i] ?? 0, i * 4);
  return buf;
}

/** Generation arithmetic of the band buckets. */
export function generationOf(nowMs: number, retentionSeconds: number, generations: number) {
  const span = Math.max(1, Math.ceil(retentionSeconds / generations));
  const gen = Math.floor(nowMs / 1000 / span);
  return { gen, lookback: generations + 1, expireAt: (gen + 1) * span + retentionSeconds };
}

const RESOLVE = luaScript('dedup-resolve');
const REMOVE = luaScript('dedup-remove');

/**
 * The story index in Redis: decides whether an incoming article is a new story, a copy of a known one, or an edit
 * or re-fetch of an entry already seen, and records that decision in the same atomic script.
 */
export class StoryIndex {
  private readonly keys: ReturnType<typeof dedupKeys>;
  private readonly generations: number;
  private readonly shardBits: number;
  private readonly thresholds: SimilarityThresholds;
  private readonly maxBucketEntries: number;
  private readonly maxCandidates: number;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly opts: StoryIndexOptions,
  ) {
    if (!(opts.retentionSeconds > 0)) throw new RangeError('retentionSeconds must be positive');
    this.keys = dedupKeys(opts.prefix);
    this.generations = opts.generations ?? 4;
    this.shardBits = opts.shardBits ?? 16;
    this.thresholds = opts.thresholds ?? DEFAULT_THRESHOLDS;
    this.maxBucketEntries = opts.maxBucketEntries ?? 16;
    this.maxCandidates = opts.maxCandidates ?? 64;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Resolves one article against the index and records it: `unchanged`/`updated` for the same source's entry seen
   * again (by guid or canonical URL), `duplicate` for a copy of a known story (exact URL of another source, exact
   * fingerprint, or an LSH candidate confirmed by the exact shingle check), else `new` with `proposedStoryId`.
   */
  async resolve(candidate: DedupCandidate): Promise<DedupResolution> {
    const sketch = candidate.sketch ?? sketchText(candidate.contentText, DEFAULT_LSH);
    const { gen, lookback, expireAt } = generationOf(this.now(), this.opts.retentionSeconds, this.generations);
    const gk = keyDigest(`${candidate.sourceId}\u0000${candidate.guid ?? ''}`);
    // An entry without a usable address of its own (none, or one the URL policy dropped) is matched by its guid,
    // content or its own story id, never by a shared empty or hostile URL: it stays its own story.
    const ownUrl = safeUrl(candidate.url);
    const uk = keyDigest(ownUrl ? canonicalUrl(ownUrl) : `no-url\u0000${candidate.sourceId}\u0000${candidate.proposedStoryId}`);
    // An empty or near-empty body (a video post, a teaser) says nothing about the story: it is neither indexed nor
    // matched by content, and its fingerprint is unique to the entry, so a re-fetch still compares equal.
    const tooShort = sketch.shingles.length < MIN_FINGERPRINT_WORDS - SHINGLE_SIZE + 1;
    const fk = keyDigest(tooShort ? `short\u0000${gk}\u0000${uk}\u0000${sketch.canonical}` : sketch.fingerprint);
    const t = this.thresholds;
    const reply = (await runScript(
      this.redis,
      RESOLVE,
      [this.keys.seq, this.keys.guid(gk), this.keys.url(uk), this.keys.fingerprint(fk), this.keys.attempt(candidate.attemptId)],
      [
        this.opts.prefix,
        candidate.sourceId,
        candidate.proposedStoryId,
        fk,
        packU32(tooShort ? new Uint32Array(0) : sketch.shingles),
        packU32(tooShort ? new Uint32Array(0) : sketch.bands),
        candidate.guid ? '1' : '0',
        this.opts.retentionSeconds,
        gen,
        lookback,
        expireAt,
        t.jaccard,
        t.containment,
        t.minContainedShingles,
        this.maxBucketEntries,
        gk,
        uk,
        this.shardBits,
        this.maxCandidates,
      ],
    )) as [string, string, string, number];
    const [outcome, storyId, matchedBy, newSource] = reply;
    return {
      outcome: outcome as DedupResolution['outcome'],
      storyId,
      matchedBy: matchedBy === '' ? null : (matchedBy as DedupResolution['matchedBy']),
      newSource: Number(newSource) === 1,
    };
  }

  /** Source ids that carried the story, in order of arrival; empty when the story is unknown or expired. */
  async sourcesOf(storyId: string): Promise<string[]> {
    const fields = await this.redis.hgetall(this.keys.story(storyId));
    return Object.entries(fields)
      .filter(([k]) => k.startsWith('src:'))
      .sort((a, b) => Number(a[1]) - Number(b[1]))
      .map(([k]) => k.slice(4));
  }

  /**
   * Forgets the decision kept for an attempt (see `attemptId`), once the caller handed its outcome on: a retry
   * after that finds the entry known and hands nothing on twice, so the memo's 1-day TTL is only a backstop.
   */
  async forgetAttempt(attemptId: string): Promise<void> {
    await this.redis.del(this.keys.attempt(attemptId));
  }

  /** The story a source's entry (by its guid) was filed under, or null when the index does not know the entry (never seen, or expired). */
  async storyOfGuid(sourceId: string, guid: string): Promise<string | null> {
    const entry = await this.redis.get(this.keys.guid(keyDigest(`${sourceId}\u0000${guid}`)));
    return entry ? this.redis.hget(this.keys.entry(entry), 's') : null;
  }

  /** Forgets a story and every entry of it; returns how many entries were removed. */
  async remove(storyId: string): Promise<number> {
    return Number(await runScript(this.redis, REMOVE, [this.keys.story(storyId)], [this.opts.prefix, this.shardBits]));
  }
}
