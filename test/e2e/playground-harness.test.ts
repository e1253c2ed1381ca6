/**
 * Proves the playground harness on its own, with a minimal echo bot on the same stack as the real
 * bot: messages reach the bot in a channel (with the @mention) and in personal chat, cards come
 * back, a button press updates the card in place, and proactive messages carry their @mention.
 */
import { startEchoBot, type EchoBot } from './support/echo-bot';
import { cardText, Playground } from './support/playground';

describe('Agents Playground harness (echo bot)', () => {
  let bot: EchoBot;
  let playground: Playground;

  beforeAll(async () => {
    bot = await startEchoBot();
    playground = await Playground.start({ appEndpoint: bot.endpoint });
  });
  afterAll(async () => {
    // Bot first: a turn still in flight must be able to reach the playground.
    await bot?.close();
    await playground?.stop();
  });

  it('delivers a channel message to the bot and shows its card in the thread', async () => {
    const since = playground.mark();
    const sent = await playground.send(playground.generalChannelId, 'hello channel');
    expect(sent.replyConversationId).toBe(`${playground.generalChannelId};messageid=${sent.messageId}`);
    const card = await playground.waitForMessage((m) => m.action === 'createMessage', 10_000, since);
    expect(card.conversationId).toBe(sent.replyConversationId);
    expect(card.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    // The bot saw the text without its own <at> tag.
    expect(cardText(card.attachments[0]?.content)).toContain('echo: hello channel');
  });

  it('a button press updates the same card in place and a proactive reply @mentions the user', async () => {
    const since = playground.mark();
    const sent = await playground.send(playground.generalChannelId, 'press me');
    const card = await playground.waitForMessage((m) => m.conversationId === sent.replyConversationId, 10_000, since);

    await playground.submit(sent.replyConversationId, card.messageId, { action: 'press' });
    const updated = await playground.waitForMessage((m) => m.action === 'updateMessage', 10_000, since);
    expect(updated.messageId).toBe(card.messageId);
    expect(updated.conversationId).toBe(sent.replyConversationId);
    expect(cardText(updated.attachments[0]?.content)).toMatch(/pressed \d+/);

    const notice = await playground.waitForMessage((m) => m.action === 'createMessage' && m.text.includes('done'), 10_000, since);
    expect(notice.conversationId).toBe(sent.replyConversationId);
    expect(notice.text).toContain(`<at>${playground.config.currentUser.name}</at>`);
    expect(notice.mentions.map((m) => m.mentioned.id)).toEqual([playground.userId]);
  });

  it('works in personal chat without a mention', async () => {
    const since = playground.mark();
    const sent = await playground.send(playground.personalChatId, 'hello me');
    expect(sent.replyConversationId).toBe(playground.personalChatId);
    const card = await playground.waitForMessage((m) => m.conversationId === playground.personalChatId, 10_000, since);
    expect(cardText(card.attachments[0]?.content)).toContain('echo: hello me');
  });
});
