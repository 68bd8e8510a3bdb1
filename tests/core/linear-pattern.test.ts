import { describe, expect, it } from 'vitest';
import { checkLinearPattern, MAX_PATTERN_LENGTH } from '../../src/core/linear-pattern.js';

describe('checkLinearPattern', () => {
  it.each([
    ['read\\s+more', 'i'],
    ['^\\s*(?:photo|foto)\\s*:', 'iu'],
    ['\\bSubscribe to our newsletter\\b', ''],
    ['(?:EN|RU|AZ)(?:\\s+(?:EN|RU|AZ))*', ''],
    ['^[^<]*<', ''],
    ['^(?:a[^b]*b)*c', ''],
    ['^(?:\\s|<!--[^-]*-->)*<x', ''],
    ['\\d{1,4}-\\d{1,2}-\\d{1,2}', 'g'],
  ])('accepts a linear pattern: /%s/%s', (source, flags) => {
    expect(checkLinearPattern(source, flags)).toEqual({ ok: true });
  });

  it.each([
    ['(a+)+$', '', /backtracking/],
    ['^(\\w+\\s?)*$', '', /backtracking/],
    ['^(?:\\s|<!--[\\s\\S]*?-->)*<x', '', /backtracking/],
    ['\\s*\\s+x', '', /backtracking/],
    ['(?:<b>.*</b>)*x', '', /exponential/],
    ['\\s+$', '', /quadratic/],
    ['(\\w+) \\1', '', /backreference \\1/],
    ['(', '', /not a valid regular expression/],
    ['a', 'q', /not a valid regular expression/],
  ])('refuses /%s/%s with a reason', (source, flags, reason) => {
    const check = checkLinearPattern(source, flags);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(reason);
  });

  it('refuses a pattern longer than the cap', () => {
    const check = checkLinearPattern('a'.repeat(MAX_PATTERN_LENGTH + 1));
    expect(check).toEqual({ ok: false, reason: expect.stringMatching(/characters long/) });
  });
});
