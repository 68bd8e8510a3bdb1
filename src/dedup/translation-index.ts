import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/keys.js';
import { compareTranslations, TRANSLATION_RULES, type TranslationSignature } from './translation.js';

/** Candidates compared per interview at most, newest first: bounds the work for a person interviewed daily. */
const MAX_CANDIDATES = 50;

/**
 * The dedup stage's index of recent interviews by interviewee, for telling one interview in several languages
 * (dedup/translation.ts). Interviews are filed under each person key of their interviewee with their evidence;
 * a story found to be a translation is recorded as such, so that later copies and edits of it go to the story
 * it translates. Entries live for the retention window, like the story index's.
 */
export class TranslationIndex {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly retentionSeconds: number,
  ) {}

  /**
   * The first-published interview that `signature` translates, if any: the oldest candidate under the
   * interviewee's keys, within the window, that every test of `compareTranslations` accepts.
   */
  async findOriginal(signature: TranslationSignature): Promise<string | null> {
    const ids = new Set<string>();
    for (const key of signature.personKeys) {
      const found = await this.redis.zrangebyscore(
        this.keys.translationPerson(key),
        signature.at - TRANSLATION_RULES.windowMs,
        signature.at + TRANSLATION_RULES.windowMs,
        'LIMIT',
        0,
        MAX_CANDIDATES,
      );
      for (const id of found) if (id !== signature.storyId) ids.add(id);
    }
    if (ids.size === 0) return null;
    const rows = await this.redis.mget(...[...ids].map((id) => this.keys.translationSignature(id)));
    const matches = rows
      .filter((row): row is string => row !== null)
      .map((row) => JSON.parse(row) as TranslationSignature)
      .filter((candidate) => compareTranslations(candidate, signature) === 'match')
      .sort((a, b) => a.at - b.at);
    return matches[0]?.storyId ?? null;
  }

  /** Files a first-published interview's evidence under its interviewee's keys. */
  async add(signature: TranslationSignature): Promise<void> {
    const multi = this.redis.multi().set(this.keys.translationSignature(signature.storyId), JSON.stringify(signature), 'EX', this.retentionSeconds);
    for (const key of signature.personKeys) {
      multi.zadd(this.keys.translationPerson(key), signature.at, signature.storyId).expire(this.keys.translationPerson(key), this.retentionSeconds);
      // Entries older than the window are of no use to anyone: the sorted set stays small.
      multi.zremrangebyscore(this.keys.translationPerson(key), '-inf', signature.at - this.retentionSeconds * 1000);
    }
    await multi.exec();
  }

  /** Records that `storyId` (the id the translation's own entry got) is a translation of `originalId`. */
  async markTranslation(storyId: string, originalId: string): Promise<void> {
    await this.redis.set(this.keys.translationOf(storyId), originalId, 'EX', this.retentionSeconds);
  }

  /** The story a translation's own id stands for, or null when it is none. */
  async originalOf(storyId: string): Promise<string | null> {
    return this.redis.get(this.keys.translationOf(storyId));
  }
}
