import { SyndicateError } from '../core/errors.js';
import type { NormalizedItem } from '../core/item.js';
import type { ItemStore } from '../publish/item-store.js';
import type { PeopleStore, PersonRecord, PersonSummary } from './people-store.js';

/** What the operator's people operations touch: the people and the stored stories that name them. */
export interface PeopleOperationsDeps {
  people: PeopleStore;
  items: ItemStore;
}

const notFound = (id: string) => new SyndicateError('SYN_ERR_NOT_FOUND', `no person ${id}`);

/**
 * The operator's view of people, shared by `/api/v1/people` and `syndicate people`: list, show, merge two people
 * the name reading kept apart, split a wrong merge. A merge or split also rewrites the person id in the stored
 * stories that moved, so feeds, the API and later events name the person as it now is.
 */
export class PeopleOperations {
  constructor(private readonly ctx: PeopleOperationsDeps) {}

  /** People, most recently seen first. */
  list(limit = 100, offset = 0): Promise<PersonSummary[]> {
    return this.ctx.people.list(limit, offset);
  }

  /** One person (an old id after a merge answers the person it went into); `SYN_ERR_NOT_FOUND` when unknown. */
  async get(id: string): Promise<PersonRecord> {
    const person = await this.ctx.people.get(id);
    if (!person) throw notFound(id);
    return person;
  }

  /** The stored stories that name a person, newest first. */
  async stories(id: string, limit: number): Promise<{ person: PersonRecord; items: NormalizedItem[] }> {
    const person = await this.get(id);
    return { person, items: await this.ctx.items.getMany(person.storyIds.slice(0, limit)) };
  }

  /** Merges `from` into `into`; answers the merged person. */
  async merge(into: string, from: string[]): Promise<PersonRecord> {
    for (const id of from) if (!(await this.ctx.people.get(id))) throw notFound(id);
    const merged = await this.ctx.people.merge(into, from);
    if (!merged) throw notFound(into);
    await this.rename(merged.movedStories, merged.person.id);
    return merged.person;
  }

  /** Splits the name forms `names` off a person into a new one; answers both. */
  async split(id: string, names: string[]): Promise<{ person: PersonRecord; newPerson: PersonRecord }> {
    await this.get(id);
    const split = await this.ctx.people.split(id, names);
    if (!split) throw new SyndicateError('SYN_ERR_BAD_REQUEST', `person ${id} has none of the names ${names.join(', ')}`);
    await this.rename(split.movedStories, split.newPerson.id);
    return { person: split.person, newPerson: split.newPerson };
  }

  private async rename(storyIds: string[], personId: string): Promise<void> {
    for (const item of await this.ctx.items.getMany(storyIds)) {
      const who = item.interview?.interviewee;
      if (!item.interview || !who) continue;
      await this.ctx.items.save({ ...item, interview: { ...item.interview, interviewee: { ...who, personId } } });
    }
  }
}
