/**
 * DigestStore on Redis: the TypeScript half of set-digest, remove-digest, claim-digests and
 * commit-digest (lua/). Keys (C a conversation, T a team): P.."dg:"..C HASH input, createdAt,
 * nextAt, lastDay, teamId, leaseOwner, leaseUntil · P.."dgdue" ZSET C by nextAt · P.."dgconvs" ZSET
 * of C (lexicographic, for threads) · P.."dgteam:"..T SET of C. A digest's card is a message of the
 * queue "digest:" of its conversation.
 */
import type { Redis } from 'ioredis';
import type { DigestInput, DigestRecord } from '../../domain/digest';
import type { Subscriber } from '../../domain/subscriber';
import { settingSubscriber, teamOf } from '../records';
import type { DigestStore } from '../types';
import { asArray, type Reply } from './codec';
import type { ScriptName } from './lua';

type Run = (name: ScriptName, args: ReadonlyArray<string | number>) => Promise<unknown>;

function toRecord(input: string, createdAt: Reply, nextAt: Reply): DigestRecord {
  const { teamId: _t, ...rest } = JSON.parse(input) as DigestInput;
  const parsed = JSON.parse(input) as DigestInput;
  return {
    ...rest,
    ...(parsed.teamId !== undefined ? { teamId: parsed.teamId } : {}),
    nextAt: Number(nextAt),
    createdAt: Number(createdAt),
  };
}

/** A claimed digest card's subscriber: the digest, as claim-messages returned it. */
export function digestSubscriber(jobKey: string, conversationId: string, input: Reply, at: Reply, team: Reply): Subscriber {
  return settingSubscriber(jobKey, conversationId, JSON.parse(String(input)) as DigestInput, {
    teamId: team === null ? null : String(team),
    createdAt: Number(at),
  });
}

export function redisDigests(redis: () => Redis, prefix: string, run: Run, ms: (n: number) => string): DigestStore {
  return {
    async setDigest(input, now, nextAt) {
      const teamId = teamOf(input) ?? '';
      return (await run('bjSetDigest', [input.conversationId, JSON.stringify(input), teamId, ms(now), ms(nextAt)])) as
        'created' | 'updated';
    },
    async removeDigest(conversationId) {
      return Number(await run('bjRemoveDigest', [conversationId])) === 1;
    },
    async getDigest(conversationId) {
      const [input, createdAt, nextAt] = await redis().hmget(`${prefix}dg:${conversationId}`, 'input', 'createdAt', 'nextAt');
      return input === null ? undefined : toRecord(input, createdAt, nextAt);
    },
    async claimDueDigests(owner, now, leaseMs, limit, only) {
      redis();
      if (limit <= 0) return [];
      const rows = asArray(await run('bjClaimDigests', [owner, ms(now), ms(now + leaseMs), Math.floor(limit), only ?? ''])).map((r) =>
        asArray(r),
      );
      return rows.map(([, input, createdAt, nextAt]) => toRecord(String(input), createdAt, nextAt));
    },
    async commitDigest(owner, conversationId, result) {
      const payload = result.message ? JSON.stringify(result.message) : '';
      return Number(await run('bjCommitDigest', [owner, conversationId, result.day, ms(result.nextAt), payload])) === 1;
    },
    async nextDigestAt() {
      const [, score] = await redis().zrange(`${prefix}dgdue`, 0, 0, 'WITHSCORES');
      return score === undefined ? undefined : Number(score);
    },
  };
}
