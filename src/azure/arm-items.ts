/**
 * Protected items over ARM: BackupProtectedItems_List (a read, on the bot's identity) and
 * Backups_Trigger (a write, on the pressing user's token). The same transport rules as ArmClient:
 * retries with backoff, Retry-After, typed errors; paths only from urls.ts.
 */
import type { TokenCredential } from '@azure/identity';
import type { Dispatcher } from 'undici';
import type { Clock } from '../core/clock';
import { retryAfterMs } from '../core/retry-after';
import type { Logger } from '../core/logger';
import type { OperationRef, VaultId } from '../domain/job';
import { ArmTransport } from './arm-transport';
import { ArmError, MalformedResponseError } from './errors';
import { IdError } from './id-rules';
import { parseOperationRef, sameVault } from './ids';
import { parseProtectedItems, type ProtectedItem } from './protected-items';
import { TokenCache } from './token-cache';
import { backupTriggerPath, protectedItemsPath } from './urls';

/** A backup Azure accepted: the operation to follow, and how long Azure asked to wait before reading it. */
export interface TriggeredBackup {
  readonly ref: OperationRef;
  readonly retryAfterMs?: number;
}

export interface ArmItemsOptions {
  readonly origin: string;
  readonly apiVersion: string;
  readonly dispatcher: Dispatcher;
  /** 'none' only for a loopback ARM (the simulator), as in ArmClient. */
  readonly credential: TokenCredential | 'none';
  readonly clock: Clock;
  readonly logger: Logger;
  readonly maxAttempts?: number;
  readonly random?: () => number;
}

/** The request body Backups_Trigger takes, per kind of item (BackupRequestResource.properties.objectType). */
function backupRequest(item: ProtectedItem): string {
  if (item.backupManagementType === 'AzureWorkload') {
    return JSON.stringify({ properties: { objectType: 'AzureWorkloadBackupRequest', backupType: 'Full' } });
  }
  if (item.backupManagementType === 'AzureStorage') return JSON.stringify({ properties: { objectType: 'AzureFileShareBackupRequest' } });
  return JSON.stringify({ properties: { objectType: 'IaasVMBackupRequest' } });
}

export class ArmItemsClient {
  private readonly transport: ArmTransport;

  constructor(private readonly o: ArmItemsOptions) {
    const credential = o.credential;
    this.transport = new ArmTransport({
      origin: o.origin,
      dispatcher: o.dispatcher,
      tokens: credential === 'none' ? undefined : new TokenCache(() => credential, `${o.origin}/.default`, o.clock),
      clock: o.clock,
      logger: o.logger,
      maxAttempts: Math.max(1, o.maxAttempts ?? 4),
      timeoutMs: 30_000,
      baseDelayMs: 500,
      maxDelayMs: 30_000,
      maxRetryAfterMs: 120_000,
      random: o.random ?? Math.random,
    });
  }

  /** Every protected item of `vault` of one backupManagementType (first page of up to 200 is plenty for a name match). */
  async listProtectedItems(vault: VaultId, backupManagementType: string): Promise<ProtectedItem[]> {
    if (!/^\w{1,40}$/.test(backupManagementType)) throw new ArmError('badRequest', 'not a backup management type');
    const filter = encodeURIComponent(`backupManagementType eq '${backupManagementType}'`);
    const res = await this.transport.send({
      method: 'GET',
      path: `${this.path(() => protectedItemsPath(vault))}?api-version=${this.o.apiVersion}&$filter=${filter}`,
      what: `the protected items of vault ${vault.vaultName}`,
      purpose: 'read',
    });
    return parseProtectedItems(res.body, vault);
  }

  /**
   * POST …/backup; resolves to the operation Azure hands back (Azure-AsyncOperation, else Location),
   * which must point into the same vault. Azure answers 202 without a body.
   */
  async triggerBackup(item: ProtectedItem): Promise<TriggeredBackup> {
    const res = await this.transport.send({
      method: 'POST',
      path: `${this.path(() => backupTriggerPath(item.vault, item.containerName, item.name))}?api-version=${this.o.apiVersion}`,
      what: `the backup of ${item.friendlyName} in vault ${item.vault.vaultName}`,
      purpose: 'backup',
      body: backupRequest(item),
    });
    const header = (name: string): string | undefined => {
      const v = res.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const link = header('azure-asyncoperation') ?? header('location');
    if (link === undefined) throw new MalformedResponseError('a backup accepted without an operation to follow');
    let ref: OperationRef;
    try {
      if (new URL(link).origin !== this.o.origin) throw new IdError('another host', [], 'unrecognisedForm');
      ref = parseOperationRef(link);
    } catch {
      throw new MalformedResponseError('an operation link that is not one Azure returns');
    }
    if (ref.kind !== 'url' || !sameVault(ref.vault, item.vault)) throw new MalformedResponseError('an operation in another vault');
    const wait = retryAfterMs(res.headers, this.o.clock.now());
    return wait !== undefined ? { ref, retryAfterMs: wait } : { ref };
  }

  private path(build: () => string): string {
    try {
      return build();
    } catch (e) {
      if (e instanceof IdError) throw new ArmError('badRequest', e.message, { cause: e });
      throw e;
    }
  }
}
