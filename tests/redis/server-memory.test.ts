import { describe, expect, it } from 'vitest';
import { toSyndicateError } from '../../src/core/errors.js';
import { errorCodeOf, isOutOfMemory } from '../../src/redis/server-memory.js';

const refusal = () => new Error("OOM command not allowed when used memory > 'maxmemory'.");

describe('isOutOfMemory: a write Redis refused for memory, however it reached the caller', () => {
  it('recognizes the refusal itself, inside an aborted MULTI, and wrapped by a stage as its cause', () => {
    expect(isOutOfMemory(refusal())).toBe(true);
    expect(isOutOfMemory(Object.assign(new Error('EXECABORT Transaction discarded'), { previousErrors: [refusal()] }))).toBe(true);
    const wrapped = toSyndicateError(refusal(), 'SYN_ERR_FETCH_FAILED');
    expect(wrapped.code).toBe('SYN_ERR_FETCH_FAILED');
    expect(isOutOfMemory(wrapped)).toBe(true);
    expect(errorCodeOf(wrapped)).toBe('SYN_ERR_REDIS_FULL');
  });

  it('leaves every other error alone', () => {
    expect(isOutOfMemory(new Error('ECONNREFUSED'))).toBe(false);
    expect(isOutOfMemory(toSyndicateError(new Error('socket hang up'), 'SYN_ERR_FETCH_FAILED'))).toBe(false);
    expect(isOutOfMemory(null)).toBe(false);
  });
});
