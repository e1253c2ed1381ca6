/**
 * WatchStore on Redis: the TypeScript half of set-watch, remove-watch, claim-watch-sweep and
 * commit-watch-sweep (lua/), and the plain reads. Key layout (see lua.ts for the rest; C a
 * conversation, V a vault key, T a team):
 *   P.."w:"..C HASH V → WatchInput JSON · P.."wat:"..C HASH V → createdAt · P.."wteamof:"..C HASH V → T
 *   P.."wv:"..V SET of C · P.."wvaults" ZSET of watched V · P.."wconvs" ZSET of watching C (lexicographic, for threads)
 *   P.."wteam:"..T SET of C.."\n"..V · P.."wsweep:"..V HASH state, leaseOwner, leaseUntil
 *   P.."wann:"..C HASH "jobId|event" → at · P.."wannat" ZSET C.."\n".."jobId|event" by at · P.."wcard:"..C HASH jobId → start card id
 */
import type { Redis } from 'ioredis';
import type { Subscriber } from '../../domain/subscriber';
import type { WatchInput, WatchRecord } from '../../domain/watch';
import { settingSubscriber } from '../records';
import type { WatchNoticeInput, WatchStore, WatchSweepClaim } from '../types';
import { cmp, type Reply } from './codec';
import type { ScriptName } from './lua';

type Run = (name: ScriptName, args: ReadonlyArray<string | number>) => Promise<unknown>;

export function vaultKeyOf(input: Pick<WatchInput, 'vault'>): string {
  return `${input.vault.subscriptionId}/${input.vault.resourceGroup}/${input.vault.vaultName}`.toLowerCase();
}

/** The watch as stored: the input without an empty team id, so every backend returns the same shape. */
function stored(input: WatchInput): WatchInput {
  const { teamId, ...rest } = input;
  return teamId !== undefined && teamId !== '' ? { ...rest, teamId } : rest;
}

function toRecord(vaultKey: string, json: string, createdAt: string | null, teamId: string | null): WatchRecord {
  const { teamId: _ignored, ...input } = JSON.parse(json) as WatchInput;
  return { ...input, ...(teamId !== null ? { teamId } : {}), vaultKey, createdAt: Number(createdAt) };
}

/** A claimed watch notice's subscriber: the watch, as claim-messages returned it. */
export function watchSubscriber(jobKey: string, conversationId: string, input: Reply, at: Reply, cardId: Reply, team: Reply): Subscriber {
  return settingSubscriber(jobKey, conversationId, JSON.parse(String(input)) as WatchInput, {
    teamId: team === null ? null : String(team),
    createdAt: Number(at),
    cardActivityId: cardId === null ? null : String(cardId),
  });
}

export function redisWatches(redis: () => Redis, prefix: string, run: Run, ms: (n: number) => string): WatchStore {
  const records = async (c: string, vaults: string[]): Promise<WatchRecord[]> => {
    if (vaults.length === 0) return [];
    const client = redis();
    const [inputs, ats, teams] = await Promise.all([
      client.hmget(`${prefix}w:${c}`, ...vaults),
      client.hmget(`${prefix}wat:${c}`, ...vaults),
      client.hmget(`${prefix}wteamof:${c}`, ...vaults),
    ]);
    return vaults.flatMap((v, i) => (inputs[i] === null ? [] : [toRecord(v, inputs[i], ats[i], teams[i])]));
  };
  return {
    async setWatch(input, now, max) {
      const v = vaultKeyOf(input);
      const s = stored(input);
      return (await run('bjSetWatch', [input.conversationId, v, JSON.stringify(s), ms(now), max, s.teamId ?? ''])) as
        'created' | 'updated' | 'capped';
    },
    async removeWatch(conversationId, vaultKey) {
      return Number(await run('bjRemoveWatch', [conversationId, vaultKey])) === 1;
    },
    async listWatches(conversationId) {
      const vaults = (await redis().hkeys(`${prefix}w:${conversationId}`)).sort(cmp);
      return records(conversationId, vaults);
    },
    async watchesOfVault(vaultKey) {
      const convs = (await redis().smembers(`${prefix}wv:${vaultKey}`)).sort(cmp);
      const out: WatchRecord[] = [];
      for (const c of convs) out.push(...(await records(c, [vaultKey])));
      return out;
    },
    async watchedVaultKeys() {
      return (await redis().zrange(`${prefix}wvaults`, 0, -1)).sort(cmp);
    },
    async claimWatchSweep(owner, vaultKey, now, leaseMs): Promise<WatchSweepClaim | undefined> {
      const state = await run('bjClaimWatchSweep', [owner, vaultKey, ms(now), ms(now + leaseMs)]);
      // Lua's false arrives as null; the state is the JSON string the last commit stored.
      return typeof state === 'string' ? { vaultKey, state: JSON.parse(state) as Record<string, unknown> } : undefined;
    },
    async unannounced(triples) {
      const client = redis();
      if (triples.length === 0) return [];
      const pipe = client.pipeline();
      for (const t of triples) pipe.hexists(`${prefix}wann:${t.conversationId}`, `${t.jobId.toLowerCase()}|${t.event}`);
      const replies = (await pipe.exec()) ?? [];
      return triples
        .filter((_, i) => {
          const [err, exists] = replies[i] ?? [new Error('no reply'), 0];
          if (err) throw err;
          return exists === 0;
        })
        .map((t) => ({ conversationId: t.conversationId, jobId: t.jobId, event: t.event }));
    },
    async commitWatchSweep(owner, vaultKey, state, notices: readonly WatchNoticeInput[], now, forgetBefore) {
      const args: Array<string | number> = [owner, vaultKey, JSON.stringify(state), ms(now), ms(forgetBefore), notices.length];
      for (const n of notices) {
        const m = n.message;
        args.push(n.conversationId, m.kind, JSON.stringify(m));
        args.push(m.kind === 'watchJob' ? m.key.jobId.toLowerCase() : '', m.kind === 'watchJob' ? m.event : '');
        args.push(n.announces.length, ...n.announces.map((a) => `${a.jobId.toLowerCase()}|${a.event}`));
      }
      return Number(await run('bjCommitWatchSweep', args)) === 1;
    },
  };
}
