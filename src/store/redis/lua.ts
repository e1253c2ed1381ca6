/**
 * The Lua scripts of the Redis store, one file each under ./lua, read once when the Redis backend
 * loads. Every change that touches more than one key runs as one script, so it is atomic and
 * isolated like a SQLite transaction: two instances claiming at the same moment are serialised by
 * Redis, never interleaved. Each file starts with its ARGV and reply.
 *
 * Key layout (P = the store's key prefix, K = job key, C = conversation id, Q = K.."\n"..C):
 *   P.."due"        ZSET  active job keys scored by nextPollAt (active ⇔ member)
 *   P.."job:"..K    HASH  vault, jobId, createdAt, state, endReason, lastJob, nextPollAt, schedule, leaseOwner, leaseUntil
 *   P.."subs:"..K   HASH  C → SubscriberInput JSON (written verbatim from TypeScript, never re-encoded here)
 *   P.."subat:"..K, P.."cardid:"..K, P.."carddig:"..K   HASH  C → createdAt / card activity id / card digest
 *   P.."conv:"..C   SET   job keys the conversation follows
 *   P.."convs"      ZSET  every C with a conv set, all scored 0: a lexicographic index, so the threads of a
 *                         channel (C..";messageid="..…) are one ZRANGEBYLEX range (see threadRange in records.ts)
 *   P.."convs:indexed" STRING set once "convs" holds the conversations written before it existed
 *   P.."subteam:"..K HASH C → team id the subscription is stored with (only subscriptions in a team)
 *   P.."team:"..T   HASH  C → how many subscriptions of C are stored with team T: the team's conversations,
 *                         kept exact by every script that adds or removes a subscription
 *   P.."seq"        STRING message id counter (never reused)
 *   P.."msg:"..id   HASH  jobKey, conversationId, kind, payload, state, attempts, notBefore, leaseOwner, leaseUntil, lastError
 *   P.."pq:"..Q     ZSET  pending message ids of one (job, conversation), scored by id: delivery order
 *   P.."heads"      ZSET  one member per non-empty queue, "<16-digit head id>|"..Q, scored by when that head is
 *                         claimable (notBefore, or leaseUntil while leased); sorting members sorts by id
 *   P.."headof"     HASH  Q → its current member of heads
 *   P.."pending"    SET   ids of pending messages (for stats)
 *   watches (w:, wat:, wteamof:, wv:, wvaults, wconvs, wteam:, wsweep:, wann:, wannat, wcard:): see redis/watches.ts;
 *   a watch notice is a message of the queue "watch:"..V, with fields wjob and wevent besides the others
 *   digests (dg:, dgdue, dgconvs, dgteam:): see redis/digests.ts; a digest card is a message of the queue "digest:"
 *   durations (dur:, durs:, duri:, hist): see redis/durations.ts
 * Times arrive from TypeScript as decimal strings (Lua would print large numbers in exponent form).
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';

/** ioredis command name → its file under ./lua (without `.lua`). */
const FILES = {
  bjSubscribe: 'subscribe',
  bjRefusedBy: 'refused-by',
  bjUnsubscribe: 'unsubscribe',
  bjDropConversation: 'drop-conversation',
  bjDropTeam: 'drop-team',
  bjIndexConversations: 'index-conversations',
  bjListByConversation: 'list-by-conversation',
  bjSubscribers: 'subscribers',
  bjSetCard: 'set-card',
  bjStats: 'stats',
  bjClaimJobs: 'claim-jobs',
  bjCommitPoll: 'commit-poll',
  bjReleaseJob: 'release-job',
  bjClaimMessages: 'claim-messages',
  bjCompleteMessage: 'complete-message',
  bjRetryMessage: 'retry-message',
  bjFailMessage: 'fail-message',
  bjSetWatch: 'set-watch',
  bjRemoveWatch: 'remove-watch',
  bjClaimWatchSweep: 'claim-watch-sweep',
  bjCommitWatchSweep: 'commit-watch-sweep',
  bjSetDigest: 'set-digest',
  bjRemoveDigest: 'remove-digest',
  bjClaimDigests: 'claim-digests',
  bjCommitDigest: 'commit-digest',
  bjRecordDurations: 'record-durations',
  bjClaimHistoryRead: 'claim-history-read',
} as const;

export type ScriptName = keyof typeof FILES;

/**
 * Beside this module: src/store/redis/lua when run from source (jest, swc), dist/src/store/redis/lua
 * in a build, where `npm run build` copies them (tsc copies no .lua; see scripts/copy-assets.js).
 */
export const LUA_DIR = path.join(__dirname, 'lua');

function read(file: string): string {
  try {
    return readFileSync(path.join(LUA_DIR, `${file}.lua`), 'utf8');
  } catch (err) {
    throw new Error(`redis state store: cannot read ${file}.lua in ${LUA_DIR} (a build copies src/**/*.lua: npm run build)`, {
      cause: err,
    });
  }
}

/** Helpers every script uses (helpers.lua), prepended to each. */
const HELPERS = read('helpers');

/** The full source of every script: the shared helpers, then its body. */
export const SCRIPTS: Readonly<Record<ScriptName, string>> = Object.freeze(
  Object.fromEntries(Object.entries(FILES).map(([name, file]) => [name, `${HELPERS}\n${read(file)}`])) as Record<ScriptName, string>,
);

type ScriptCall = (...args: Array<string | number>) => Promise<unknown>;

/** Registers every script on a new client, as an ioredis command of its name (sent by EVALSHA, loaded on first use). */
export function defineScripts(client: Redis): void {
  for (const [name, lua] of Object.entries(SCRIPTS)) client.defineCommand(name, { numberOfKeys: 0, lua });
}

/** Calls a script registered by defineScripts; the key prefix is every script's first argument. */
export function runScript(client: Redis, prefix: string, name: ScriptName, args: ReadonlyArray<string | number>): Promise<unknown> {
  const call = (client as unknown as Record<ScriptName, ScriptCall>)[name];
  return call.call(client, prefix, ...args);
}
