import type { ActivityHandler, CloudAdapter, Request, Response } from 'botbuilder';

/** What the HTTP layer calls for POST /api/messages. */
export function messageProcessor(adapter: CloudAdapter, bot: ActivityHandler): (req: Request, res: Response) => Promise<void> {
  return (req, res) => adapter.process(req, res, (context) => bot.run(context));
}
