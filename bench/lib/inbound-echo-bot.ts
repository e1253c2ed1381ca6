/**
 * The throughput baseline: an echo bot on exactly the bot's HTTP stack — the same restify server
 * (src/server), the same CloudAdapter with its turn error handler (src/bot/adapter) and the same
 * message processor — answering every message with one text activity through the connector.
 * Whatever the bot costs beyond this is its own work: parsing, commands, cards, store, logging.
 */
import { ActivityHandler } from 'botbuilder';
import { createAdapter } from '../../src/bot/adapter';
import { messageProcessor } from '../../src/bot/processor';
import type { Config } from '../../src/config/config';
import { systemClock } from '../../src/core/clock';
import type { Logger } from '../../src/core/logger';
import { createServer } from '../../src/server/server';

class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity({ type: 'message', text: `echo: ${context.activity.text ?? ''}` });
      await next();
    });
  }
}

export interface EchoBotServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (free port) with the bot's Bot Framework settings (local mode: no auth). */
export async function startEchoBot(bot: Config['bot'], logger: Logger): Promise<EchoBotServer> {
  const adapter = createAdapter(bot, logger);
  const server = createServer({
    onMessages: messageProcessor(adapter, new EchoBot(), { logger, clock: systemClock }),
    readiness: () => 'ready',
    logger,
  });
  const { url } = await server.listen(0, '127.0.0.1');
  return { url, close: () => server.close() };
}
