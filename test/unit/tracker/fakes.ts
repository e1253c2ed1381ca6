/**
 * Test doubles for the tracker: a BackupJobsApi whose jobs run on the VirtualClock, and a Notifier
 * that records what users would see. Both count what the tracker spends.
 */
import { ArmError } from '../../../src/azure/errors';
import { jobKeyString } from '../../../src/azure/ids';
import type { ArmResult, BackupJobsApi, CallOptions, JobListFilter } from '../../../src/azure/types';
import type { BackupJob, JobKey, JobStatus, VaultId } from '../../../src/domain/job';
import type { Clock } from '../../../src/core/clock';
import type { Notifier } from '../../../src/tracker/ports';
import type { DeliveryResult, OutboundMessage, SubscriberInput } from '../../../src/domain/subscriber';

export const SUB_A = '11111111-1111-1111-1111-111111111111';
export const SUB_B = '22222222-2222-2222-2222-222222222222';

export function vault(name = 'vault1', subscriptionId = SUB_A): VaultId {
  return { subscriptionId, resourceGroup: 'rg1', vaultName: name };
}

export function jobGuid(n: number): string {
  return `00000000-0000-0000-0000-${n.toString(16).padStart(12, '0')}`;
}

/** A job that runs from `startAt` for `durationMs`, progressing linearly, then ends with `finalStatus`. */
export interface FakeJobPlan {
  readonly key: JobKey;
  readonly startAt: number;
  readonly durationMs: number;
  readonly finalStatus?: JobStatus;
  /** Report progress and remaining time (IaaS VM jobs do). */
  readonly withProgress?: boolean;
}

export function snapshot(plan: FakeJobPlan, now: number): BackupJob {
  const elapsed = Math.max(0, now - plan.startAt);
  const done = elapsed >= plan.durationMs;
  const status: JobStatus = done ? (plan.finalStatus ?? 'Completed') : 'InProgress';
  const fraction = Math.min(1, elapsed / plan.durationMs);
  const snapshotDone = fraction >= 0.2;
  const id = `/subscriptions/${plan.key.vault.subscriptionId}/resourceGroups/${plan.key.vault.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${plan.key.vault.vaultName}/backupJobs/${plan.key.jobId}`;
  return {
    jobType: 'AzureIaaSVMJob',
    id,
    jobId: plan.key.jobId,
    entityFriendlyName: 'vm-' + plan.key.jobId.slice(-4),
    operation: 'Backup',
    status,
    rawStatus: status,
    startTime: new Date(plan.startAt).toISOString(),
    ...(done ? { endTime: new Date(plan.startAt + plan.durationMs).toISOString() } : {}),
    durationMs: Math.min(elapsed, plan.durationMs),
    actionsInfo: done ? [] : ['Cancellable'],
    isCancellable: !done,
    ...(plan.withProgress && !done
      ? { progressPercentage: Math.floor(fraction * 100), estimatedRemainingMs: plan.durationMs - elapsed }
      : {}),
    tasks: [
      { name: 'Take Snapshot', status: snapshotDone ? 'Completed' : 'InProgress' },
      {
        name: 'Transfer data to vault',
        status: done ? (status === 'Completed' ? 'Completed' : status) : snapshotDone ? 'InProgress' : 'NotStarted',
      },
    ],
    propertyBag: {},
    errors: status === 'Failed' ? [{ code: 'UserErrorVmNotFound', title: 'VM not found', message: 'gone', recommendations: [] }] : [],
    extra: {},
  };
}

export type Fault = (op: 'get' | 'list', target: JobKey | VaultId) => ArmError | undefined;

export class FakeBackupApi implements BackupJobsApi {
  readonly plans = new Map<string, FakeJobPlan>();
  gets = 0;
  lists = 0;
  readonly getsByJob = new Map<string, number>();
  readonly readsBySub = new Map<string, number>();
  inFlight = 0;
  peakInFlight = 0;
  /** Per job: a GET overlapped another GET of the same job. */
  overlapped = false;
  private readonly busy = new Set<string>();
  fault?: Fault;
  /** Event-loop turns each call takes, so concurrent calls really overlap. */
  latencyTurns = 0;
  /** While set, every call waits for it (or for its abort signal). */
  hold?: Promise<void>;

  constructor(private readonly clock: Clock) {}

  add(plan: FakeJobPlan): FakeJobPlan {
    this.plans.set(jobKeyString(plan.key), plan);
    return plan;
  }

  async getJob(key: JobKey, opts?: CallOptions): Promise<ArmResult<BackupJob>> {
    const k = jobKeyString(key);
    return this.call('get', key, key.vault.subscriptionId, k, opts?.signal, () => {
      const plan = this.plans.get(k);
      if (!plan) throw new ArmError('notFound', `job ${key.jobId} not found`, { status: 404 });
      this.getsByJob.set(k, (this.getsByJob.get(k) ?? 0) + 1);
      return snapshot(plan, this.clock.now());
    });
  }

  async listJobs(v: VaultId, filter?: JobListFilter, opts?: CallOptions): Promise<ArmResult<BackupJob[]>> {
    return this.call('list', v, v.subscriptionId, undefined, opts?.signal, () => {
      const now = this.clock.now();
      const from = filter?.startTime ? Date.parse(filter.startTime) : -Infinity;
      const to = filter?.endTime ? Date.parse(filter.endTime) : Infinity;
      const vk = `${v.subscriptionId}/${v.resourceGroup}/${v.vaultName}`.toLowerCase();
      return [...this.plans.values()]
        .filter((p) => jobKeyString(p.key).startsWith(vk + '/') && p.startAt >= from && p.startAt <= to)
        .map((p) => snapshot(p, now))
        .filter((j) => !filter?.status || j.status === filter.status);
    });
  }

  getOperationStatus(): never {
    throw new Error('not used by the tracker');
  }

  cancelJob(): never {
    throw new Error('not used by the tracker');
  }

  private async call<T>(
    op: 'get' | 'list',
    target: JobKey | VaultId,
    sub: string,
    jobKey: string | undefined,
    signal: AbortSignal | undefined,
    fn: () => T,
  ): Promise<ArmResult<T>> {
    if (op === 'get') this.gets++;
    else this.lists++;
    this.readsBySub.set(sub, (this.readsBySub.get(sub) ?? 0) + 1);
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    if (jobKey && this.busy.has(jobKey)) this.overlapped = true;
    if (jobKey) this.busy.add(jobKey);
    try {
      for (let i = 0; i < this.latencyTurns; i++) await new Promise<void>((r) => setImmediate(r));
      if (this.hold) {
        await Promise.race([
          this.hold,
          new Promise<never>((_r, reject) =>
            signal?.addEventListener('abort', () => reject(new ArmError('transient', 'aborted')), { once: true }),
          ),
        ]);
      }
      const fault = this.fault?.(op, target);
      if (fault) throw fault;
      return { value: fn(), meta: { attempts: 1, remainingReads: 249 } };
    } finally {
      this.inFlight--;
      if (jobKey) this.busy.delete(jobKey);
    }
  }
}

export interface Delivered {
  readonly at: number;
  readonly message: OutboundMessage;
}

/** Records every delivery attempt; `respond` decides the connector's answer (default ok). */
export class RecordingNotifier implements Notifier {
  readonly attempts: Delivered[] = [];
  readonly delivered: Delivered[] = [];
  respond: (m: OutboundMessage) => DeliveryResult = () => ({ ok: true });
  private nextActivity = 1;

  constructor(private readonly clock: Clock) {}

  async deliver(message: OutboundMessage): Promise<DeliveryResult> {
    const at = this.clock.now();
    this.attempts.push({ at, message });
    const r = this.respond(message);
    if (r.ok) {
      this.delivered.push({ at, message });
      if (message.kind === 'card' && r.activityId === undefined)
        return { ok: true, activityId: message.subscriber.cardActivityId ?? `act-${this.nextActivity++}` };
    }
    return r;
  }

  of(kind: OutboundMessage['kind'], conversationId?: string): Delivered[] {
    return this.delivered.filter(
      (d) => d.message.kind === kind && (!conversationId || d.message.subscriber.conversationId === conversationId),
    );
  }

  notices(notice?: string): Array<Extract<OutboundMessage, { kind: 'notice' }>> {
    return this.delivered
      .map((d) => d.message)
      .filter((m): m is Extract<OutboundMessage, { kind: 'notice' }> => m.kind === 'notice' && (!notice || m.notice === notice));
  }
}

export function subscriber(conversationId: string, requester = 'Ada'): SubscriberInput {
  return {
    conversationId,
    conversationRef: { conversation: { id: conversationId }, serviceUrl: 'http://127.0.0.1:1/' },
    requester: { id: `29:${requester}`, name: requester },
    locale: 'en-US',
  };
}
