/**
 * The real bot through the Agents Playground in personal chat: the track-job flow without a
 * mention, and the card's Stop tracking button, after which the job's card is never touched again.
 */
import { buttonTitles, cardShows, submitData } from './support/stack';
import { useStack } from './support/use-stack';

const WAIT = 20_000;

describe('e2e: personal chat', () => {
  const stack = useStack();

  it('track job → progress card → completion notice @mentioning the user', async () => {
    const { playground } = stack();
    const chat = playground.personalChatId;
    const jobId = stack().addJob({
      entity: 'vm-dm-ok',
      tasks: [
        { name: 'Take Snapshot', durationMs: 500 },
        { name: 'Transfer data to vault', durationMs: 500 },
      ],
      outcome: 'Completed',
    });
    const since = playground.mark();
    await playground.send(chat, `track job ${jobId}`);

    const card = await playground.waitForMessage(
      (m) => m.conversationId === chat && m.action === 'createMessage' && cardShows(m, 'vm-dm-ok'),
      WAIT,
      since,
    );
    expect(cardShows(card, 'In progress')).toBe(true);
    expect(buttonTitles(card)).toEqual(expect.arrayContaining(['Refresh', 'Stop tracking', 'Open in Azure portal']));
    stack().release(jobId);

    const notice = await playground.waitForMessage(
      (m) => m.conversationId === chat && m.action === 'createMessage' && m.mentions.length > 0,
      WAIT,
      since,
    );
    expect(notice.mentions.map((x) => x.mentioned.id)).toEqual([playground.userId]);
    expect(notice.text).toMatch(/vm-dm-ok.*completed/i);
    expect(notice.text).toContain(`<at>${playground.config.currentUser.name}</at>`);
  }, 40_000);

  it('Stop tracking turns the card into a snapshot and no update or notice follows', async () => {
    const { playground } = stack();
    const chat = playground.personalChatId;
    const stopped = stack().addJob({ entity: 'vm-dm-stop', tasks: [{ name: 'Take Snapshot', durationMs: 1000 }], outcome: 'Completed' });
    const since = playground.mark();
    await playground.send(chat, `track job ${stopped}`);
    const card = await playground.waitForMessage(
      (m) => m.conversationId === chat && m.action === 'createMessage' && cardShows(m, 'vm-dm-stop'),
      WAIT,
      since,
    );

    const pressed = playground.mark();
    await playground.submit(chat, card.messageId, submitData(card, 'Stop tracking'));
    const snapshot = await playground.waitForMessage((m) => m.action === 'updateMessage' && m.messageId === card.messageId, WAIT, pressed);
    expect(buttonTitles(snapshot)).not.toContain('Stop tracking');
    await playground.waitForMessage((m) => m.conversationId === chat && /Stopped tracking/.test(m.text), WAIT, pressed);

    // A barrier instead of a sleep: a job that ends after the stopped one, tracked in the same chat.
    // Once its notice arrives, the stopped job has ended and been polled past its end.
    stack().release(stopped);
    const barrier = stack().addJob({ entity: 'vm-dm-barrier', tasks: [{ name: 'Take Snapshot', durationMs: 1000 }], outcome: 'Completed' });
    const barrierSent = playground.mark();
    await playground.send(chat, `track job ${barrier}`);
    await playground.waitForMessage((m) => m.conversationId === chat && cardShows(m, 'vm-dm-barrier'), WAIT, barrierSent);
    stack().release(barrier);
    await playground.waitForMessage(
      (m) => m.conversationId === chat && m.mentions.length > 0 && /vm-dm-barrier/.test(m.text),
      WAIT,
      pressed,
    );
    expect(stack().sim.server.truth(stopped)?.status).toBe('Completed');

    const afterStop = playground.botMessages(pressed).filter((m) => m.seq > snapshot.seq);
    expect(afterStop.filter((m) => m.messageId === card.messageId)).toEqual([]);
    expect(afterStop.filter((m) => /vm-dm-stop/.test(m.text) || cardShows(m, 'vm-dm-stop'))).toEqual([]);
  }, 40_000);
});
