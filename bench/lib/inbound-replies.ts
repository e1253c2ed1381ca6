/**
 * Time-to-first-card: when did the recording connector receive the bot's first answer to a given
 * user message? The bot answers in the turn, so its activity carries `replyToId` = the user's
 * message id; that id is unique per request, whatever conversation it was sent in. One scan of
 * the connector's new activities per recorded call keeps this O(1) per activity, so 1,000 pending
 * requests cost the process under test nothing measurable.
 */
import { performance } from 'node:perf_hooks';
import { cardOf, type RecordedActivity, type RecordingConnector } from '../../test/support/recording-connector';

export interface FirstReply {
  /** performance.now() when the connector recorded it. */
  readonly at: number;
  readonly card: boolean;
  readonly text?: string;
}

const STOP_CONVERSATION = 'bench-reply-watch-stop';

export class ReplyWatch {
  private readonly waiters = new Map<string, (reply: FirstReply) => void>();
  private cursor = 0;
  private stopped = false;
  private readonly done: Promise<unknown>;

  constructor(private readonly connector: RecordingConnector) {
    this.cursor = connector.activities.length;
    // The predicate runs synchronously on every recorded call: that is the arrival time.
    this.done = connector
      .waitFor(
        () => {
          this.scan();
          return this.stopped;
        },
        30 * 60_000,
        'reply watch stop',
      )
      .catch(() => undefined);
  }

  /** Register before sending: resolves with the first activity that replies to `messageId`. */
  expect(messageId: string, timeoutMs: number): Promise<FirstReply | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(messageId);
        resolve(undefined);
      }, timeoutMs);
      this.waiters.set(messageId, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
    });
  }

  /** Ends the watch: one harmless call to the connector wakes the predicate a last time. */
  async stop(): Promise<void> {
    this.stopped = true;
    await fetch(`${this.connector.serviceUrl}v3/conversations/${STOP_CONVERSATION}/activities`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'stop' }),
    });
    await this.done;
  }

  private scan(): void {
    const now = performance.now();
    const list = this.connector.activities;
    for (; this.cursor < list.length; this.cursor++) {
      const a = list[this.cursor];
      const id = replyTarget(a);
      const waiter = id === undefined ? undefined : this.waiters.get(id);
      if (!waiter || id === undefined) continue;
      this.waiters.delete(id);
      waiter({ at: now, card: cardOf(a) !== undefined, ...(a.activity.text === undefined ? {} : { text: a.activity.text }) });
    }
  }
}

function replyTarget(a: RecordedActivity): string | undefined {
  if (a.op === 'update') return undefined;
  return typeof a.activity.replyToId === 'string' ? a.activity.replyToId : a.replyToId;
}
