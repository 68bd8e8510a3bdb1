import { describe, expect, it } from 'vitest';
import { compareTranslations, translationSignature } from '../../src/dedup/translation.js';
import { INTERVIEWS, OTHER_INTERVIEWS, renderInterview } from './translation-set.js';

/** Every publication of the set: the 15 interviews in each of their languages, then the other interviews. */
function publications() {
  const all = [
    ...INTERVIEWS.flatMap((interview, i) => interview.languages.map((lang, k) => ({ group: i, item: renderInterview(interview, lang, `i${i}`, k * 45) }))),
    ...OTHER_INTERVIEWS.flatMap((interview, i) => interview.languages.map((lang) => ({ group: 100 + i, item: renderInterview(interview, lang, `o${i}`) }))),
  ];
  return all.map((p) => ({ ...p, signature: translationSignature(p.item)! }));
}

describe('one interview across languages: the labelled set', () => {
  it('has at least 15 interviews in two or more languages and same-day interviews with the same person', () => {
    expect(INTERVIEWS.filter((i) => i.languages.length >= 2).length).toBeGreaterThanOrEqual(15);
    for (const other of OTHER_INTERVIEWS) expect(INTERVIEWS.some((i) => i.person === other.person && i.day === other.day)).toBe(true);
  });

  it('precision 1.0 and recall ≥ 0.9 over every pair', () => {
    const all = publications();
    let truePairs = 0;
    let found = 0;
    const falsePositives: string[] = [];
    const missed: string[] = [];
    for (let a = 0; a < all.length; a++) {
      for (let b = a + 1; b < all.length; b++) {
        const verdict = compareTranslations(all[a]!.signature, all[b]!.signature);
        const same = all[a]!.group === all[b]!.group;
        if (same) truePairs++;
        if (verdict === 'match' && same) found++;
        else if (verdict === 'match') falsePositives.push(`${all[a]!.item.id} ~ ${all[b]!.item.id}`);
        else if (same) missed.push(`${all[a]!.item.id} ~ ${all[b]!.item.id}: ${verdict}`);
      }
    }
    const precision = found / (found + falsePositives.length);
    const recall = found / truePairs;
    console.log(
      `translations: ${found}/${truePairs} pairs linked (recall ${recall.toFixed(3)}), ${falsePositives.length} wrong links (precision ${precision.toFixed(3)}); missed: ${missed.join('; ')}`,
    );
    expect(falsePositives).toEqual([]);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });

  it('says why a pair is not one interview', () => {
    const [en, ru] = INTERVIEWS[0]!.languages.map((lang) => translationSignature(renderInterview(INTERVIEWS[0]!, lang, 'x'))!);
    const sameDay = translationSignature(renderInterview(OTHER_INTERVIEWS[0]!, 'ru', 'y'))!;
    expect(compareTranslations(en!, ru!)).toBe('match');
    expect(compareTranslations(en!, en!)).toBe('same-language');
    expect(compareTranslations(en!, sameDay)).toBe('turns-disagree');
    expect(compareTranslations(en!, { ...ru!, at: ru!.at + 4 * 24 * 3600_000 })).toBe('far-apart');
    expect(compareTranslations(en!, { ...ru!, personKeys: ['someone else'] })).toBe('other-person');
    expect(compareTranslations(en!, { ...ru!, turns: ru!.turns.slice(1) })).toBe('turn-count');
  });
});
