import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/keys.js';
import { readPersonName, type PersonName } from './person-key.js';

/** A person as the API lists them. */
export interface PersonSummary {
  id: string;
  /** Every form of the name seen, as written, most recent first. */
  names: string[];
  /** Every role seen with the name, most recent first. */
  roles: string[];
  /** How many stored stories name them. */
  stories: number;
}

/** A person with the stories that name them. */
export interface PersonRecord extends PersonSummary {
  /** Story ids, newest first. */
  storyIds: string[];
}

/** Where a name was seen: the story, its language and time, and the role given with it. */
export interface Sighting {
  name: string;
  language: string | null;
  role?: string;
  storyId: string;
  /** Epoch ms of the story's publication. */
  at: number;
}

/** Each word of a two-word name with the other: the surname index files a person under both (order varies). */
function wordPairs(read: PersonName): Array<[string, string]> {
  return [
    [read.surname ?? '', read.given ?? ''],
    [read.given ?? '', read.surname ?? ''],
  ];
}

/** The id a person gets from their name's key: the same name gives the same id on every deployment. */
export function personIdOf(key: string, salt = ''): string {
  return `p-${createHash('sha256')
    .update(`${key}${salt ? `\u0000${salt}` : ''}`, 'utf8')
    .digest('base64url')
    .slice(0, 12)}`;
}

/**
 * Hash fields of a person: `n:` name form → last seen, `r:` role → last seen, `k:` key, `t:` surname index entry,
 * `a:` an id merged into this person (its alias key lives and goes with the person).
 */
const NAME = 'n:';
const ROLE = 'r:';
const KEY = 'k:';
const TOKEN = 't:';
const ALIAS = 'a:';

const byRecency = (fields: Record<string, string>, prefix: string) =>
  Object.entries(fields)
    .filter(([field]) => field.startsWith(prefix))
    .sort((a, b) => Number(b[1]) - Number(a[1]))
    .map(([field]) => field.slice(prefix.length));

/**
 * People across scripts and spellings (src/people/person-key.ts), in Redis. A name's keys point to a person id;
 * a person holds the forms and roles seen and the stories that name them. A given-name initial ("G. Trofimchuk")
 * is attached only when exactly one known person has that surname and initial. An operator's merge points one
 * person's keys to another (the old id stays an alias) and a split moves name forms, with their stories, to a
 * new person. A person lasts while a stored story names them: {@link forgetStory} removes the last trace.
 */
export class PeopleStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** The id an alias (a person merged into another) stands for now; the id itself when it is no alias. */
  async resolve(id: string): Promise<string> {
    let current = id;
    for (let hops = 0; hops < 8; hops++) {
      const next = await this.redis.get(this.keys.personAlias(current));
      if (!next) return current;
      current = next;
    }
    return current;
  }

  /**
   * The person a name in a story stands for, recorded with the story; null when the name cannot identify anyone
   * (one word, or an initial that fits no known person or several). Repeating a sighting changes nothing.
   */
  async identify(sighting: Sighting): Promise<string | null> {
    const read = readPersonName(sighting.name, sighting.language);
    const id = read.initial ? await this.byInitial(read) : read.key ? await this.byKeys(read.key, read.keys) : null;
    if (!id) return null;
    await this.record(id, read, sighting);
    return id;
  }

  private async byInitial(read: PersonName): Promise<string | null> {
    if (!read.surname || !read.given) return null;
    const entries = await this.redis.smembers(this.keys.peopleBySurname(read.surname));
    const ids = new Set<string>();
    for (const entry of entries) {
      const [id = '', given = ''] = entry.split(' ');
      if (given.startsWith(read.given)) ids.add(await this.resolve(id));
    }
    return ids.size === 1 ? [...ids][0]! : null;
  }

  private async byKeys(key: string, keys: string[]): Promise<string> {
    const found = await this.redis.mget(...keys.map((k) => this.keys.personKey(k)));
    const known = found.find((id): id is string => Boolean(id));
    if (known) return this.resolve(known);
    const id = personIdOf(key);
    // Two publishers seeing a new person at once agree: the first key decides.
    const set = await this.redis.set(this.keys.personKey(key), id, 'NX');
    return set ? id : this.resolve((await this.redis.get(this.keys.personKey(key))) ?? id);
  }

  private async record(id: string, read: PersonName, sighting: Sighting): Promise<void> {
    const multi = this.redis.multi();
    const fields: Record<string, string> = { [`${NAME}${sighting.name}`]: String(sighting.at) };
    if (sighting.role) fields[`${ROLE}${sighting.role}`] = String(sighting.at);
    if (!read.initial) {
      for (const key of read.keys) {
        multi.set(this.keys.personKey(key), id, 'NX');
        fields[`${KEY}${key}`] = '1';
      }
      for (const [surname, given] of wordPairs(read)) {
        multi.sadd(this.keys.peopleBySurname(surname), `${id} ${given}`);
        fields[`${TOKEN}${surname} ${given}`] = '1';
      }
    }
    multi.hset(this.keys.person(id), fields);
    multi.zadd(this.keys.personStories(id), sighting.at, sighting.storyId);
    multi.hset(this.keys.personStoryNames(id), sighting.storyId, sighting.name);
    multi.zadd(this.keys.people, 'GT', sighting.at, id);
    await multi.exec();
  }

  /** People, most recently seen first. */
  async list(limit = 100, offset = 0): Promise<PersonSummary[]> {
    const ids = await this.redis.zrevrange(this.keys.people, offset, offset + limit - 1);
    const people = await Promise.all(ids.map((id) => this.summary(id)));
    return people.filter((person): person is PersonSummary => person !== null);
  }

  private async summary(id: string): Promise<PersonSummary | null> {
    const [fields, stories] = await Promise.all([this.redis.hgetall(this.keys.person(id)), this.redis.zcard(this.keys.personStories(id))]);
    if (Object.keys(fields).length === 0) return null;
    return { id, names: byRecency(fields, NAME), roles: byRecency(fields, ROLE), stories };
  }

  /** One person (through aliases), with their story ids newest first; null when unknown. */
  async get(id: string, storyLimit = 500): Promise<PersonRecord | null> {
    const current = await this.resolve(id);
    const summary = await this.summary(current);
    if (!summary) return null;
    const storyIds = await this.redis.zrevrange(this.keys.personStories(current), 0, storyLimit - 1);
    return { ...summary, storyIds };
  }

  /**
   * Merges `from` people into `into`: their names, roles, keys and stories become `into`'s, and each old id an
   * alias of it. Answers the merged person and the story ids that moved (their stored items name the old id).
   */
  async merge(into: string, from: string[]): Promise<{ person: PersonRecord; movedStories: string[] } | null> {
    const target = await this.resolve(into);
    if (!(await this.redis.exists(this.keys.person(target)))) return null;
    const moved: string[] = [];
    for (const other of from) {
      const source = await this.resolve(other);
      if (source === target) continue;
      moved.push(...(await this.moveAll(source, target)));
      await this.redis.multi().set(this.keys.personAlias(source), target).hset(this.keys.person(target), `${ALIAS}${source}`, '1').exec();
    }
    return { person: (await this.get(target))!, movedStories: moved };
  }

  /** Moves every field and story of `from` to `to`, then deletes `from`. Answers the moved story ids. */
  private async moveAll(from: string, to: string): Promise<string[]> {
    const [fields, stories, storyNames] = await Promise.all([
      this.redis.hgetall(this.keys.person(from)),
      this.redis.zrange(this.keys.personStories(from), '0', '-1', 'WITHSCORES'),
      this.redis.hgetall(this.keys.personStoryNames(from)),
    ]);
    const multi = this.redis.multi();
    if (Object.keys(fields).length) multi.hset(this.keys.person(to), fields);
    for (const field of Object.keys(fields)) {
      if (field.startsWith(KEY)) multi.set(this.keys.personKey(field.slice(KEY.length)), to);
      // Ids merged into `from` earlier now stand for `to` directly.
      if (field.startsWith(ALIAS)) multi.set(this.keys.personAlias(field.slice(ALIAS.length)), to);
      if (field.startsWith(TOKEN)) {
        const [surname = '', given = ''] = field.slice(TOKEN.length).split(' ');
        multi.srem(this.keys.peopleBySurname(surname), `${from} ${given}`).sadd(this.keys.peopleBySurname(surname), `${to} ${given}`);
      }
    }
    const ids: string[] = [];
    for (let i = 0; i < stories.length; i += 2) {
      multi.zadd(this.keys.personStories(to), Number(stories[i + 1]), stories[i]!);
      ids.push(stories[i]!);
    }
    if (Object.keys(storyNames).length) multi.hset(this.keys.personStoryNames(to), storyNames);
    const lastSeen = stories.length ? Number(stories[stories.length - 1]) : 0;
    if (lastSeen) multi.zadd(this.keys.people, 'GT', lastSeen, to);
    multi.del(this.keys.person(from), this.keys.personStories(from), this.keys.personStoryNames(from)).zrem(this.keys.people, from);
    await multi.exec();
    return ids;
  }

  /**
   * Splits name forms off a person (an operator's fix of a wrong merge): the forms in `names`, their keys and the
   * stories that named the person so move to a new person. Answers both, and the story ids that moved; null when
   * the person is unknown or none of `names` is theirs.
   */
  async split(id: string, names: string[]): Promise<{ person: PersonRecord; newPerson: PersonRecord; movedStories: string[] } | null> {
    const current = await this.resolve(id);
    const fields = await this.redis.hgetall(this.keys.person(current));
    const forms = names.filter((name) => fields[`${NAME}${name}`] !== undefined);
    if (forms.length === 0) return null;
    const reads = forms.map((name) => readPersonName(name));
    const firstKey = reads.find((read) => read.key)?.key ?? forms[0]!;
    const newId = personIdOf(firstKey, current);
    const splitKeys = new Set(reads.flatMap((read) => read.keys));
    const storyNames = await this.redis.hgetall(this.keys.personStoryNames(current));
    const movedStories = Object.entries(storyNames)
      .filter(([, name]) => forms.includes(name))
      .map(([storyId]) => storyId);
    const multi = this.redis.multi();
    // The same split made before, then merged back: the id was an alias since, and is a person again now.
    multi.del(this.keys.personAlias(newId)).hdel(this.keys.person(current), `${ALIAS}${newId}`);
    const moved: Record<string, string> = {};
    for (const name of forms) moved[`${NAME}${name}`] = fields[`${NAME}${name}`]!;
    for (const key of splitKeys) {
      moved[`${KEY}${key}`] = '1';
      multi.set(this.keys.personKey(key), newId);
    }
    for (const read of reads) {
      if (!read.key) continue;
      for (const [surname, given] of wordPairs(read)) {
        moved[`${TOKEN}${surname} ${given}`] = '1';
        multi.srem(this.keys.peopleBySurname(surname), `${current} ${given}`).sadd(this.keys.peopleBySurname(surname), `${newId} ${given}`);
      }
    }
    multi.hset(this.keys.person(newId), moved).hdel(this.keys.person(current), ...Object.keys(moved));
    for (const storyId of movedStories) {
      const score = await this.redis.zscore(this.keys.personStories(current), storyId);
      multi.zadd(this.keys.personStories(newId), score ?? 0, storyId).zrem(this.keys.personStories(current), storyId);
      multi.hset(this.keys.personStoryNames(newId), storyId, storyNames[storyId]!).hdel(this.keys.personStoryNames(current), storyId);
      multi.zadd(this.keys.people, 'GT', score ?? 0, newId);
    }
    await multi.exec();
    return { person: (await this.get(current))!, newPerson: (await this.get(newId))!, movedStories };
  }

  /**
   * Forgets that a story names a person (the story was removed): when no stored story names them any more, the
   * person goes, keys, index entries and the ids merged into them included. Answers whether the person went.
   */
  async forgetStory(personId: string, storyId: string): Promise<boolean> {
    const id = await this.resolve(personId);
    await this.redis.multi().zrem(this.keys.personStories(id), storyId).hdel(this.keys.personStoryNames(id), storyId).exec();
    if ((await this.redis.zcard(this.keys.personStories(id))) > 0) return false;
    const fields = await this.redis.hgetall(this.keys.person(id));
    // A name key another person holds (set first by them) stays theirs.
    const nameKeys = Object.keys(fields)
      .filter((field) => field.startsWith(KEY))
      .map((field) => this.keys.personKey(field.slice(KEY.length)));
    const holders = nameKeys.length ? await this.redis.mget(...nameKeys) : [];
    const multi = this.redis.multi();
    nameKeys.forEach((key, i) => {
      if (holders[i] === id) multi.del(key);
    });
    for (const field of Object.keys(fields)) {
      if (field.startsWith(ALIAS)) multi.del(this.keys.personAlias(field.slice(ALIAS.length)));
      if (field.startsWith(TOKEN)) {
        const [surname = '', given = ''] = field.slice(TOKEN.length).split(' ');
        multi.srem(this.keys.peopleBySurname(surname), `${id} ${given}`);
      }
    }
    multi.del(this.keys.person(id), this.keys.personStories(id), this.keys.personStoryNames(id)).zrem(this.keys.people, id);
    await multi.exec();
    return true;
  }
}
