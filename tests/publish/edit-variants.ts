/**
 * Labelled edit variants of an interview: a version, an edit of it, and by hand which turns are the same turn
 * (old position → new position), which are new, and the JSON Patch operations the edit must give (by turn
 * position and field; `path` for operations outside the turns).
 */

export type Turn = readonly [question: string, answer: string];

export interface EditVariant {
  name: string;
  title: string;
  editedTitle?: string;
  intro: string;
  before: Turn[];
  after: Turn[];
  /** [old index, new index] of turns that are the same turn. */
  same: Array<[number, number]>;
  /** New indexes of turns that are new. */
  added: number[];
  /** The edit changes typography only (an outlet's copy with it rewords nothing). */
  typographyOnly?: boolean;
  /** `turn`: an old index for remove/replace, a new index for add. */
  ops: Array<{ op: 'add' | 'remove' | 'replace'; turn?: number; field?: 'question' | 'answer'; path?: string }>;
}

const TITLE = 'Leyla Mammadova: the gas corridor will double by 2030 – INTERVIEW';
const INTRO = 'Energy economist Leyla Mammadova spoke to News about the Southern Gas Corridor and the prices of 2025.';

const BASE: Turn[] = [
  ['How much gas will the Southern Gas Corridor carry this year?', 'I expect about 12.9 billion cubic metres to reach Europe, a little more than last year.'],
  ['Which countries will buy the extra volumes?', 'We see Italy, Greece and Bulgaria first, and I think Hungary will sign in the spring.'],
  ['Are the prices of 2025 sustainable for the buyers?', 'I would say they are. Our long-term contracts protect both sides from the spot market.'],
  ['What will limit the expansion?', 'The pipeline needs new compressor stations, and I believe financing them takes two years.'],
  ['When do you expect the capacity to double?', 'I am confident we reach 20 billion cubic metres by 2030 if the financing closes in 2026.'],
];

/** A variant of the base interview: its title, intro and turns before the edit. */
const ON_BASE = { title: TITLE, intro: INTRO, before: BASE } as const;

/** The same-turn pairs written as the labeller reads them: `'0>0 1>2'` is old turn 0 → new 0, old 1 → new 2. */
const pairs = (written: string): Array<[number, number]> => written.split(' ').map((pair) => pair.split('>').map(Number) as [number, number]);

const replaceTurn = (turns: Turn[], index: number, turn: Turn): Turn[] => turns.map((t, i) => (i === index ? turn : t));

export const EDIT_VARIANTS: EditVariant[] = [
  {
    name: 'one answer corrected (a figure)',
    ...ON_BASE,
    after: replaceTurn(BASE, 0, [BASE[0]![0], 'I expect about 13.2 billion cubic metres to reach Europe, a little more than last year.']),
    same: pairs('0>0 1>1 2>2 3>3 4>4'),
    added: [],
    ops: [
      { op: 'replace', turn: 0, field: 'answer' },
      { op: 'replace', path: '/contentText' },
      { op: 'replace', path: '/contentHtml' },
    ],
  },
  {
    name: 'one question reworded',
    ...ON_BASE,
    after: replaceTurn(BASE, 1, ['Which countries are going to buy the extra volumes?', BASE[1]![1]]),
    same: pairs('0>0 1>1 2>2 3>3 4>4'),
    added: [],
    ops: [
      { op: 'replace', turn: 1, field: 'question' },
      { op: 'replace', path: '/contentText' },
      { op: 'replace', path: '/contentHtml' },
    ],
  },
  {
    name: 'a turn inserted in the middle',
    ...ON_BASE,
    after: [...BASE.slice(0, 2), ['What about Central Asian gas?', 'I think Turkmen gas will come, but not before 2028.'], ...BASE.slice(2)],
    same: pairs('0>0 1>1 2>3 3>4 4>5'),
    added: [2],
    ops: [
      { op: 'add', turn: 2 },
      { op: 'replace', path: '/interview/qaOrder' },
      { op: 'replace', path: '/contentText' },
      { op: 'replace', path: '/contentHtml' },
    ],
  },
  {
    name: 'a turn cut',
    ...ON_BASE,
    after: [...BASE.slice(0, 3), BASE[4]!],
    same: pairs('0>0 1>1 2>2 4>3'),
    added: [],
    ops: [
      { op: 'remove', turn: 3 },
      { op: 'replace', path: '/interview/qaOrder' },
      { op: 'replace', path: '/contentText' },
      { op: 'replace', path: '/contentHtml' },
    ],
  },
  {
    name: 'two turns swapped',
    ...ON_BASE,
    after: [BASE[0]!, BASE[2]!, BASE[1]!, BASE[3]!, BASE[4]!],
    same: pairs('0>0 1>2 2>1 3>3 4>4'),
    added: [],
    ops: [
      { op: 'replace', path: '/interview/qaOrder' },
      { op: 'replace', path: '/contentText' },
      { op: 'replace', path: '/contentHtml' },
    ],
  },
  {
    name: 'an answer rewritten from scratch under the same question',
    ...ON_BASE,
    after: replaceTurn(BASE, 3, [BASE[3]![0], 'Honestly, I see politics in Brussels as the main brake, not money.']),
    same: pairs('0>0 1>1 2>2 3>3 4>4'),
    added: [],
    ops: [
      { op: 'replace', turn: 3, field: 'answer' },
      { op: 'replace', path: '/contentText' },
      { op: 'replace', path: '/contentHtml' },
    ],
  },
  {
    name: 'a turn replaced by a different one (question and answer new)',
    ...ON_BASE,
    after: replaceTurn(BASE, 2, ['Will Azerbaijan build a second LNG terminal?', 'I doubt it: our partners prefer pipelines, and so do I.']),
    same: pairs('0>0 1>1 3>3 4>4'),
    added: [2],
    ops: [
      { op: 'remove', turn: 2 },
      { op: 'add', turn: 2 },
      { op: 'replace', path: '/interview/qaOrder' },
      { op: 'replace', path: '/contentText' },
      { op: 'replace', path: '/contentHtml' },
    ],
  },
  {
    name: 'the title corrected, two answers extended',
    title: TITLE,
    editedTitle: 'Leyla Mammadova: the gas corridor will double by 2030 – EXCLUSIVE INTERVIEW',
    intro: INTRO,
    before: BASE,
    after: replaceTurn(replaceTurn(BASE, 1, [BASE[1]![0], `${BASE[1]![1]} Serbia is also interested.`]), 4, [
      BASE[4]![0],
      `${BASE[4]![1]} That is my estimate.`,
    ]),
    same: pairs('0>0 1>1 2>2 3>3 4>4'),
    added: [],
    ops: [
      { op: 'replace', path: '/title' },
      { op: 'replace', turn: 1, field: 'answer' },
      { op: 'replace', turn: 4, field: 'answer' },
      { op: 'replace', path: '/contentText' },
      { op: 'replace', path: '/contentHtml' },
    ],
  },
  {
    name: 'the last turn dropped and a new last turn added',
    ...ON_BASE,
    after: [...BASE.slice(0, 4), ['What do you tell young engineers?', 'Learn hydrogen: I am sure it is the next corridor.']],
    same: pairs('0>0 1>1 2>2 3>3'),
    added: [4],
    ops: [
      { op: 'remove', turn: 4 },
      { op: 'add', turn: 4 },
      { op: 'replace', path: '/interview/qaOrder' },
      { op: 'replace', path: '/contentText' },
      { op: 'replace', path: '/contentHtml' },
    ],
  },
  {
    name: 'nothing but typography (quotes, spaces) in one answer',
    typographyOnly: true,
    ...ON_BASE,
    after: replaceTurn(BASE, 2, [BASE[2]![0], 'I would say they are.  Our long-term contracts protect both sides from the "spot" market.']),
    same: pairs('0>0 1>1 2>2 3>3 4>4'),
    added: [],
    ops: [
      { op: 'replace', turn: 2, field: 'answer' },
      { op: 'replace', path: '/contentText' },
      { op: 'replace', path: '/contentHtml' },
    ],
  },
];
