import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderChannelDocument } from '../../src/publish/channel-feed.js';
import { processPublishJob } from '../../src/publish/publish-processor.js';
import type { PublishJob } from '../../src/queues/pipeline.js';
import { startTestSystem } from '../support/system.js';
import { channel, interviewItem } from './fixtures.js';

/** An edit after which the story is an article, no longer an interview. */
const asArticle = (n: number) => ({
  ...interviewItem(n),
  kind: 'article' as const,
  interview: null,
  contentText: `${interviewItem(n).contentText} (no longer an interview)`,
});

describe('a story edited so that it no longer matches a channel', () => {
  let system: Awaited<ReturnType<typeof startTestSystem>>;
  const publish = (data: PublishJob) => processPublishJob(system.ctx, { data } as Job<PublishJob>);
  const interviews = channel({ id: 'interviews', title: 'Interviews', filter: { kind: 'interview' }, pageSize: 2 });
  const render = (archive: number | null) => renderChannelDocument(system.ctx, interviews, 'atom', archive, new Date());
  const members = () => system.ctx.items.channelMembers('interviews');

  beforeAll(async () => {
    system = await startTestSystem(
      'edited-out',
      {
        channels: [interviews, { id: 'all', title: 'Everything', pageSize: 2 }],
        subscriptions: [{ id: 'interviews-only', url: 'http://127.0.0.1:9/hook', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', channels: ['interviews'] }],
      },
      [],
    );
    // Interviews 1 and 2 fill archive page 1 of the interviews channel; interview 3 is in the current document only.
    for (const n of [1, 2, 3]) await publish({ event: 'item.published', item: interviewItem(n) });
  });

  afterAll(async () => {
    await system?.cleanup();
  });

  it('leaves the channel while the story is in its current document, and the feed changes', async () => {
    const before = await system.ctx.items.channelState('interviews');
    expect(await members()).toContain('story-3');
    const outcome = await publish({ event: 'item.updated', item: asArticle(3) });
    expect(outcome).toMatchObject({ event: 'item.updated', channels: ['all'] });
    expect(await members()).not.toContain('story-3');
    expect((await system.ctx.items.channelState('interviews')).version).toBeGreaterThan(before.version);
    expect((await render(null))!.body).not.toContain('urn:syndicate:story:story-3');
    // Still where it matches.
    expect(await system.ctx.items.channelMembers('all')).toContain('story-3');
    // The interviews channel's subscriber had the story: it hears of the edit that took it out.
    const fanouts = await system.ctx.queues.deliver.getJobs(['waiting', 'delayed', 'prioritized']);
    const update = fanouts.find((job) => job.data.eventType === 'item.updated' && job.data.storyId === 'story-3');
    expect(update && 'subscriptionIds' in update.data ? update.data.subscriptionIds : null).toEqual(['interviews-only']);
  });

  it('stays in a full archive page, which never changes', async () => {
    const page = async () => (await render(1))!.body;
    const archived = await page();
    expect(archived).toContain('urn:syndicate:story:story-1');
    await publish({ event: 'item.updated', item: asArticle(1) });
    expect(await members()).toContain('story-1');
    // The same stories on the page (story-1's own text may change, as for any edit).
    expect((await page()).match(/urn:syndicate:story:story-\d+/g)).toEqual(archived.match(/urn:syndicate:story:story-\d+/g));
  });
});
