/**
 * Actions over real HTTP on loopback: the bot as a child process (src/index.ts, ACTIONS=sso) that
 * trusts a fake Entra's test CA through NODE_EXTRA_CA_CERTS and exchanges SSO tokens On-Behalf-Of
 * with the real OnBehalfOfCredential; the simulated vault as ARM with role assignments checking the
 * token's oid; the recording connector as the serviceUrl. Real time: jobs that must not end before
 * a step are held, and tests wait for what the connector receives, never for a duration.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../../src/core/clock';
import { silentLogger } from '../../src/core/logger';
import { SimulatorServer } from '../../tools/simulator/server';
import type { SimJobSpec } from '../../tools/simulator/spec';
import { startBotProcess, type BotProcess } from '../../scripts/lib/bot-process';
import { freePort } from '../../scripts/lib/playground-process';
import { startFakeEntra, type FakeEntra } from './fake-entra';
import { startFakeTokenService, type FakeTokenService } from './fake-token-service';
import { RecordingConnector } from './recording-connector';
import { cardSubmit, postActivity, TENANT_ID, type Activity, type MessageOptions, type PostResult } from './teams-activities';

export const ACTION_SUB = '8f7e6d5c-4b3a-4291-8807-162534435261';
export const ACTION_VAULT = { subscriptionId: ACTION_SUB, resourceGroup: 'rg-backup', vaultName: 'vault-prod' };
export const SSO_APP = {
  tenantId: TENANT_ID,
  clientId: '5a6b7c8d-2222-4333-8444-555566667777',
  clientSecret: 'sso-client-secret-for-tests',
};

export interface ActionStack {
  readonly sim: SimulatorServer;
  readonly entra: FakeEntra;
  /** The SSO connection's Bot Framework token service (sign-in links, magic codes): nothing leaves loopback. */
  readonly tokens: FakeTokenService;
  readonly connector: RecordingConnector;
  readonly bot: BotProcess;
  /** The first instance's base URL (a new one after restart()). */
  readonly url: string;
  send(activity: Activity): Promise<PostResult>;
  /** Every instance's log lines so far. */
  botLog(): string;
  /**
   * Stops the bot gracefully and starts it again on the same store (the stack keeps its vault, Entra
   * and connector), with `env` over the stack's environment (e.g. a narrower ACCESS_POLICY).
   */
  restart(env?: Record<string, string>): Promise<void>;
  /** Another instance of the bot on the same store and settings; stopped with the stack. */
  another(): Promise<{ readonly url: string; send(activity: Activity): Promise<PostResult> }>;
  stop(): Promise<void>;
}

export interface ActionStackOptions {
  /** STATE_STORE; a SQLite file in the stack's folder by default. */
  readonly stateStore?: string;
  /** More environment for the bot (e.g. ACCESS_POLICY, ALLOWED_TENANT_IDS). */
  readonly env?: Record<string, string>;
}

export async function startActionStack(
  jobs: SimJobSpec[],
  held: readonly string[] = [],
  options: ActionStackOptions = {},
): Promise<ActionStack> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'backup-jobs-actions-'));
  const logFile = path.join(workDir, 'bot.log');
  const entra = await startFakeEntra(SSO_APP);
  const tokens = await startFakeTokenService(`api://botid-${SSO_APP.clientId}`);
  const sim = new SimulatorServer({
    clock: systemClock,
    jobs: [],
    logger: silentLogger(),
    roles: { tokenKeyPem: entra.publicKeyPem },
    triggerDelayMs: 500,
    cancelDelayMs: 500,
    cancelAcceptMs: 0,
  });
  for (const spec of jobs) sim.addJob(spec, { held: held.includes(spec.jobId) });
  const simUrl = await sim.start(0);
  const connector = await RecordingConnector.start();
  const launch = async (extraEnv: Record<string, string> = {}): Promise<BotProcess> => {
    const bot = startBotProcess({
      port: await freePort(),
      armEndpoint: simUrl,
      subscriptionId: ACTION_SUB,
      vaults: `${ACTION_VAULT.resourceGroup}/${ACTION_VAULT.vaultName}`,
      stateStore: options.stateStore ?? `sqlite:${path.join(workDir, 'state.db')}`,
      pollIntervalSeconds: 0.5,
      logFile,
      logLevel: 'info',
      env: {
        ACTIONS: 'sso',
        SSO_CLIENT_ID: SSO_APP.clientId,
        SSO_CLIENT_SECRET: SSO_APP.clientSecret,
        SSO_TENANT_ID: SSO_APP.tenantId,
        SSO_AUTHORITY_HOST: entra.origin,
        SSO_CONNECTION_NAME: 'teams-sso',
        SSO_TOKEN_SERVICE_URL: tokens.url,
        NODE_EXTRA_CA_CERTS: entra.caFile,
        ...options.env,
        ...extraEnv,
      },
    });
    try {
      await bot.healthy();
    } catch (err) {
      await bot.kill();
      throw err;
    }
    return bot;
  };
  let bot: BotProcess;
  try {
    bot = await launch();
  } catch (err) {
    await Promise.all([sim.stop(), entra.close(), connector.close(), tokens.close()]);
    throw err;
  }
  const others: BotProcess[] = [];
  const urlOf = (b: BotProcess): string => `http://127.0.0.1:${b.port}`;
  return {
    sim,
    entra,
    tokens,
    connector,
    get bot() {
      return bot;
    },
    get url() {
      return urlOf(bot);
    },
    send: (activity) => postActivity(urlOf(bot), activity),
    async restart(env) {
      await bot.stop();
      bot = await launch(env);
    },
    async another() {
      const other = await launch();
      others.push(other);
      return { url: urlOf(other), send: (activity: Activity) => postActivity(urlOf(other), activity) };
    },
    botLog: () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
    async stop() {
      await Promise.all([bot, ...others].map((b) => b.stop()));
      await Promise.all([sim.stop(), entra.close(), connector.close(), tokens.close()]);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** An Action.Execute press as Teams sends it: an `adaptiveCard/action` invoke, with the SSO token once the user signed in. */
export function cardExecute(
  data: unknown,
  opts: MessageOptions & { readonly conversationId: string; readonly replyToId: string; readonly token?: string },
): Activity {
  const base = cardSubmit({}, opts);
  const verb = typeof data === 'object' && data !== null && 'action' in data ? String(data.action) : 'x';
  return {
    ...base,
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: {
      action: { type: 'Action.Execute', verb, data },
      trigger: 'manual',
      ...(opts.token ? { authentication: { id: 'sso', connectionName: 'teams-sso', token: opts.token } } : {}),
    },
  };
}

type CardAction = { type?: string; title?: string; data?: unknown; card?: { actions?: CardAction[]; body?: Array<{ text?: string }> } };

/** The Confirm data inside the Action.ShowCard titled `title` (what pressing Confirm sends). */
export function confirmData(card: Record<string, unknown>, title: string): Record<string, unknown> {
  const show = ((card.actions ?? []) as CardAction[]).find((a) => a.type === 'Action.ShowCard' && a.title === title);
  const execute = show?.card?.actions?.find((a) => a.type === 'Action.Execute');
  if (!execute) throw new Error(`the card has no "${title}" confirmation`);
  return execute.data as Record<string, unknown>;
}

export function actionTitles(card: Record<string, unknown>): string[] {
  return ((card.actions ?? []) as CardAction[]).map((a) => `${a.type}:${a.title}`);
}
