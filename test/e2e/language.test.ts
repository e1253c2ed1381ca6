/**
 * Languages through the Agents Playground, as a user sees them. The playground's user has Teams
 * in Czech (every activity carries locale cs-CZ, see support/locale-relay.ts): a message gets a
 * Czech card, and `language pt-BR` in a channel switches that channel's next notice (and its
 * final card) to Portuguese, although the requester's own language is Czech.
 */
import { cardShows, startStack, type Stack } from './support/stack';

const WAIT = 20_000;

describe('e2e: languages', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ localeRelay: true });
    stack.relay!.locale = 'cs-CZ';
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('a message with locale cs-CZ gets a Czech card (and the same message as the playground sends it, en-US, an English one)', async () => {
    const { playground } = stack;
    stack.relay!.locale = undefined;
    const english = playground.mark();
    await playground.send(playground.personalChatId, 'help');
    const help = await playground.waitForMessage((m) => m.action === 'createMessage' && cardShows(m, 'What I can do'), WAIT, english);
    expect(cardShows(help, '`language [<tag>]`')).toBe(true);
    stack.relay!.locale = 'cs-CZ';

    const jobId = stack.addJob({ entity: 'vm-cs-01', tasks: [{ name: 'Take Snapshot', durationMs: 500 }], outcome: 'Completed' });
    const since = playground.mark();
    await playground.send(playground.personalChatId, `track job ${jobId}`);
    const card = await playground.waitForMessage((m) => m.action === 'createMessage' && cardShows(m, 'vm-cs-01'), WAIT, since);
    expect(cardShows(card, 'Probíhá')).toBe(true);
    expect(cardShows(card, 'Typ úlohy')).toBe(true);
    expect(cardShows(card, 'Zálohování virtuálního počítače Azure')).toBe(true);
    expect(cardShows(card, 'Aktualizovat')).toBe(true);
    stack.release(jobId);
  }, 40_000);

  it('`language pt-BR` in a channel switches its next notice to Portuguese', async () => {
    const { playground } = stack;
    const jobId = stack.addJob({ entity: 'vm-pt-01', tasks: [{ name: 'Take Snapshot', durationMs: 500 }], outcome: 'Completed' });
    const since = playground.mark();
    // Tracked in Czech, the requester's language, before the channel chose one.
    const tracked = await playground.send(playground.generalChannelId, `track job ${jobId}`);
    const card = await playground.waitForMessage((m) => m.action === 'createMessage' && cardShows(m, 'vm-pt-01'), WAIT, since);
    expect(cardShows(card, 'Probíhá')).toBe(true);

    const set = await playground.send(playground.generalChannelId, 'language pt-BR');
    const answer = await playground.waitForMessage((m) => m.conversationId === set.replyConversationId && m.text !== '', WAIT, since);
    expect(answer.text).toContain('A partir de agora uso português do Brasil (pt-BR)');

    stack.release(jobId);
    const notice = await playground.waitForMessage(
      (m) => m.action === 'createMessage' && m.conversationId === tracked.replyConversationId && m.mentions.length > 0,
      WAIT,
      since,
    );
    expect(notice.text).toMatch(/vm-pt-01 – Backup: concluído após /);
    const finalCard = await playground.waitForMessage(
      (m) => m.action === 'createMessage' && m.seq > notice.seq && cardShows(m, 'vm-pt-01'),
      WAIT,
      notice.seq,
    );
    expect(cardShows(finalCard, 'Concluído')).toBe(true);
    expect(cardShows(finalCard, 'Abrir no portal do Azure')).toBe(true);
  }, 40_000);
});
