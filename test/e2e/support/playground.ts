/**
 * Drives the Microsoft 365 Agents Playground (pinned 0.2.28) headless, through the routes its own
 * web UI uses (see ../shared/PLAYGROUND.md): start it as a child process, read its config, listen to
 * its conversation stream, send user messages, press card buttons, and wait for what the bot posts.
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { startPlaygroundProcess, type PlaygroundProcess, type PlaygroundProcessOptions } from '../../../scripts/lib/playground-process';

/** What the playground's `/_internal/v1/config` says about its emulated tenant. */
export interface PlaygroundConfig {
  bot: { id: string; name: string };
  currentUser: { id: string; name: string };
  personalChat: { id: string };
  groupChats: { id: string; name: string }[];
  teams: { id: string; name: string; channels: { id: string; name: string }[] }[];
}

export interface CardAttachment {
  contentType: string;
  content: unknown;
}

/** One createMessage/updateMessage event from the conversation stream. */
export interface StreamMessage {
  /** Position in the stream since start; use with `mark()` to wait only for newer events. */
  seq: number;
  action: 'createMessage' | 'updateMessage';
  conversationId: string;
  messageId: string;
  fromId: string;
  text: string;
  attachments: CardAttachment[];
  /** Users @mentioned by the message (Teams mention entities). */
  mentions: { text: string; mentioned: { id: string; name?: string } }[];
  raw: Record<string, unknown>;
}

interface RawEvent {
  action?: string;
  actionConversationId?: string;
  message?: {
    messageId?: string;
    id?: string;
    from?: { id?: string };
    text?: string;
    attachments?: CardAttachment[];
    mentions?: StreamMessage['mentions'];
  };
}

export interface SentMessage {
  messageId: string;
  /** Where the bot's replies appear: `<channel>;messageid=<id>` in a channel, else the chat itself. */
  replyConversationId: string;
}

interface Waiter {
  predicate: (m: StreamMessage) => boolean;
  since: number;
  resolve: (m: StreamMessage) => void;
}

export type PlaygroundOptions = PlaygroundProcessOptions;

/** Text of every TextBlock/TextRun/FactSet value in a card, joined: what a reader of the card sees. */
export function cardText(content: unknown): string {
  const parts: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      for (const key of ['text', 'title', 'value']) if (typeof record[key] === 'string') parts.push(record[key]);
      for (const value of Object.values(record)) if (typeof value === 'object') visit(value);
    }
  };
  visit(content);
  return parts.join('\n');
}

export class Playground {
  private readonly messages: StreamMessage[] = [];
  private waiters: Waiter[] = [];
  private closed = false;

  private constructor(
    private readonly socket: WebSocket,
    readonly url: string,
    readonly config: PlaygroundConfig,
    /** Set when this harness started the process (and so stops it). */
    private readonly process?: PlaygroundProcess,
  ) {
    socket.on('message', (data: WebSocket.RawData) => this.onEvent(data));
  }

  /** Starts the playground pointed at `appEndpoint` and connects to its stream before anything is sent. */
  static async start(options: PlaygroundOptions): Promise<Playground> {
    const process = await startPlaygroundProcess(options);
    try {
      return await Playground.attach(process.url, process);
    } catch (error) {
      await process.stop();
      throw error;
    }
  }

  /** Connects to a playground someone else started (e.g. `npm run demo`). */
  static async attach(url: string, process?: PlaygroundProcess): Promise<Playground> {
    const base = url.replace(/\/+$/, '');
    const { config } = (await (await fetch(`${base}/_internal/v1/config`)).json()) as { config: PlaygroundConfig };
    const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/_ws_conversation/v1/conversations/stream`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new Playground(socket, base, config, process);
  }

  get botId(): string {
    return this.config.bot.id;
  }

  get userId(): string {
    return this.config.currentUser.id;
  }

  get personalChatId(): string {
    return this.config.personalChat.id;
  }

  /** The General channel of the emulated team (its id is the team id, as in Teams). */
  get generalChannelId(): string {
    return this.config.teams[0].channels[0].id;
  }

  /** Current stream position: pass it as `since` to wait only for later events. */
  mark(): number {
    return this.messages.length;
  }

  /**
   * Sends `text` as the current user; in a channel the bot is @mentioned, as Teams requires.
   * Returns the conversation the bot's replies land in: the message's thread in a channel.
   */
  async send(conversationId: string, text: string, options: { mention?: boolean } = {}): Promise<SentMessage> {
    const mention = options.mention ?? conversationId !== this.personalChatId;
    const at = `<at>${this.config.bot.name}</at>`;
    const body: Record<string, unknown> = {
      from: { id: this.userId },
      text: mention ? `${at} ${text}` : text,
      textFormat: 'plain',
    };
    if (mention) body.mentions = [{ mentioned: { id: this.botId, name: this.config.bot.name }, text: at }];
    const sent = (await this.post(`/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`, body)) as {
      messageId: string;
    };
    const isChannel = this.config.teams.some((t) => t.channels.some((c) => c.id === conversationId));
    return {
      messageId: sent.messageId,
      replyConversationId: isChannel ? `${conversationId};messageid=${sent.messageId}` : conversationId,
    };
  }

  /** Presses an Action.Submit button of the card `cardMessageId` with the button's `data`. */
  async submit(conversationId: string, cardMessageId: string, value: unknown): Promise<void> {
    await this.post('/_conversation/v1/submit', {
      conversation: { id: conversationId },
      from: { id: this.userId },
      replyToId: cardMessageId,
      value,
    });
  }

  /**
   * Presses an Action.Execute button through the UI's invoke route (`adaptiveCard/action`);
   * resolves with the bot's invoke response (AdaptiveCardInvokeResponse).
   */
  async invoke(conversationId: string, cardMessageId: string, value: unknown): Promise<Record<string, unknown>> {
    return (await this.post('/_conversation/v1/invoke', {
      name: 'adaptiveCard/action',
      conversation: { id: conversationId },
      from: { id: this.userId },
      replyToId: cardMessageId,
      value,
    })) as Record<string, unknown>;
  }

  /** The signed-in user's Entra object id, as the playground puts it on activities. */
  get userObjectId(): string {
    return (this.config.currentUser as { aadObjectId?: string }).aadObjectId ?? '';
  }

  /** Resolves with the first bot message (created or updated) at or after `since` matching `predicate`. */
  waitForMessage(predicate: (m: StreamMessage) => boolean, timeoutMs: number, since = 0): Promise<StreamMessage> {
    const fromBot = (m: StreamMessage): boolean => m.fromId === this.botId && predicate(m);
    const found = this.messages.find((m) => m.seq >= since && fromBot(m));
    if (found) return Promise.resolve(found);
    return new Promise<StreamMessage>((resolve, reject) => {
      const waiter: Waiter = { predicate: fromBot, since, resolve: () => undefined };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const recent = this.messages.slice(-8).map(
          (m) =>
            `${m.action} ${m.conversationId} ${m.messageId} ${m.fromId}: ${m.text} ${m.attachments
              .map((a) => cardText(a.content))
              .join(' | ')
              .slice(0, 300)}`,
        );
        reject(new Error(`no matching bot message within ${timeoutMs} ms; recent events:\n${recent.join('\n')}`));
      }, timeoutMs);
      waiter.resolve = (m) => {
        clearTimeout(timer);
        resolve(m);
      };
      this.waiters.push(waiter);
    });
  }

  /** Every bot event seen so far (optionally only those at or after `since`). */
  botMessages(since = 0): StreamMessage[] {
    return this.messages.filter((m) => m.seq >= since && m.fromId === this.botId);
  }

  /** The playground's own output and log, for diagnostics. */
  log(): string {
    if (!this.process) return '';
    try {
      return `${this.process.output()}\n${readFileSync(this.process.logFile, 'utf8')}`;
    } catch {
      return this.process.output();
    }
  }

  /** Closes the stream; stops the process when this harness started it. */
  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
    await this.process?.stop();
  }

  private async post(route: string, body: unknown): Promise<unknown> {
    const response = await fetch(`${this.url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST ${route} → ${response.status} ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  private onEvent(data: WebSocket.RawData): void {
    let event: RawEvent;
    try {
      // RawData is a Buffer, an ArrayBuffer or fragments, as the socket's binaryType says.
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString()
        : Buffer.isBuffer(data)
          ? data.toString()
          : Buffer.from(data).toString();
      event = JSON.parse(text) as RawEvent;
    } catch {
      return;
    }
    if (event.action !== 'createMessage' && event.action !== 'updateMessage') return;
    const message: StreamMessage = {
      seq: this.messages.length,
      action: event.action,
      conversationId: event.actionConversationId ?? '',
      messageId: event.message?.messageId ?? event.message?.id ?? '',
      fromId: event.message?.from?.id ?? '',
      text: event.message?.text ?? '',
      attachments: event.message?.attachments ?? [],
      mentions: event.message?.mentions ?? [],
      raw: event as Record<string, unknown>,
    };
    this.messages.push(message);
    for (const waiter of [...this.waiters]) {
      if (message.seq >= waiter.since && waiter.predicate(message)) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(message);
      }
    }
  }
}
