import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookEvent } from '../../src/core/item.js';
import { processDedupJob } from '../../src/dedup/dedup-processor.js';
import { processPublishJob } from '../../src/publish/publish-processor.js';
import type { DedupJob, FanoutJob, PublishJob } from '../../src/queues/pipeline.js';
import { startTestSystem } from '../support/system.js';
import { INTERVIEWS, OTHER_INTERVIEWS, renderInterview } from './translation-set.js';

describe('one interview across languages, through the dedup and publish stages', () => {
  let system: Awaited<ReturnType<typeof startTestSystem>>;
  let jobs = 0;

  /** Runs the dedup stage on an item, then every publish job it queued; answers the publish outcomes. */
  async function ingest(item: DedupJob['item']) {
    const id = `dedup-${++jobs}`;
    await processDedupJob(system.ctx, { id, data: { item, guid: item.url } } as Job<DedupJob>);
    const queued = (await system.ctx.queues.publish.getJobs(['waiting', 'delayed', 'prioritized'])).filter((job) => job.id?.endsWith(id));
    const outcomes = [];
    for (const job of queued) {
      outcomes.push(await processPublishJob(system.ctx, job as Job<PublishJob>));
      await job.remove();
    }
    return outcomes;
  }

  const events = async () =>
    (await system.ctx.queues.deliver.getJobs(['waiting', 'delayed', 'prioritized'])).map((job) => JSON.parse((job.data as FanoutJob).body) as WebhookEvent);

  beforeAll(async () => {
    system = await startTestSystem(
      'translations',
      {
        channels: [
          { id: 'english', title: 'English', filter: { language: 'en' } },
          { id: 'russian', title: 'Russian', filter: { language: 'ru' } },
        ],
        subscriptions: [{ id: 'mirror', url: 'http://127.0.0.1:9/hook', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }],
      },
      [],
    );
  });

  afterAll(async () => {
    await system?.cleanup();
  });

  it('the translations join the first publication; a copy of one joins too; the same-day interview stays apart', async () => {
    const interview = INTERVIEWS[0]!; // en, ru, az
    const [en, ru, az] = interview.languages.map((lang, k) => renderInterview(interview, lang, 'gas', k * 30));
    expect(await ingest(en!)).toMatchObject([{ event: 'item.published', channels: ['english'] }]);
    expect(await ingest(ru!)).toMatchObject([{ event: 'item.translation_added', storyId: en!.id, channels: ['english'] }]);
    expect(await ingest(az!)).toMatchObject([{ event: 'item.translation_added', storyId: en!.id }]);
    // Another outlet carries the Russian translation word for word.
    const copy = { ...ru!, id: 'story-copy', url: 'https://copy.example/ru/1', source: { ...ru!.source, id: 'copier', itemUrl: 'https://copy.example/ru/1' } };
    copy.sources = [copy.source];
    expect(await ingest(copy)).toMatchObject([{ event: 'item.translation_added', storyId: en!.id }]);
    // Its re-fetch changes nothing.
    expect(await ingest(copy)).toEqual([]);

    const stored = (await system.ctx.items.get(en!.id))!;
    expect(stored.translations!.map((t) => [t.language, t.source.id])).toEqual([
      ['ru', ru!.source.id],
      ['az', az!.source.id],
      ['ru', 'copier'],
    ]);
    // Outlets that carried a translation are in translations[], not sources[]; the language stays the first one.
    expect(stored.sources.map((s) => s.id)).toEqual([en!.source.id]);
    expect(stored.language).toBe('en');
    expect(await system.ctx.items.channelMembers('russian')).toEqual([]);

    const sameDay = renderInterview(OTHER_INTERVIEWS[0]!, 'ru', 'same-day');
    expect(await ingest(sameDay)).toMatchObject([{ event: 'item.published', channels: ['russian'] }]);

    const types = (await events()).map((event) => event.type);
    expect(types.filter((type) => type === 'item.published')).toHaveLength(2);
    expect(types.filter((type) => type === 'item.translation_added')).toHaveLength(3);
    const added = (await events()).find((event) => event.type === 'item.translation_added')!;
    expect(added.data.id).toBe(en!.id);
    expect(added.data.translations!.length).toBeGreaterThan(0);
    expect(added.data.interview!.interviewee!.personId).toMatch(/^p-/);
  });
});
