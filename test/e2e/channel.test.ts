/**
 * The real bot through the Agents Playground in a team channel, as a user sees it: the bot is
 * @mentioned, its card lands in the message's thread, stays current in place, and the end of the
 * job is announced in the thread with an @mention of the requester.
 */
import { cardShows } from './support/stack';
import { useStack } from './support/use-stack';
import { cardText } from './support/playground';

const WAIT = 20_000;

describe('e2e: team channel', () => {
  const stack = useStack();

  it('track job → progress card in the thread → completion notice @mentioning the requester, with the final card', async () => {
    const { playground } = stack();
    const jobId = stack().addJob({
      entity: 'vm-chan-ok',
      tasks: [
        { name: 'Take Snapshot', durationMs: 500 },
        { name: 'Transfer data to vault', durationMs: 500 },
      ],
      outcome: 'Completed',
    });
    const since = playground.mark();
    const sent = await playground.send(playground.generalChannelId, `track job ${jobId}`);

    const card = await playground.waitForMessage((m) => m.action === 'createMessage' && cardShows(m, 'vm-chan-ok'), WAIT, since);
    expect(card.conversationId).toBe(sent.replyConversationId);
    expect(cardShows(card, 'In progress')).toBe(true);
    expect(cardShows(card, 'Take Snapshot')).toBe(true);
    stack().release(jobId);

    const notice = await playground.waitForMessage(
      (m) => m.action === 'createMessage' && m.mentions.some((x) => x.mentioned.id === playground.userId),
      WAIT,
      since,
    );
    expect(notice.conversationId).toBe(sent.replyConversationId);
    expect(notice.text).toContain(`<at>${playground.config.currentUser.name}</at>`);
    expect(notice.text).toMatch(/vm-chan-ok.*completed/i);
    // The final card travels with the notice (the playground shows it as the next message).
    const finalCard = await playground.waitForMessage(
      (m) => m.action === 'createMessage' && m.seq > notice.seq && cardShows(m, 'vm-chan-ok'),
      WAIT,
      notice.seq,
    );
    expect(finalCard.conversationId).toBe(sent.replyConversationId);
    expect(cardShows(finalCard, 'Completed')).toBe(true);
    expect(cardShows(finalCard, 'Duration')).toBe(true);
  }, 40_000);

  it("shows a failed job's error code, message and recommendations", async () => {
    const { playground } = stack();
    const jobId = stack().addJob({
      entity: 'sqldb-chan-fail',
      tasks: [{ name: 'Transfer data to vault', durationMs: 500 }],
      outcome: 'Failed',
      errorDetails: [
        {
          code: 'UserErrorOpeningSQLConnection',
          message: 'Azure Backup is not able to connect to the SQL instance.',
          recommendations: ['Make sure the SQL instance is running.'],
        },
      ],
    });
    const since = playground.mark();
    const sent = await playground.send(playground.generalChannelId, `track job ${jobId}`);
    await playground.waitForMessage((m) => m.action === 'createMessage' && cardShows(m, 'sqldb-chan-fail'), WAIT, since);
    stack().release(jobId);

    const notice = await playground.waitForMessage(
      (m) => m.action === 'createMessage' && m.conversationId === sent.replyConversationId && m.mentions.length > 0,
      WAIT,
      since,
    );
    expect(notice.text).toMatch(/failed/i);
    const finalCard = playground
      .botMessages(since)
      .filter((m) => m.conversationId === sent.replyConversationId && cardShows(m, 'UserErrorOpeningSQLConnection'))
      .pop();
    expect(finalCard).toBeDefined();
    const text = finalCard!.attachments.map((a) => cardText(a.content)).join('\n');
    expect(text).toContain('Failed');
    expect(text).toContain('Azure Backup is not able to connect to the SQL instance.');
    expect(text).toContain('Make sure the SQL instance is running.');
  }, 40_000);

  it('track operation follows the operation to its job and announces the job', async () => {
    const { playground, sim } = stack();
    const spec = stack().jobSpec({ entity: 'vm-chan-op', tasks: [{ name: 'Take Snapshot', durationMs: 500 }], outcome: 'Completed' });
    const operation = sim.server.triggerOperation(spec, 1500);
    // The job the operation yields runs until the card shows it.
    sim.server.hold(spec.jobId);
    const since = playground.mark();
    const sent = await playground.send(playground.generalChannelId, `track operation ${operation.operationId}`);

    const card = await playground.waitForMessage(
      (m) => m.conversationId === sent.replyConversationId && cardShows(m, 'vm-chan-op'),
      WAIT,
      since,
    );
    expect(card.attachments.map((a) => cardText(a.content)).join('\n')).toContain(spec.jobId);
    stack().release(spec.jobId);
    const notice = await playground.waitForMessage(
      (m) => m.action === 'createMessage' && m.conversationId === sent.replyConversationId && m.mentions.length > 0,
      WAIT,
      since,
    );
    expect(notice.text).toMatch(/vm-chan-op.*completed/i);
  }, 40_000);
});
