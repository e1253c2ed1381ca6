/**
 * Values the conformance suite stores. Job snapshots come from the real Azure payloads in
 * ../shared/azure-backup-api (a running and a completed IaaS VM job), mapped field by field to
 * the BackupJob model here so the suite does not depend on the Azure layer; one hostile snapshot
 * adds what JSON columns tend to get wrong (quotes, newlines, non-ASCII, nesting, big numbers).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BackupJob, JobKey, VaultId } from '../../src/domain/job';
import type { SubscriberInput } from '../../src/domain/subscriber';
import type { OutboxInput } from '../../src/store/types';

const SHARED = path.resolve(__dirname, '..', '..', '..', 'shared', 'azure-backup-api');

export const T0 = Date.UTC(2026, 0, 1, 2, 0, 0);

interface RawJob {
  id: string;
  name: string;
  properties: {
    jobType: string;
    status: string;
    activityId?: string;
    backupManagementType?: string;
    entityFriendlyName?: string;
    operation?: string;
    startTime?: string;
    endTime?: string;
    virtualMachineVersion?: string;
    actionsInfo?: number[];
    extendedInfo?: { propertyBag?: Record<string, string>; tasksList?: Array<{ taskId: string; status: string }> };
  };
}

function mapRaw(raw: RawJob): BackupJob {
  const p = raw.properties;
  return {
    jobType: 'AzureIaaSVMJob',
    id: raw.id,
    jobId: raw.name.toLowerCase(),
    entityFriendlyName: p.entityFriendlyName,
    operation: p.operation,
    status: p.status === 'Completed' ? 'Completed' : 'InProgress',
    rawStatus: p.status,
    startTime: p.startTime,
    ...(p.endTime ? { endTime: p.endTime } : {}),
    backupManagementType: p.backupManagementType,
    activityId: p.activityId,
    actionsInfo: (p.actionsInfo ?? []).map(() => 'Cancellable'),
    isCancellable: (p.actionsInfo ?? []).length > 0,
    tasks: (p.extendedInfo?.tasksList ?? []).map((t) => ({ name: t.taskId, status: t.status })),
    propertyBag: p.extendedInfo?.propertyBag ?? {},
    errors: [],
    extra: p.virtualMachineVersion ? { virtualMachineVersion: p.virtualMachineVersion } : {},
  };
}

function readJson<T>(rel: string): T {
  return JSON.parse(readFileSync(path.join(SHARED, rel), 'utf8')) as T;
}

/** JobDetails_Get example: InProgress, two tasks. */
export const RUNNING: BackupJob = mapRaw(
  readJson<{ responses: { 200: { body: RawJob } } }>('examples/Common/GetJobDetails.json').responses[200].body,
);
/** Completed job from the Azure docs, with propertyBag and actionsInfo `[1]`. */
export const COMPLETED: BackupJob = mapRaw(readJson<RawJob>('examples/docs/managejobs_AzureIaaSVMJob_Completed.json'));

export const HOSTILE: BackupJob = {
  ...RUNNING,
  entityFriendlyName: 'vm "quoted" \\ back\nslash — ünïcødé 🚀',
  progressPercentage: 42.5,
  estimatedRemainingMs: 9_007_199_254_740_991,
  tasks: [{ name: 'Take Snapshot', status: 'Completed', durationMs: 0, progressPercentage: 100 }],
  propertyBag: { 'Backup Size': '2332 MB', "it's": '{"not":"json"}' },
  errors: [{ code: 'UserErrorVmNotFound', message: 'gone', recommendations: ['a', 'b'] }],
  extra: { dpm: true, n: -0.5, s: '' },
};

export const VAULT: VaultId = {
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'swaggertestrg',
  vaultName: 'netsdktestrsvault',
};

export function jobIdOf(n: number): string {
  return `00000000-0000-0000-0000-${n.toString().padStart(12, '0')}`;
}

export function keyOf(n: number): JobKey {
  return { vault: VAULT, jobId: jobIdOf(n) };
}

export function jobKeyOf(n: number): string {
  return `${VAULT.subscriptionId}/${VAULT.resourceGroup}/${VAULT.vaultName}/${jobIdOf(n)}`;
}

/** `lastJob: null` creates the job without a snapshot. */
export function jobInput(n: number, nextPollAt = T0, lastJob: BackupJob | null = { ...RUNNING, jobId: jobIdOf(n) }) {
  return { jobKey: jobKeyOf(n), vault: VAULT, jobId: jobIdOf(n), ...(lastJob ? { lastJob } : {}), nextPollAt };
}

/** A Teams channel thread subscriber with a realistic conversation reference. */
export function subInput(conversationId: string, requester = 'Ada Lovelace'): SubscriberInput {
  return {
    conversationId,
    conversationRef: {
      activityId: 'f:1234',
      user: { id: '29:1abc', name: requester, aadObjectId: '6f0b1a2e-0000-4000-8000-000000000001' },
      bot: { id: '28:bot-app-id', name: 'Backup Jobs' },
      conversation: { id: conversationId, conversationType: 'channel', isGroup: true, tenantId: 'tenant-1' },
      channelId: 'msteams',
      locale: 'en-US',
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
    },
    requester: { id: '29:1abc', name: requester },
    locale: 'en-US',
    timeZone: 'Europe/Berlin',
  };
}

export const CONV_A = '19:a1b2c3@thread.tacv2;messageid=1700000000001';
export const CONV_B = '19:d4e5f6@thread.tacv2;messageid=1700000000002';
export const CONV_C = 'a:1personal-chat';

export function card(n: number, conversationId: string, job: BackupJob = RUNNING): OutboxInput {
  return { kind: 'card', conversationId, key: keyOf(n), job: { ...job, jobId: jobIdOf(n) } };
}

export function final(n: number, conversationId: string, job: BackupJob = COMPLETED): OutboxInput {
  return { kind: 'final', conversationId, key: keyOf(n), job: { ...job, jobId: jobIdOf(n) } };
}

export function notice(n: number, conversationId: string, detail?: string): OutboxInput {
  return { kind: 'notice', notice: 'stillTrying', conversationId, key: keyOf(n), ...(detail ? { detail } : {}) };
}
