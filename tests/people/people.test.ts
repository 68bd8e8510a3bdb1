import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeopleStore } from '../../src/people/people-store.js';
import { readPersonName, skeleton } from '../../src/people/person-key.js';
import { redisKeys } from '../../src/redis/keys.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';
import { PEOPLE } from './people-set.js';

/** Every form of the set with its person's index. */
const FORMS = PEOPLE.flatMap((person, index) => person.forms.map(([name, language]) => ({ index, name, language })));

/** Pairs of forms: of one person (true pairs) and of two people (which must stay apart). */
function scorePairs(same: (a: number, b: number) => boolean) {
  let truePairs = 0;
  let merged = 0;
  const falseMerges: string[] = [];
  const missed: string[] = [];
  for (let a = 0; a < FORMS.length; a++) {
    for (let b = a + 1; b < FORMS.length; b++) {
      const together = same(a, b);
      if (FORMS[a]!.index === FORMS[b]!.index) {
        truePairs++;
        if (together) merged++;
        else missed.push(`${FORMS[a]!.name} / ${FORMS[b]!.name}`);
      } else if (together) falseMerges.push(`${FORMS[a]!.name} / ${FORMS[b]!.name}`);
    }
  }
  return { truePairs, merged, recall: merged / truePairs, falseMerges, missed };
}

describe('the labelled people set', () => {
  it('has at least 20 people with spellings in three scripts or orthographies, and near-namesakes', () => {
    const full = PEOPLE.filter((person) => new Set(person.forms.map(([, language]) => language)).size >= 3);
    expect(full.length).toBeGreaterThanOrEqual(20);
    for (const person of full)
      expect(
        person.forms.some(([name]) => /\p{Script=Cyrillic}/u.test(name)),
        person.label,
      ).toBe(true);
  });

  it('pure keys: no false merge, at least 0.95 of true pairs share a key', () => {
    const reads = FORMS.map((form) => readPersonName(form.name, form.language));
    const score = scorePairs((a, b) => reads[a]!.keys.some((key) => reads[b]!.keys.includes(key)));
    console.log(
      `people (keys): ${score.merged}/${score.truePairs} true pairs merged (${score.recall.toFixed(3)}), ${score.falseMerges.length} false merges; missed: ${score.missed.join('; ')}`,
    );
    expect(score.falseMerges).toEqual([]);
    expect(score.recall).toBeGreaterThanOrEqual(0.95);
  });

  it('a surname alone never makes a key; initials and one-word names have none', () => {
    expect(readPersonName('Trofimchuk').key).toBeNull();
    expect(readPersonName('G. Trofimchuk')).toMatchObject({ key: null, initial: true, surname: skeleton('trofimchuk'), given: 'g' });
    expect(readPersonName('Г. Трофимчук', 'ru')).toMatchObject({ key: null, initial: true, surname: skeleton('trofimchuk') });
    expect(readPersonName('Dr. Grigory Trofimchuk').key).toBe(readPersonName('Grigory Trofimchuk').key);
  });
});

describe('the people store', () => {
  const prefix = uniquePrefix('people');
  let redis: Redis;
  let people: PeopleStore;
  let story = 0;
  const identify = (name: string, language: string | null, role?: string) =>
    people.identify({ name, language, storyId: `s-${++story}`, at: Date.UTC(2025, 5, 1) + story * 60_000, ...(role ? { role } : {}) });

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
    people = new PeopleStore(redis, redisKeys(prefix));
  });
  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(prefix);
  });

  it('the whole set, in a shuffled order: no false merge, at least 0.95 of true pairs under one id', async () => {
    // A fixed shuffle (a linear congruential sequence), so that no person is always met first in one script.
    const order = FORMS.map((_, i) => i).sort((a, b) => ((a * 7919 + 13) % 101) - ((b * 7919 + 13) % 101) || a - b);
    const ids: Array<string | null> = FORMS.map(() => null);
    for (const i of order) ids[i] = await identify(FORMS[i]!.name, FORMS[i]!.language);
    const score = scorePairs((a, b) => ids[a] !== null && ids[a] === ids[b]);
    console.log(
      `people (store): ${score.merged}/${score.truePairs} true pairs under one id (${score.recall.toFixed(3)}), ${score.falseMerges.length} false merges`,
    );
    expect(score.falseMerges).toEqual([]);
    expect(score.recall).toBeGreaterThanOrEqual(0.95);
    // The forms seen and their roles are the person's.
    const trofimchuk = (await people.get(ids[FORMS.findIndex((f) => f.name === 'Grigory Trofimchuk')]!))!;
    expect(new Set(trofimchuk.names)).toEqual(new Set(PEOPLE[0]!.forms.map(([name]) => name)));
    expect(trofimchuk.stories).toBe(PEOPLE[0]!.forms.length);
  });

  it('an initial attaches only when one known person fits (the set is known by now)', async () => {
    const sergey = await identify('Sergey Lavrov', 'en', 'foreign minister');
    expect(await identify('S. Lavrov', 'en')).toBe(sergey);
    expect(await identify('С. Лавров', 'ru')).toBe(sergey);
    const andrey = await identify('Andrey Lavrov', 'en');
    expect(await identify('A. Lavrov', 'en')).toBe(andrey);
    // Grigory and Georgy Trofimchuk are both known: "G. Trofimchuk" could be either, so it is no one.
    expect(await identify('G. Trofimchuk', 'en')).toBeNull();
    expect(await identify('Z. Lavrov', 'en')).toBeNull();
    expect((await people.get(sergey!))!.roles).toEqual(['foreign minister']);
  });

  it('an operator merges two people (the old id becomes an alias) and splits a form off again', async () => {
    const a = (await identify('Elchin Amirbayov', 'en'))!;
    const b = (await identify('Эльчин Амирбеков', 'ru'))!;
    expect(a).not.toBe(b);
    const merged = (await people.merge(a, [b]))!;
    expect(merged.person.names).toEqual(expect.arrayContaining(['Elchin Amirbayov', 'Эльчин Амирбеков']));
    expect(merged.movedStories.length).toBeGreaterThan(0);
    expect(await people.resolve(b)).toBe(a);
    expect((await people.get(b))!.id).toBe(a);
    // A later story naming the merged form finds the merged person.
    expect(await identify('Эльчин Амирбеков', 'ru')).toBe(a);

    const split = (await people.split(a, ['Эльчин Амирбеков']))!;
    expect(split.newPerson.id).not.toBe(a);
    expect(split.newPerson.names).toEqual(['Эльчин Амирбеков']);
    expect(split.person.names).not.toContain('Эльчин Амирбеков');
    expect(await identify('Эльчин Амирбеков', 'ru')).toBe(split.newPerson.id);
    expect(split.person.stories + split.newPerson.stories).toBe(merged.person.stories + 1);
  });

  it('a person lasts while a stored story names them', async () => {
    const id = (await people.identify({ name: 'Nurlan Testov', language: 'en', storyId: 'only-1', at: 1 }))!;
    await people.identify({ name: 'Нурлан Тестов', language: 'ru', storyId: 'only-2', at: 2 });
    expect(await people.forgetStory(id, 'only-1')).toBe(false);
    expect(await people.get(id)).not.toBeNull();
    expect(await people.forgetStory(id, 'only-2')).toBe(true);
    expect(await people.get(id)).toBeNull();
    expect(await redis.exists(redisKeys(prefix).personKey(readPersonName('Nurlan Testov').key!))).toBe(0);
  });
});
