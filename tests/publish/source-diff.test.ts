import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignTurnIds, turnDiff } from '../../src/core/turn-ids.js';
import { processPublishJob } from '../../src/publish/publish-processor.js';
import type { PublishJob } from '../../src/queues/pipeline.js';
import { startTestSystem } from '../support/system.js';
import { interviewItem } from './fixtures.js';
import { EDIT_VARIANTS } from './edit-variants.js';

const asTurns = (turns: ReadonlyArray<readonly [string, string]>) => turns.map(([question, answer]) => ({ question, answer }));

describe('how outlets differ: turns cut, added and reworded against the first publication', () => {
  it.each(EDIT_VARIANTS.map((variant) => [variant.name, variant] as const))('%s', (_name, variant) => {
    const first = assignTurnIds(asTurns(variant.before));
    const diff = turnDiff(first, asTurns(variant.after));
    const keptOld = new Set(variant.same.map(([oldIndex]) => oldIndex));
    expect(diff.cut).toEqual(first.filter((_, i) => !keptOld.has(i)).map((t) => t.id));
    expect(diff.added).toHaveLength(variant.added.length);
    const reworded = variant.typographyOnly ? [] : variant.ops.filter((op) => op.op === 'replace' && op.turn !== undefined).map((op) => first[op.turn!]!.id);
    expect([...diff.reworded].sort()).toEqual([...new Set(reworded)].sort());
  });

  describe('through the publish stage', () => {
    let system: Awaited<ReturnType<typeof startTestSystem>>;
    const publish = (data: PublishJob) => processPublishJob(system.ctx, { data } as Job<PublishJob>);

    beforeAll(async () => {
      system = await startTestSystem('source-diff', {}, []);
    });
    afterAll(async () => {
      await system?.cleanup();
    });

    it('each later outlet says which turns it cut or reworded; the earliest publisher is named', async () => {
      const first = interviewItem(1, { sources: [interviewItem(1).source] });
      await publish({ event: 'item.published', item: first });
      const [t0, t1] = first.interview!.qa;
      const copier = { id: 'copier', name: 'Copier', url: 'https://copier.example/', itemUrl: 'https://copier.example/1' };
      // The copier dropped the second turn and reworded the first answer, and says it published an hour earlier.
      await publish({
        event: 'item.source_added',
        storyId: first.id,
        source: { ...copier, publishedAt: new Date(Date.parse(first.publishedAt) - 3600_000).toISOString() },
        turns: [{ question: t0!.question, answer: `${t0!.answer} Добавлю ещё одно.` }],
      });
      const stored = (await system.ctx.items.get(first.id))!;
      expect(stored.sources[0]!.turns).toBeUndefined();
      expect(stored.sources[1]!.turns).toEqual({ cut: [t1!.id], added: [], reworded: [t0!.id] });
      expect(stored.firstSource).toBe('copier');
    });
  });
});
