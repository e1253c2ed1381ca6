import path from 'node:path';
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { VirtualClock } from '../../../src/core/clock';
import { SimulatorServer, type SimulatorServerOptions } from '../../../tools/simulator/server';
import type { SimJobSpec } from '../../../tools/simulator/spec';

export const SHARED = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'azure-backup-api');
export const SUB = '11111111-2222-4333-8444-555555555555';
export const RG = 'rg-backup';
export const VAULT = 'vault-demo';
export const API = 'api-version=2026-02-01';
export const VAULT_PATH = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.RecoveryServices/vaults/${VAULT}`;
export const START = Date.UTC(2026, 0, 1, 2, 0, 0);

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };

export function example(rel: string): JsonObject {
  return JSON.parse(readFileSync(path.join(SHARED, rel), 'utf8')) as JsonObject;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => JsonObject;
}

/** A simulator on a virtual clock plus an HTTP client bound to it. */
export class Harness {
  readonly clock: VirtualClock;
  readonly server: SimulatorServer;
  url = '';
  private pool?: Pool;

  constructor(jobs: SimJobSpec[] = [], opts: Partial<SimulatorServerOptions> = {}, clock = new VirtualClock(START)) {
    this.clock = clock;
    this.server = new SimulatorServer({ clock, jobs, ...opts });
  }

  async start(): Promise<this> {
    this.url = await this.server.start(0);
    this.pool = new Pool(this.url, { connections: 4 });
    return this;
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
    await this.server.stop();
  }

  async call(method: 'GET' | 'POST', pathAndQuery: string): Promise<Reply> {
    const target = pathAndQuery.startsWith('http') ? new URL(pathAndQuery) : undefined;
    const res = await this.pool!.request({
      method,
      path: target ? `${target.pathname}${target.search}` : pathAndQuery,
      body: method === 'POST' ? '' : undefined,
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as JsonObject };
  }

  get(p: string): Promise<Reply> {
    return this.call('GET', p);
  }

  async getJson(p: string): Promise<JsonObject> {
    const r = await this.get(p);
    if (r.status !== 200) throw new Error(`GET ${p} answered ${r.status}: ${r.text}`);
    return r.json();
  }
}

export function jobPath(jobId: string, vaultPath = VAULT_PATH): string {
  return `${vaultPath}/backupJobs/${jobId}?${API}`;
}

export function obj(v: JsonValue | undefined): JsonObject {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`not an object: ${JSON.stringify(v)}`);
  return v;
}

export function arr(v: JsonValue | undefined): JsonValue[] {
  if (!Array.isArray(v)) throw new Error(`not an array: ${JSON.stringify(v)}`);
  return v;
}

/** A field that must be a string: anything else fails the test rather than comparing "[object Object]". */
export function str(v: JsonValue | undefined): string {
  if (typeof v !== 'string') throw new Error(`not a string: ${JSON.stringify(v)}`);
  return v;
}

/** Simple IaaS VM backup spec for tests that need many plain jobs. */
export function vmJob(jobId: string, startAt: number, overrides: Partial<SimJobSpec> = {}): SimJobSpec {
  return {
    vault: { subscriptionId: SUB, resourceGroup: RG, vaultName: VAULT },
    jobId,
    jobType: 'AzureIaaSVMJob',
    operation: 'Backup',
    entityFriendlyName: `vm-${jobId.slice(0, 4)}`,
    backupManagementType: 'AzureIaasVM',
    startAt,
    tasks: [
      { name: 'Take Snapshot', durationMs: 60_000 },
      { name: 'Transfer data to vault', durationMs: 240_000 },
    ],
    outcome: 'Completed',
    ...overrides,
  };
}

/** Deterministic lower-case GUID for test job number `n`. */
export function guid(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `aaaaaaaa-bbbb-4ccc-8ddd-${hex}`;
}
