/** The watch commands' port over the store; a new watch wakes the watcher, so its vault is swept at once. */
import type { Clock } from '../core/clock';
import type { VaultId } from '../domain/job';
import { DEFAULT_WATCH_LIMITS, type WatchInput, type WatchLimits, type WatchRecord } from '../domain/watch';
import type { WatchStore } from '../store/types';
import type { WatchService } from './ports';

export function watchVaultKey(vault: VaultId): string {
  return `${vault.subscriptionId}/${vault.resourceGroup}/${vault.vaultName}`.toLowerCase();
}

export class WatchServiceImpl implements WatchService {
  readonly limits: WatchLimits;

  constructor(private readonly o: { store: WatchStore; clock: Clock; limits?: WatchLimits; wake?: () => void }) {
    this.limits = o.limits ?? DEFAULT_WATCH_LIMITS;
  }

  async set(input: WatchInput): Promise<'created' | 'updated' | 'capped'> {
    const result = await this.o.store.setWatch(input, this.o.clock.now(), this.limits.watchesPerConversation);
    if (result === 'created') this.o.wake?.();
    return result;
  }

  remove(conversationId: string, vault: VaultId): Promise<boolean> {
    return this.o.store.removeWatch(conversationId, watchVaultKey(vault));
  }

  list(conversationId: string): Promise<WatchRecord[]> {
    return this.o.store.listWatches(conversationId);
  }
}
