import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/config/duration.js';
import { loadConfigFile, loadEnv, parseConfig } from '../../src/config/load-config.js';
import { SyndicateError } from '../../src/core/errors.js';

describe('parseDuration', () => {
  it('reads units and compounds', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1500')).toBe(1500);
  });
  it('refuses what is not a duration', () => {
    expect(parseDuration('5 minutes')).toBeNull();
    expect(parseDuration('m5')).toBeNull();
    expect(parseDuration('')).toBeNull();
  });
});

describe('parseConfig', () => {
  it('fills defaults and converts durations', () => {
    const config = parseConfig({ sources: [{ id: 'a', name: 'A', url: 'https://a.example/rss', interval: '10m' }] });
    expect(config.sources[0]!.interval).toBe(600_000);
    expect(config.limits.maxFeedBytes).toBe(10 * 1024 * 1024);
    expect(config.delivery.retrySchedule).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(config.network.allowHosts).toEqual([]);
  });

  it('reports every problem at once, each with its path', () => {
    let error: SyndicateError | undefined;
    try {
      parseConfig({
        sources: [
          { id: 'Bad Id', name: 'A', url: 'ftp://x' },
          { id: 'b', name: 'B', url: 'https://b.example/', interval: 'soon' },
          { id: 'b', name: 'B2', url: 'https://b2.example/' },
        ],
        subscriptions: [{ id: 's', url: 'https://s.example/', secret: 'nope', channels: ['missing'] }],
      });
    } catch (err) {
      error = err as SyndicateError;
    }
    expect(error?.code).toBe('SYN_ERR_CONFIG_INVALID');
    const lines = error!.details as string[];
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sources\.0\.id: /),
        expect.stringMatching(/^sources\.0\.url: /),
        expect.stringMatching(/^sources\.1\.interval: not a duration/),
        expect.stringMatching(/^subscriptions\.0\.secret: /),
      ]),
    );
  });

  it('catches duplicate ids and unknown channel references', () => {
    expect(() =>
      parseConfig({
        sources: [
          { id: 'b', name: 'B', url: 'https://b.example/' },
          { id: 'b', name: 'B2', url: 'https://b2.example/' },
        ],
        subscriptions: [{ id: 's', url: 'https://s.example/', secret: 'whsec_abc', channels: ['missing'] }],
      }),
    ).toThrow(/sources\.1\.id: duplicate id b[\s\S]*subscriptions\.0\.channels\.0: unknown channel missing/);
  });

  it('resolves relative file: URLs against the config file folder', () => {
    const config = parseConfig({ sources: [{ id: 'a', name: 'A', url: 'file:samples/x.rss' }] }, '/etc/syndicate');
    expect(config.sources[0]!.url).toBe('file:///etc/syndicate/samples/x.rss');
  });
});

describe('loadConfigFile', () => {
  it('loads the shipped configuration', () => {
    const config = loadConfigFile('config/syndication.yaml');
    expect(config.sources.map((s) => s.id)).toContain('news-az-sample');
    expect(config.sources[0]!.url).toMatch(/^file:\/\/\/.*config\/samples\/news-az-interview\.rss$/);
    expect(config.channels.map((c) => c.id)).toEqual(['all', 'interviews']);
  });

  it('names the file and the YAML error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'syn-config-'));
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'sources: [\n  - id: x\n');
    expect(() => loadConfigFile(path)).toThrow(SyndicateError);
    expect(() => loadConfigFile(path)).toThrow(/bad\.yaml is not valid YAML/);
    expect(() => loadConfigFile(join(dir, 'missing.yaml'))).toThrow(/cannot read configuration/);
  });
});

describe('loadEnv', () => {
  it('applies the contract defaults', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      port: 8080,
      host: '127.0.0.1',
      adminToken: null,
      publicUrl: 'http://127.0.0.1:8080',
      redisPrefix: '{syndicate}',
    });
  });
  it('reports all invalid variables together', () => {
    expect(() => loadEnv({ PORT: 'eighty', REDIS_URL: 'not a url', SYNDICATE_REDIS_PREFIX: 'nohashtag' })).toThrow(/PORT[\s\S]*REDIS_URL|REDIS_URL[\s\S]*PORT/);
  });
});

describe('per-source cleanup rules', () => {
  it('rejects a pattern that is not a regular expression, with its path', () => {
    expect(() => parseConfig({ sources: [{ id: 'a', name: 'A', url: 'https://a.example/', cleanup: { removePatterns: ['^Share$', '(unclosed'] } }] })).toThrow(
      /sources\.0\.cleanup\.removePatterns\.1: not a valid regular expression/,
    );
  });

  it('rejects a pattern that would backtrack on untrusted text, and an article URL pattern too, saying why', () => {
    const parse = (cleanup: Record<string, unknown>) => () => parseConfig({ sources: [{ id: 'a', name: 'A', url: 'https://a.example/', cleanup }] });
    expect(parse({ removePatterns: ['^Share$', '(\\w+\\s?)+$'] })).toThrow(/sources\.0\.cleanup\.removePatterns\.1: .*backtracking/);
    expect(parse({ articleUrl: { pattern: '^(a+)+$', replacement: '$1' } })).toThrow(/sources\.0\.cleanup\.articleUrl\.pattern: /);
    expect(parse({ removePatterns: ["Editor's pick: .*"], articleUrl: { pattern: '^(https://a\\.example)/(.+)$', replacement: '$1/print/$2' } })).not.toThrow();
  });

  it('rejects a broken CSS selector where it is written; shared rule sets are checked the same way', () => {
    expect(() =>
      parseConfig({
        sources: [{ id: 'a', name: 'A', url: 'https://a.example/', cleanup: { keepSelector: 'article[', removeSelectors: ['.ok', 'div['] } }],
        extractionRules: { 'b.example': { removeSelectors: ['p:nope(1)'] } },
      }),
    ).toThrow(/sources\.0\.cleanup\.keepSelector: not a valid CSS selector[\s\S]*removeSelectors\.1[\s\S]*extractionRules\.b\.example\.removeSelectors\.0/);
  });
});

describe('sites without a feed', () => {
  it('format html or json needs its listing; html selectors are checked', () => {
    expect(() => parseConfig({ sources: [{ id: 'a', name: 'A', url: 'https://a.example/', format: 'json' }] })).toThrow(
      /sources\.0\.listing: format json needs listing/,
    );
    expect(() => parseConfig({ sources: [{ id: 'a', name: 'A', url: 'https://a.example/', format: 'html', listing: { item: 'li[' } }] })).toThrow(
      /sources\.0\.listing\.item: not a valid CSS selector/,
    );
    const config = parseConfig({ sources: [{ id: 'a', name: 'A', url: 'https://a.example/', format: 'json', listing: { item: 'data.items', link: 'url' } }] });
    expect(config.sources[0]).toMatchObject({ format: 'json', listing: { item: 'data.items', link: 'url' } });
    expect(parseConfig({ sources: [{ id: 'b', name: 'B', url: 'https://b.example/' }] }).sources[0]!.format).toBe('feed');
  });
});
