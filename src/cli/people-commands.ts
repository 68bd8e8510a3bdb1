import { Command } from 'commander';
import { list } from './catalog-commands.js';
import { withBackend, withCommon, type CommonOptions } from './common-options.js';
import { print, printList, renderTable } from './output.js';

/** `people list|show|merge|split`: people across scripts, and an operator's fix of a missed or wrong match. */
export function peopleCommand(): Command {
  const people = new Command('people').description('people interviewed (one id across scripts and spellings): list, show, merge, split');
  withCommon(
    people
      .command('list')
      .description('people, most recently seen first')
      .option('--limit <n>', 'how many', (v) => Number.parseInt(v, 10), 100),
  ).action(async (o: CommonOptions & { limit: number }) =>
    withBackend(o, async (backend) => {
      const all = await backend.listPeople(o.limit);
      printList(o.json ?? false, 'people', all, 'no people', ['ID', 'STORIES', 'NAMES', 'ROLES'], (p) => [
        p.id,
        String(p.stories),
        p.names.join(' / '),
        p.roles.slice(0, 2).join('; '),
      ]);
    }),
  );
  withCommon(people.command('show').description('one person: names, roles, stories').argument('<id>', 'person id')).action(
    async (id: string, o: CommonOptions) =>
      withBackend(o, async (backend) => {
        const person = await backend.getPerson(id);
        print(o.json ?? false, { person }, () =>
          renderTable(
            ['FIELD', 'VALUE'],
            [
              ['id', person.id],
              ['names', person.names.join(' / ')],
              ['roles', person.roles.join('; ')],
              ['stories', person.storyIds.join(' ')],
            ],
          ),
        );
      }),
  );
  withCommon(
    people
      .command('merge')
      .description('merge people into one (names, roles and stories move; the old ids keep answering)')
      .argument('<into>', 'the person id to keep')
      .argument('<from>', 'person ids to merge into it (comma-separated)', list),
  ).action(async (into: string, from: string[], o: CommonOptions) =>
    withBackend(o, async (backend) => {
      const person = await backend.mergePeople(into, from);
      print(o.json ?? false, { person }, () => `merged ${from.join(', ')} into ${person.id}: ${person.names.join(' / ')}\n`);
    }),
  );
  withCommon(
    people
      .command('split')
      .description('split name forms off a person into a new one, with the stories that gave them')
      .argument('<id>', 'person id')
      .argument('<names>', 'the name forms that are someone else (comma-separated, as `people show` lists them)', list),
  ).action(async (id: string, names: string[], o: CommonOptions) =>
    withBackend(o, async (backend) => {
      const result = await backend.splitPerson(id, names);
      print(o.json ?? false, result, () => `split ${result.newPerson.id} (${result.newPerson.names.join(' / ')}) off ${result.person.id}\n`);
    }),
  );
  return people;
}
