/**
 * The watch, digest, per-conversation settings and action state methods of SqliteStore: each delegates
 * to its part (watches.ts, digests.ts, settings.ts, action-state.ts) on the open connection, so sqlite-store.ts keeps the connection
 * and the tracking interfaces only.
 */
import type { WatchInput, WatchRecord } from '../../domain/watch';
import type { ActionStateStore, StoredActionNote } from '../action-state';
import type { ConversationSettingsStore, DigestStore, WatchStore, WatchSweepClaim } from '../types';
import type { SqliteActionState } from './action-state';
import type { SqliteDigests } from './digests';
import type { SqliteSettings } from './settings';
import type { SqliteWatches } from './watches';

/** The parts of an open connection these methods use. */
export interface SqliteFeatureParts {
  readonly watches: SqliteWatches;
  readonly digests: SqliteDigests;
  readonly settings: SqliteSettings;
  readonly actionState: SqliteActionState;
}

export abstract class SqliteFeatureMethods implements WatchStore, DigestStore, ConversationSettingsStore, ActionStateStore {
  /** The open connection's parts; throws when the store is closed or not initialised. */
  protected abstract parts(): SqliteFeatureParts;

  // ConversationSettingsStore

  async getLanguage(conversationId: string): Promise<string | undefined> {
    return this.parts().settings.getLanguage(conversationId);
  }

  async setLanguage(conversationId: string, language: string | undefined, teamId?: string): Promise<void> {
    this.parts().settings.setLanguage(conversationId, language, teamId);
  }

  // ActionStateStore (action-state.ts)

  async spendTicket(nonce: string, expiresAt: number, now: number): Promise<boolean> {
    return this.parts().actionState.spendTicket(nonce, expiresAt, now);
  }

  async recordActionNote(conversationId: string, jobKey: string, note: StoredActionNote): Promise<void> {
    this.parts().actionState.recordActionNote(conversationId, jobKey, note);
  }

  async actionNote(conversationId: string, jobKey: string, now: number): Promise<StoredActionNote | undefined> {
    return this.parts().actionState.actionNote(conversationId, jobKey, now);
  }

  // WatchStore (watches.ts)

  async setWatch(input: WatchInput, now: number, maxPerConversation: number): Promise<'created' | 'updated' | 'capped'> {
    return this.parts().watches.setWatch(input, now, maxPerConversation);
  }

  async removeWatch(conversationId: string, vaultKey: string): Promise<boolean> {
    return this.parts().watches.removeWatch(conversationId, vaultKey);
  }

  async listWatches(conversationId: string): Promise<WatchRecord[]> {
    return this.parts().watches.listWatches(conversationId);
  }

  async watchesOfVault(vaultKey: string): Promise<WatchRecord[]> {
    return this.parts().watches.watchesOfVault(vaultKey);
  }

  async watchedVaultKeys(): Promise<string[]> {
    return this.parts().watches.watchedVaultKeys();
  }

  async claimWatchSweep(owner: string, vaultKey: string, now: number, leaseMs: number): Promise<WatchSweepClaim | undefined> {
    return this.parts().watches.claimWatchSweep(owner, vaultKey, now, leaseMs);
  }

  async unannounced(triples: Parameters<WatchStore['unannounced']>[0]): ReturnType<WatchStore['unannounced']> {
    return this.parts().watches.unannounced(triples);
  }

  async commitWatchSweep(...a: Parameters<WatchStore['commitWatchSweep']>): Promise<boolean> {
    return this.parts().watches.commitWatchSweep(...a);
  }

  // DigestStore (digests.ts)

  async setDigest(...a: Parameters<DigestStore['setDigest']>): ReturnType<DigestStore['setDigest']> {
    return this.parts().digests.setDigest(...a);
  }
  async removeDigest(conversationId: string): Promise<boolean> {
    return this.parts().digests.removeDigest(conversationId);
  }
  async getDigest(conversationId: string): ReturnType<DigestStore['getDigest']> {
    return this.parts().digests.getDigest(conversationId);
  }
  async claimDueDigests(...a: Parameters<DigestStore['claimDueDigests']>): ReturnType<DigestStore['claimDueDigests']> {
    return this.parts().digests.claimDueDigests(...a);
  }
  async commitDigest(...a: Parameters<DigestStore['commitDigest']>): Promise<boolean> {
    return this.parts().digests.commitDigest(...a);
  }
  async nextDigestAt(): Promise<number | undefined> {
    return this.parts().digests.nextDigestAt();
  }
}
