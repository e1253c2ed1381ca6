/**
 * Concurrent users sending `track job <id>`: each user has its own conversation (even users a 1:1
 * chat, odd users a channel of their own, where every message starts a new thread) and sends its
 * messages one after the other, the next once the previous one was answered; all users start at
 * once. Every message names a job no one tracked before.
 */
import { performance } from 'node:perf_hooks';
import { channelMessage, personalMessage, postActivity, type Activity } from '../../test/support/teams-activities';
import type { ReplyWatch } from './inbound-replies';

export interface TtfcOptions {
  readonly botUrl: string;
  readonly serviceUrl: string;
  readonly watch: ReplyWatch;
  readonly users: number;
  readonly rounds: number;
  /** The next message's text: `track job <id>` for a job no one tracked before. */
  readonly nextText: () => string;
  /** A request with no answer after this long counts as lost. */
  readonly timeoutMs: number;
  /** Run label, so message ids stay unique across runs. */
  readonly label: string;
}

export interface TtfcSample {
  /** POST sent → first answer at the connector; undefined when none arrived in time. */
  readonly firstReplyMs?: number;
  readonly card: boolean;
  /** The answer's text when it was not a card (e.g. a throttling notice). */
  readonly text?: string;
  /** POST sent → HTTP response of /api/messages. */
  readonly ackMs: number;
  readonly status: number;
}

export interface TtfcRun {
  readonly samples: TtfcSample[];
  readonly wallMs: number;
}

export async function runTtfc(o: TtfcOptions): Promise<TtfcRun> {
  const samples: TtfcSample[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: o.users }, async (_, user) => {
      for (let round = 0; round < o.rounds; round++) samples.push(await one(o, user, round));
    }),
  );
  return { samples, wallMs: performance.now() - started };
}

async function one(o: TtfcOptions, user: number, round: number): Promise<TtfcSample> {
  const id = `${o.label}-u${user}-r${round}`;
  const activity = message(o.nextText(), id, user, o.serviceUrl);
  const reply = o.watch.expect(id, o.timeoutMs);
  const t0 = performance.now();
  let status = 0;
  let ackMs = NaN;
  const post = postActivity(o.botUrl, activity).then(
    (res) => {
      status = res.status;
      ackMs = performance.now() - t0;
    },
    () => {
      ackMs = performance.now() - t0;
    },
  );
  const [first] = await Promise.all([reply, post]);
  return {
    ...(first ? { firstReplyMs: first.at - t0 } : {}),
    card: first?.card ?? false,
    ...(first && !first.card && first.text !== undefined ? { text: first.text } : {}),
    ackMs,
    status,
  };
}

function message(text: string, id: string, user: number, serviceUrl: string): Activity {
  const from = {
    id: `29:bench-user-${user}`,
    name: `Bench User ${user}`,
    aadObjectId: `00000000-0000-4000-8000-${String(user).padStart(12, '0')}`,
  };
  return user % 2 === 0
    ? personalMessage(text, { serviceUrl, from, id, chatId: `a:bench-chat-${user}` })
    : channelMessage(text, { serviceUrl, from, id, channelId: `19:bench-channel-${user}@thread.tacv2` });
}
