import { RegExpParser, visitRegExpAST, type AST } from '@eslint-community/regexpp';
import { getFirstConsumedChar, getFirstConsumedCharAfter, type ReadonlyFlags } from 'regexp-ast-analysis';
import { analyse, type Report } from 'scslre';

/** The longest pattern source accepted: an operator's rule is a phrase or two, never a program. */
export const MAX_PATTERN_LENGTH = 1000;

/** What {@link checkLinearPattern} says of a pattern. */
export type LinearPatternCheck = { ok: true } | { ok: false; reason: string };

const parser = new RegExpParser({ ecmaVersion: 2025 });

/** One line naming a report's cause and the input that triggers it, for an operator to fix the rule. */
function describe(report: Report, source: string): string {
  const repeated = JSON.stringify(report.character.pick);
  const degree = report.exponential ? 'exponential' : 'polynomial';
  switch (report.type) {
    case 'Self':
      return `the quantifier ${report.quant.raw} repeats inside ${report.parentQuant.raw}: ${degree} backtracking on a run of ${repeated}`;
    case 'Trade':
      return `the quantifiers ${report.startQuant.raw} and ${report.endQuant.raw} can both take ${repeated}: ${degree} backtracking on a run of ${repeated}`;
    case 'Move':
      return `/${source}/ restarts at every position of a run of ${repeated} and reads to its end each time (quadratic): anchor it (^, \\b) or bound the quantifier`;
  }
}

/**
 * A repeated group whose body holds an unbounded quantifier that can also read the group's first character and
 * the text that ends the quantifier (`(?:<!--[\s\S]*?-->)*`): one stretch of text splits into the group's repetitions in exponentially many ways,
 * which scslre's single-character attacks do not reach (the attack repeats `<!---->`, not one character).
 * Conservative: it refuses a few linear patterns too, which a tighter inner class fixes (`<!--[^-]*-->`).
 */
function overlappingRepetition(pattern: AST.Pattern, flags: ReadonlyFlags): string | null {
  const repeated: AST.Quantifier[] = [];
  let found: string | null = null;
  visitRegExpAST(pattern, {
    onQuantifierEnter(node) {
      if (!found && node.max === Infinity) {
        const own = getFirstConsumedChar(node.element, 'ltr', flags).char;
        // It must also be able to read the text that ends it (`-->` for `[\s\S]*?`): else each repetition's end is
        // unambiguous, as in `(?:\s+\w)*`.
        const end = getFirstConsumedCharAfter(node, 'ltr', flags).char;
        for (const outer of repeated) {
          const first = getFirstConsumedChar(outer.element, 'ltr', flags).char;
          if (!own.isDisjointWith(first) && !own.isDisjointWith(end)) {
            found = `the quantifier ${node.raw} inside the repeated ${outer.raw} can read where the next repetition starts: exponential backtracking (use a class that excludes it, e.g. [^>])`;
            break;
          }
        }
      }
      if (node.max > 1) repeated.push(node);
    },
    onQuantifierLeave(node) {
      if (repeated[repeated.length - 1] === node) repeated.pop();
    },
  });
  return found;
}

/**
 * Checks that a regular expression runs in linear time over any text, before it runs over untrusted text (an
 * operator's feed filter, furniture or extraction rule). Pure and fast (milliseconds): it parses the pattern and
 * runs the analysis `npm run lint` runs on our own patterns (eslint-plugin-regexp's `no-super-linear-backtracking`
 * and `no-super-linear-move`, both from scslre), so a rule an operator writes is held to the same bar as the code.
 *
 * Refused, each with a one-line `reason` fit for a config error or an API answer:
 * - a pattern that does not compile (or whose flags do not), or longer than {@link MAX_PATTERN_LENGTH};
 * - backreferences (`\1`, `\k<name>`): no engine bounds them;
 * - nested or overlapping quantifiers that backtrack super-linearly (`(a+)+`, `\s*\s+`, `(?:\w|\d)*x`);
 * - an unanchored quantifier that the engine re-reads from every start position (`\s+$`, `a+b`): quadratic on
 *   a long run of one character. Anchor it with `^`, `\b` or a literal, or bound it (`\s{1,20}$`).
 *
 * The analysis finds attacks made of one repeated character, which covers nearly all real cases; patterns of our
 * own are also checked with a fuzzing checker in the unit tests.
 *
 * @param source the pattern as written, without slashes (`"read\\s+more"`)
 * @param flags its flags (`"i"`, `"u"`, …); `g` and `y` are accepted and ignored by the analysis
 */
export function checkLinearPattern(source: string, flags = ''): LinearPatternCheck {
  if (source.length > MAX_PATTERN_LENGTH) return { ok: false, reason: `the pattern is ${source.length} characters long (at most ${MAX_PATTERN_LENGTH})` };
  try {
    new RegExp(source, flags);
  } catch (err) {
    return { ok: false, reason: `not a valid regular expression: ${(err as Error).message}` };
  }
  let parsed;
  try {
    parsed = {
      pattern: parser.parsePattern(source, undefined, undefined, { unicode: flags.includes('u'), unicodeSets: flags.includes('v') }),
      flags: parser.parseFlags(flags),
    };
  } catch (err) {
    return { ok: false, reason: `not a pattern we can analyse: ${(err as Error).message}` };
  }
  let backreference: string | null = null;
  visitRegExpAST(parsed.pattern, {
    onBackreferenceEnter(node) {
      backreference ??= node.raw;
    },
  });
  if (backreference) return { ok: false, reason: `the backreference ${backreference} can take super-linear time: write the repeated text out` };
  const overlap = overlappingRepetition(parsed.pattern, parsed.flags);
  if (overlap) return { ok: false, reason: overlap };
  const result = analyse(parsed, { reportTypes: { Move: true, Self: true, Trade: true }, assumeRejectingSuffix: true });
  // Exponential first: it is the one to fix before anything else.
  const report = [...result.reports].sort((a, b) => Number(b.exponential) - Number(a.exponential))[0];
  return report ? { ok: false, reason: describe(report, source) } : { ok: true };
}
