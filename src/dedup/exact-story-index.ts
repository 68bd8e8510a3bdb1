import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/keys.js';

/** What the index makes of an incoming copy. */
export type DedupOutcome = 'new' | 'duplicate' | 'updated' | 'unchanged';

export interface DedupCandidate {
  sourceId: string;
  guid: string | null;
  url: string;
  title: string;
  contentText: string;
  proposedStoryId: string;
  /**
   * Id of the attempt (e.g. the job id): a retry with the same id gets the same decision back, so a worker that
   * dies after deciding but before handing the story on does not turn a new story into "unchanged".
   */
  attemptId: string;
}

export interface DedupDecision {
  outcome: DedupOutcome;
  storyId: string;
  matchedBy: 'guid' | 'url' | 'fingerprint' | null;
}

/** Decides and records in one step, so two workers racing on copies of one story see one `new`. */
const RESOLVE_LUA = `
local ttl = tonumber(ARGV[3])
local prior = redis.call('GET', KEYS[4])
if prior then return cjson.decode(prior) end
local function decide()
  local entry = redis.call('GET', KEYS[1])
  if entry then
    local sid, fp = string.match(entry, '^(%S+) (%S+)$')
    redis.call('EXPIRE', KEYS[1], ttl)
    if fp == ARGV[2] then return {'unchanged', sid, 'guid'} end
    redis.call('SET', KEYS[1], sid .. ' ' .. ARGV[2], 'EX', ttl)
    redis.call('SET', KEYS[3], sid, 'EX', ttl)
    return {'updated', sid, 'guid'}
  end
  local sid = redis.call('GET', KEYS[2])
  local by = 'url'
  if not sid then sid = redis.call('GET', KEYS[3]); by = 'fingerprint' end
  if sid then
    redis.call('SET', KEYS[1], sid .. ' ' .. ARGV[2], 'EX', ttl)
    return {'duplicate', sid, by}
  end
  sid = ARGV[1]
  redis.call('SET', KEYS[1], sid .. ' ' .. ARGV[2], 'EX', ttl)
  redis.call('SET', KEYS[2], sid, 'EX', ttl)
  redis.call('SET', KEYS[3], sid, 'EX', ttl)
  return {'new', sid, ''}
end
local decision = decide()
redis.call('SET', KEYS[4], cjson.encode(decision), 'EX', 86400)
return decision
`;

/** Fingerprint of what a reader sees: title and text, case and spacing folded. */
export function contentFingerprint(title: string, text: string): string {
  const folded = `${title}\n${text}`.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  return createHash('sha256').update(folded).digest('hex');
}

/**
 * Story identity by exact keys: a source's guid, the canonical URL and the content fingerprint. Every key
 * expires after the retention window.
 */
export class ExactStoryIndex {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly retentionSeconds: number,
  ) {}

  async resolve(candidate: DedupCandidate): Promise<DedupDecision> {
    const fingerprint = contentFingerprint(candidate.title, candidate.contentText);
    const entryKey = this.keys.dedupGuid(candidate.sourceId, candidate.guid ?? candidate.url);
    const [outcome, storyId, by] = (await this.redis.eval(
      RESOLVE_LUA,
      4,
      entryKey,
      this.keys.dedupUrl(candidate.url),
      this.keys.dedupFingerprint(fingerprint),
      this.keys.dedupDecision(candidate.attemptId),
      candidate.proposedStoryId,
      fingerprint,
      this.retentionSeconds,
    )) as [DedupOutcome, string, string];
    return { outcome, storyId, matchedBy: (by || null) as DedupDecision['matchedBy'] };
  }
}
