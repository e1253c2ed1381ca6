/**
 * The simulated vault's protected-item routes: BackupProtectedItems_List, ProtectedItems_Get and
 * Backups_Trigger (202 with Location and Azure-AsyncOperation, as TriggerBackup_Post.json shows).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../src/core/clock';
import type { VaultId } from '../../src/domain/job';
import { formatTimestamp } from './format';
import type { Json } from './job-body';
import { statusAt, vaultKeyOf } from './job-state';
import type { JobStore } from './job-store';
import { ProtectedItems, type SimProtectedItem } from './protected-items';
import type { Route } from './routes';
import { armError, type Reply, type SimVault } from './vault';

const SEC = 1000;
/** Simulator time from the trigger to the job's appearance (the operation's end). */
export const DEFAULT_TRIGGER_DELAY_MS = 5 * SEC;

export class ItemRoutes {
  readonly items = new ProtectedItems();
  /** Every backup triggered over HTTP, in order, for tests that check what changed in the vault. */
  readonly triggered: Array<{ item: string; jobId: string; operationId: string }> = [];

  constructor(
    private readonly vault: SimVault,
    private readonly store: JobStore,
    private readonly clock: Clock,
    private readonly triggerDelayMs: number = DEFAULT_TRIGGER_DELAY_MS,
  ) {}

  list(r: Extract<Route, { kind: 'listItems' }>, query: URLSearchParams): Reply {
    if (!this.store.hasVault(vaultKeyOf(r.vault))) return notFoundVault(r.vault);
    const filter = query.get('$filter') ?? '';
    const m = /backupManagementType eq '(\w+)'/i.exec(filter);
    const value = this.items.list(r.vault, m?.[1]).map((item) => this.body(item));
    return { status: 200, body: { value } };
  }

  get(r: Extract<Route, { kind: 'getItem' }>): Reply {
    const item = this.items.find(r.vault, r.containerName, r.itemName);
    if (!item) return itemNotFound(r.vault, r.itemName);
    return { status: 200, body: this.body(item) };
  }

  trigger(r: Extract<Route, { kind: 'trigger' }>, origin: string): Reply {
    const item = this.items.find(r.vault, r.containerName, r.itemName);
    if (!item) return itemNotFound(r.vault, r.itemName);
    const next = item.next ?? {
      tasks: [
        { name: 'Take Snapshot', durationMs: 30 * SEC },
        { name: 'Transfer data to vault', durationMs: 60 * SEC },
      ],
      outcome: 'Completed' as const,
    };
    const op = this.vault.trigger(
      { ...item.template, jobId: randomUUID(), startAt: 0, tasks: next.tasks, outcome: next.outcome },
      this.triggerDelayMs,
    );
    if (op.jobId !== undefined) {
      if (next.held) this.store.get(op.jobId)!.held = true;
      this.triggered.push({ item: item.name, jobId: op.jobId, operationId: op.operationId });
    }
    return {
      status: 202,
      headers: {
        'azure-asyncoperation': `${origin}${op.asyncOperationPath}`,
        location: `${origin}${op.locationPath}`,
        'retry-after': String(Math.max(1, Math.ceil(this.triggerDelayMs / SEC))),
      },
    };
  }

  private body(item: SimProtectedItem): { [key: string]: Json } {
    // The latest backup of the item that has ended, as the service's lastBackupStatus reports it.
    const now = this.clock.now();
    let last: { status: string; time?: string } | undefined;
    let lastStart = -Infinity;
    for (const rec of this.store.all()) {
      const s = rec.spec;
      if (s.operation !== 'Backup' || vaultKeyOf(s.vault) !== vaultKeyOf(item.vault) || s.entityFriendlyName !== item.friendlyName)
        continue;
      const status = statusAt(rec, now);
      if (rec.startAt > lastStart && status !== 'NotStarted' && status !== 'InProgress' && status !== 'Cancelling') {
        lastStart = rec.startAt;
        last = { status: status === 'Completed' ? 'Completed' : 'Failed', time: formatTimestamp(rec.startAt) };
      }
    }
    return this.items.body(item, last);
  }
}

function notFoundVault(vault: VaultId): Reply {
  return armError(
    404,
    'ResourceNotFound',
    `The Resource 'Microsoft.RecoveryServices/vaults/${vault.vaultName}' under resource group '${vault.resourceGroup}' was not found.`,
  );
}

function itemNotFound(vault: VaultId, itemName: string): Reply {
  // The service's code for an unknown item name.
  return armError(404, 'BMSUserErrorItemNotFound', `Item '${itemName}' was not found in vault '${vault.vaultName}'.`);
}
