/**
 * Watch and digest through the Agents Playground, as a user in a team channel sees them: `watch
 * failures`, then a failed job's card arrives in the channel without anyone naming the job;
 * `digest now` shows the digest card. Both cards render through the Adaptive Cards SDK without
 * warnings.
 */
import { checkCard } from '../unit/cards/ac-validate';
import type { AdaptiveCardJson } from '../../src/cards';
import { cardShows } from './support/stack';
import { useStack } from './support/use-stack';
import type { StreamMessage } from './support/playground';

const WAIT = 30_000;

function expectRendersClean(m: StreamMessage): void {
  for (const a of m.attachments) {
    const check = checkCard(a.content as AdaptiveCardJson);
    expect(check.parseEvents).toEqual([]);
    expect(check.validationEvents).toEqual([]);
  }
}

describe('e2e: watch and digest in a team channel', () => {
  const stack = useStack();

  it('watch failures → a failed job’s card arrives in the channel, with its error and recommendation', async () => {
    const { playground } = stack();
    const since = playground.mark();
    const sent = await playground.send(playground.generalChannelId, 'watch failures');
    await playground.waitForMessage(
      // Posted at the channel's top level (a new conversation in the channel), not as a reply in the thread.
      (m) =>
        m.action === 'createMessage' &&
        m.conversationId.startsWith(playground.generalChannelId) &&
        m.conversationId !== sent.replyConversationId &&
        /now watches failures/.test(m.text ?? ''),
      WAIT,
      since,
    );
    const jobId = stack().addJob({
      entity: 'vm-e2e-watched',
      tasks: [{ name: 'Transfer data to vault', durationMs: 500 }],
      outcome: 'Failed',
      errorDetails: [
        {
          code: 'UserErrorGuestAgentStatusUnavailable',
          message: 'VM Agent unable to communicate with Azure Backup.',
          recommendations: ['Ensure the VM agent is installed, running and up to date.'],
        },
      ],
    });
    stack().release(jobId);
    const card = await playground.waitForMessage((m) => m.action === 'createMessage' && cardShows(m, 'vm-e2e-watched'), WAIT, since);
    expect(card.conversationId.startsWith(playground.generalChannelId)).toBe(true);
    expect(card.conversationId).not.toBe(sent.replyConversationId);
    expect(cardShows(card, 'UserErrorGuestAgentStatusUnavailable')).toBe(true);
    expect(cardShows(card, 'Ensure the VM agent is installed, running and up to date.')).toBe(true);
    expectRendersClean(card);
  }, 60_000);

  it('digest now → the digest card of the last 24 hours', async () => {
    const { playground } = stack();
    const since = playground.mark();
    const sent = await playground.send(playground.generalChannelId, 'digest now');
    const card = await playground.waitForMessage(
      (m) => m.conversationId === sent.replyConversationId && cardShows(m, 'Backup digest: the last 24 hours'),
      WAIT,
      since,
    );
    expect(cardShows(card, stack().sim.vault)).toBe(true);
    expect(cardShows(card, /jobs started/)).toBe(true);
    expectRendersClean(card);
  }, 60_000);
});
