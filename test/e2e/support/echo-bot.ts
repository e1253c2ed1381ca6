/**
 * A minimal bot on the same stack as the real one (restify + botbuilder CloudAdapter, no app id),
 * used to prove the playground harness independently of the Backup Jobs bot:
 * - a message gets a card "echo: <text>" with a Press button;
 * - pressing it updates that card in place to "pressed <n>" and then posts a proactive message
 *   that @mentions the user, through continueConversationAsync as the real bot does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import restify from 'restify';
import {
  ActivityHandler,
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  MessageFactory,
  TurnContext,
  type Attachment,
  type ConversationReference,
} from 'botbuilder';

export interface EchoBot {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:40000/api/messages */
  endpoint: string;
  close(): Promise<void>;
}

function card(text: string, withButton: boolean): Attachment {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [{ type: 'TextBlock', text, wrap: true }],
    actions: withButton ? [{ type: 'Action.Submit', title: 'Press', data: { action: 'press' } }] : [],
  });
}

class Echo extends ActivityHandler {
  private presses = 0;

  constructor(adapter: CloudAdapter) {
    super();
    this.onMessage(async (context, next) => {
      const value = context.activity.value as { action?: string } | undefined;
      if (value?.action === 'press' && context.activity.replyToId) {
        this.presses++;
        await context.updateActivity({
          id: context.activity.replyToId,
          type: 'message',
          attachments: [card(`pressed ${this.presses}`, true)],
        });
        const reference: Partial<ConversationReference> = TurnContext.getConversationReference(context.activity);
        const user = context.activity.from;
        await adapter.continueConversationAsync('', reference, async (proactive) => {
          const mention = { type: 'mention', mentioned: user, text: `<at>${user.name}</at>` };
          const reply = MessageFactory.text(`${mention.text} done ${this.presses}`);
          reply.entities = [mention];
          await proactive.sendActivity(reply);
        });
      } else {
        const text = TurnContext.removeRecipientMention(context.activity)?.trim() ?? '';
        await context.sendActivity({ attachments: [card(`echo: ${text}`, true)] });
      }
      await next();
    });
  }
}

export async function startEchoBot(): Promise<EchoBot> {
  const auth = new ConfigurationBotFrameworkAuthentication({});
  const adapter = new CloudAdapter(auth);
  const bot = new Echo(adapter);
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser());
  let inFlight = 0;
  server.server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    res.once('close', () => inFlight--);
  });
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    endpoint: `http://127.0.0.1:${port}/api/messages`,
    // Lets turns in flight finish (their replies still reach the playground), then drops keep-alives.
    close: async () => {
      const closed = new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
      while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      server.server.closeAllConnections();
      await closed;
    },
  };
}
