/**
 * The watch, digest, per-conversation settings, action state and duration methods of RedisStore: each delegates to its
 * part (watches.ts, digests.ts, settings.ts, action-state.ts, durations.ts), so redis-store.ts keeps the connection and the tracking interfaces only.
 * The parts reach the connection and the scripts through the subclass at call time (after init()).
 */
import type { Redis } from 'ioredis';
import type { ActionStateStore, StoredActionNote } from '../action-state';
import type { ConversationSettingsStore, DigestStore, DurationStatsStore, WatchStore } from '../types';
import { RedisActionState } from './action-state';
import { ms } from './codec';
import { redisDigests } from './digests';
import type { ScriptName } from './lua';
import { RedisSettings } from './settings';
import { redisWatches } from './watches';
import { redisDurations } from './durations';

export abstract class RedisFeatureMethods
  implements WatchStore, DigestStore, ConversationSettingsStore, ActionStateStore, DurationStatsStore
{
  private readonly watches: WatchStore;
  private readonly durations: DurationStatsStore;
  private readonly digests: DigestStore;
  protected readonly settings: RedisSettings;
  protected readonly actionState: RedisActionState;

  protected constructor(prefix: string) {
    const redis = (): Redis => this.redis();
    const run = (name: ScriptName, args: ReadonlyArray<string | number>): Promise<unknown> => this.run(name, args);
    this.digests = redisDigests(redis, prefix, run, ms);
    this.watches = redisWatches(redis, prefix, run, ms);
    this.settings = new RedisSettings(redis, prefix);
    this.actionState = new RedisActionState(redis, prefix);
    this.durations = redisDurations(redis, prefix, run, ms);
  }

  // DurationStatsStore (durations.ts)
  recordDurations(...a: Parameters<DurationStatsStore['recordDurations']>): ReturnType<DurationStatsStore['recordDurations']> {
    return this.durations.recordDurations(...a);
  }
  durationStats(...a: Parameters<DurationStatsStore['durationStats']>): ReturnType<DurationStatsStore['durationStats']> {
    return this.durations.durationStats(...a);
  }
  claimHistoryRead(...a: Parameters<DurationStatsStore['claimHistoryRead']>): ReturnType<DurationStatsStore['claimHistoryRead']> {
    return this.durations.claimHistoryRead(...a);
  }

  /** The open connection; throws when the store is closed or not initialised. */
  protected abstract redis(): Redis;
  /** Runs one of the store's Lua scripts under the key prefix. */
  protected abstract run(name: ScriptName, args: ReadonlyArray<string | number>): Promise<unknown>;

  // ConversationSettingsStore (settings.ts)
  getLanguage(conversationId: string): Promise<string | undefined> {
    return this.settings.getLanguage(conversationId);
  }
  setLanguage(conversationId: string, language: string | undefined, teamId?: string): Promise<void> {
    return this.settings.setLanguage(conversationId, language, teamId);
  }

  // ActionStateStore (action-state.ts)
  spendTicket(nonce: string, expiresAt: number, now: number): Promise<boolean> {
    return this.actionState.spendTicket(nonce, expiresAt, now);
  }
  recordActionNote(conversationId: string, jobKey: string, note: StoredActionNote): Promise<void> {
    return this.actionState.recordActionNote(conversationId, jobKey, note);
  }
  actionNote(conversationId: string, jobKey: string, now: number): Promise<StoredActionNote | undefined> {
    return this.actionState.actionNote(conversationId, jobKey, now);
  }

  // WatchStore (watches.ts)
  setWatch(...a: Parameters<WatchStore['setWatch']>): ReturnType<WatchStore['setWatch']> {
    return this.watches.setWatch(...a);
  }
  removeWatch(...a: Parameters<WatchStore['removeWatch']>): ReturnType<WatchStore['removeWatch']> {
    return this.watches.removeWatch(...a);
  }
  listWatches(...a: Parameters<WatchStore['listWatches']>): ReturnType<WatchStore['listWatches']> {
    return this.watches.listWatches(...a);
  }
  watchesOfVault(...a: Parameters<WatchStore['watchesOfVault']>): ReturnType<WatchStore['watchesOfVault']> {
    return this.watches.watchesOfVault(...a);
  }
  watchedVaultKeys(): ReturnType<WatchStore['watchedVaultKeys']> {
    return this.watches.watchedVaultKeys();
  }
  claimWatchSweep(...a: Parameters<WatchStore['claimWatchSweep']>): ReturnType<WatchStore['claimWatchSweep']> {
    return this.watches.claimWatchSweep(...a);
  }
  unannounced(...a: Parameters<WatchStore['unannounced']>): ReturnType<WatchStore['unannounced']> {
    return this.watches.unannounced(...a);
  }
  commitWatchSweep(...a: Parameters<WatchStore['commitWatchSweep']>): ReturnType<WatchStore['commitWatchSweep']> {
    return this.watches.commitWatchSweep(...a);
  }

  // DigestStore (digests.ts)
  setDigest(...a: Parameters<DigestStore['setDigest']>): ReturnType<DigestStore['setDigest']> {
    return this.digests.setDigest(...a);
  }
  removeDigest(...a: Parameters<DigestStore['removeDigest']>): ReturnType<DigestStore['removeDigest']> {
    return this.digests.removeDigest(...a);
  }
  getDigest(...a: Parameters<DigestStore['getDigest']>): ReturnType<DigestStore['getDigest']> {
    return this.digests.getDigest(...a);
  }
  claimDueDigests(...a: Parameters<DigestStore['claimDueDigests']>): ReturnType<DigestStore['claimDueDigests']> {
    return this.digests.claimDueDigests(...a);
  }
  commitDigest(...a: Parameters<DigestStore['commitDigest']>): ReturnType<DigestStore['commitDigest']> {
    return this.digests.commitDigest(...a);
  }
  nextDigestAt(): ReturnType<DigestStore['nextDigestAt']> {
    return this.digests.nextDigestAt();
  }
}
