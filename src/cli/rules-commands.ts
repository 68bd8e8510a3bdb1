import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { SyndicateError } from '../core/errors.js';
import { withBackend, withCommon, type CommonOptions } from './common-options.js';
import { print, renderTable } from './output.js';

/** A rules or filter option: inline YAML/JSON (`{include: …}`) or the path of a YAML or JSON file holding it. */
async function readStructured(option: string, value: string): Promise<unknown> {
  const inline = /^\s*[{[]/.test(value);
  let text = value;
  if (!inline) {
    try {
      text = await readFile(value, 'utf8');
    } catch (err) {
      throw new SyndicateError('SYN_ERR_UNSUPPORTED_INPUT', `${option}: cannot read ${value}: ${(err as Error).message}`);
    }
  }
  try {
    return parseYaml(text) as unknown;
  } catch (err) {
    throw new SyndicateError('SYN_ERR_BAD_REQUEST', `${option}: not YAML or JSON: ${(err as Error).message}`);
  }
}

/** `rules test`: which stored stories a channel's or subscription's rules, or rules given here, would keep. */
export function rulesCommand(): Command {
  const rules = new Command('rules').description('try include/exclude rules against the stored stories');
  withCommon(
    rules
      .command('test')
      .description("show which of the newest stored stories a channel's or subscription's rules, or the rules given, would keep (changes nothing)")
      .option('--channel <id>', "a stored channel's filter and rules (what its backfill would file)")
      .option('--subscription <id>', "a stored subscription's rules")
      .option('--rules <yaml|json|file>', 'rules to try, inline or a file: {include: [{field: title, any: [putin]}], exclude: [...], match: all|any}')
      .option('--filter <yaml|json|file>', 'a channel filter to try with them: {kind: interview, sources: [news-az], language: en}')
      .option('--limit <n>', 'how many of the newest stored stories to try', (v) => Number.parseInt(v, 10), 200)
      .addHelpText(
        'after',
        '\nExamples:\n  syndicate rules test --channel interviews\n  syndicate rules test --rules \'{include: [{field: [title, summary], any: ["energy", "oil*"]}]}\' --limit 1000',
      ),
  ).action(async (o: CommonOptions & { channel?: string; subscription?: string; rules?: string; filter?: string; limit: number }) =>
    withBackend(o, async (backend) => {
      const raw = {
        ...(o.channel !== undefined ? { channel: o.channel } : {}),
        ...(o.subscription !== undefined ? { subscription: o.subscription } : {}),
        ...(o.rules !== undefined ? { rules: await readStructured('--rules', o.rules) } : {}),
        ...(o.filter !== undefined ? { filter: await readStructured('--filter', o.filter) } : {}),
        limit: o.limit,
      };
      const result = await backend.testRules(raw);
      print(o.json ?? false, result, () => {
        const summary = `${result.kept} of ${result.considered} stored stories kept, ${result.dropped} dropped\n`;
        if (result.considered === 0) return summary;
        const rows = result.stories.map((s) => [
          s.kept ? 'keep' : 'drop',
          s.id,
          s.publishedAt.replace(/\.\d{3}Z$/, 'Z'),
          s.because ?? '',
          s.title.slice(0, 80),
        ]);
        return renderTable(['', 'ID', 'PUBLISHED', 'WHY DROPPED', 'TITLE'], rows) + summary;
      });
    }),
  );
  return rules;
}
