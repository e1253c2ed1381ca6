/**
 * Fakes for driving command handlers without Teams: a BackupJobsApi that records every call and
 * answers from a real payload, a recording reply port, and a CommandContext built on the real
 * TrackerServiceImpl over the in-memory store.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CommandContext, ReplyPort, VaultAllowList } from '../../src/commands/types';
import type { AdaptiveCardJson } from '../../src/cards/render';
import { ArmError } from '../../src/azure/errors';
import { parseJobResource } from '../../src/azure/models';
import type { ArmResult, BackupJobsApi, JobListFilter } from '../../src/azure/types';
import type { BackupJob, JobKey, OperationRef, OperationStatus, VaultId } from '../../src/domain/job';
import { VirtualClock } from '../../src/core/clock';
import { silentLogger } from '../../src/core/logger';
import type { StateStore } from '../../src/store/types';
import { memoryStore } from './memory-store';
import { WatchServiceImpl } from '../../src/tracker/watch-service';
import { DigestServiceImpl } from '../../src/tracker/digest-service';
import { TrackerServiceImpl } from '../../src/tracker/tracker-service';
import type { SubscriberInput } from '../../src/domain/subscriber';

export const SHARED_API_DIR = path.resolve(__dirname, '..', '..', '..', 'shared', 'azure-backup-api');

export function fixtureBody(relative: string): unknown {
  const example = JSON.parse(fs.readFileSync(path.join(SHARED_API_DIR, 'examples', relative), 'utf8')) as {
    responses: Record<string, { body?: unknown }>;
  };
  return example.responses['200']?.body;
}

/** A real in-progress IaaS VM job (examples/Common/GetJobDetails.json) re-addressed to `key`. */
export function runningJob(key: JobKey, status: 'InProgress' | 'Completed' | 'Failed' = 'InProgress'): BackupJob {
  const body = structuredClone(fixtureBody('Common/GetJobDetails.json')) as {
    id: string;
    name: string;
    properties: Record<string, unknown>;
  };
  body.name = key.jobId;
  body.id = `/subscriptions/${key.vault.subscriptionId}/resourceGroups/${key.vault.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${key.vault.vaultName}/backupJobs/${key.jobId}`;
  body.properties.status = status;
  if (status !== 'InProgress') body.properties.endTime = '2017-08-03T05:41:07.014604Z';
  return parseJobResource(body);
}

export type ApiCall =
  | { readonly op: 'getJob'; readonly key: JobKey }
  | { readonly op: 'listJobs'; readonly vault: VaultId; readonly filter?: JobListFilter }
  | { readonly op: 'getOperationStatus'; readonly vault: VaultId; readonly ref: OperationRef }
  | { readonly op: 'cancelJob'; readonly key: JobKey };

const meta = { attempts: 1 } as const;

/** Answers every read; `behaviour` may throw an ArmError for a call to simulate Azure failures. */
export class RecordingApi implements BackupJobsApi {
  readonly calls: ApiCall[] = [];
  constructor(private readonly behaviour: (call: ApiCall) => void = () => undefined) {}

  async getJob(key: JobKey): Promise<ArmResult<BackupJob>> {
    this.record({ op: 'getJob', key });
    return { value: runningJob(key), meta };
  }

  async listJobs(vault: VaultId, filter?: JobListFilter): Promise<ArmResult<BackupJob[]>> {
    this.record({ op: 'listJobs', vault, ...(filter ? { filter } : {}) });
    return { value: [runningJob({ vault, jobId: '00000000-0000-4000-8000-000000000001' })], meta };
  }

  async getOperationStatus(vault: VaultId, ref: OperationRef): Promise<ArmResult<OperationStatus>> {
    this.record({ op: 'getOperationStatus', vault, ref });
    return { value: { operationId: ref.operationId, state: 'Succeeded', jobIds: ['00000000-0000-4000-8000-000000000002'] }, meta };
  }

  async cancelJob(key: JobKey): Promise<ArmResult<{ readonly accepted: true }>> {
    this.record({ op: 'cancelJob', key });
    return { value: { accepted: true }, meta };
  }

  private record(call: ApiCall): void {
    this.calls.push(call);
    this.behaviour(call);
  }
}

export function armError(kind: ArmError['kind'], extra: { requiredRole?: string; retryAfterMs?: number } = {}): ArmError {
  return new ArmError(kind, `simulated ${kind}`, extra);
}

export type Sent =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'card'; readonly card: AdaptiveCardJson; readonly text?: string; readonly id: string }
  | { readonly kind: 'update'; readonly activityId: string; readonly card: AdaptiveCardJson }
  | { readonly kind: 'announce'; readonly text: string };

export class RecordingReply implements ReplyPort {
  readonly sent: Sent[] = [];
  private next = 1;
  async text(text: string): Promise<void> {
    this.sent.push({ kind: 'text', text });
  }
  async card(card: AdaptiveCardJson, text?: string): Promise<string | undefined> {
    const id = `card-${this.next++}`;
    this.sent.push({ kind: 'card', card, id, ...(text === undefined ? {} : { text }) });
    return id;
  }
  async updateCard(activityId: string, card: AdaptiveCardJson): Promise<void> {
    this.sent.push({ kind: 'update', activityId, card });
  }
  async announce(text: string): Promise<void> {
    this.sent.push({ kind: 'announce', text });
  }
}

export const SUBSCRIPTION = '11111111-2222-3333-4444-555555555555';
export const ALLOWED: VaultAllowList = {
  vaults: [
    { subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-prod', vaultName: 'vault-prod' },
    { subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-dev', vaultName: 'vault-dev' },
  ],
  scope: 'team',
};

export const SUBSCRIBER: SubscriberInput = {
  conversationId: '19:ops@thread.tacv2;messageid=1',
  conversationRef: { conversation: { id: '19:ops@thread.tacv2;messageid=1' } },
  requester: { id: '29:alex', name: 'Alex Wilber' },
  locale: 'en-US',
};

export interface Harness {
  readonly ctx: CommandContext;
  readonly api: RecordingApi;
  readonly reply: RecordingReply;
  readonly later: RecordingReply;
  readonly clock: VirtualClock;
  readonly store: StateStore;
  readonly background: Array<{ name: string; run: (signal: AbortSignal) => Promise<void> }>;
}

export function commandHarness(opts: { api?: RecordingApi; subscriber?: SubscriberInput; replyToId?: string } = {}): Harness {
  const api = opts.api ?? new RecordingApi();
  const clock = new VirtualClock();
  const store = memoryStore();
  const logger = silentLogger();
  const tracker = new TrackerServiceImpl({ store, api, clock, logger, pollIntervalMs: 1000 });
  const reply = new RecordingReply();
  const later = new RecordingReply();
  const background: Harness['background'] = [];
  const subscriber = opts.subscriber ?? SUBSCRIBER;
  const ctx: CommandContext = {
    tracker,
    watches: new WatchServiceImpl({ store, clock }),
    digests: new DigestServiceImpl({ store, clock }),
    api,
    allowList: ALLOWED,
    portalUrl: 'https://portal.azure.com',
    conversationId: subscriber.conversationId,
    subscriber,
    locale: subscriber.locale,
    settings: store,
    timeZone: subscriber.timeZone,
    reply,
    later,
    background: (name, run) => background.push({ name, run }),
    clock,
    logger,
    ...(opts.replyToId === undefined ? {} : { replyToId: opts.replyToId }),
  };
  return { ctx, api, reply, later, clock, store, background };
}
