/**
 * No secret reaches a log line or a chat message. The bot runs in-process over real HTTP on
 * 127.0.0.1 with known secret values in play: an app password in its configuration, a known ARM
 * token (the credential) sent to an ARM that answers 401/403 and echoes the token back, and a
 * known Bot Connector token sent to a connector that answers 500/403 with the request echoed.
 * Every log line (trace level, the production logger) and every reply is searched for each value.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TokenCredential } from '@azure/identity';
import type { ConnectorCredentialsFactory } from '../../../src/bot/adapter';
import { ConfigError, readConfig } from '../../../src/config/config';
import { startBotHarness, type BotHarness } from '../../support/bot-harness';
import { captureLog, type CapturedLog } from '../../support/log-capture';
import { runBotToExit } from '../../support/run-to-exit';
import { PERSONAL_CHAT_ID, personalMessage, postActivity } from '../../support/teams-activities';

const APP_PASSWORD = 'app-pw-Zq8xK2mN4vB7yT';
const ARM_TOKEN = 'arm-token-Wm2kV7bX4gQe';
const CONNECTOR_TOKEN = 'connector-token-Lp5rD8fJ1c';
const SECRETS = [APP_PASSWORD, ARM_TOKEN, CONNECTOR_TOKEN];
const JOB_ID = '7ddead57-bcb9-4269-ac31-6a1b57588700';

function leaks(texts: readonly string[]): Array<{ secret: string; text: string }> {
  const found: Array<{ secret: string; text: string }> = [];
  for (const text of texts) for (const secret of SECRETS) if (text.includes(secret)) found.push({ secret, text: text.slice(0, 400) });
  return found;
}

/** An ARM that refuses every call with `status` and quotes the caller's Authorization header back in its error. */
async function echoingArm(): Promise<{ url: string; status: { value: number }; seen: string[]; close(): Promise<void> }> {
  const status = { value: 401 };
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    seen.push(auth);
    const body =
      status.value === 401
        ? { error: { code: 'InvalidAuthenticationToken', message: `The access token is invalid: ${auth}` } }
        : {
            error: {
              code: 'AuthorizationFailed',
              message: `The client with token '${auth}' does not have authorization to perform action 'Microsoft.RecoveryServices/vaults/backupJobs/read'.`,
            },
          };
    res.writeHead(status.value, {
      'content-type': 'application/json',
      'www-authenticate': `Bearer error="invalid_token", token="${auth}"`,
    });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    status,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const armCredential: TokenCredential = { getToken: async () => ({ token: ARM_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }) };

/** Local mode for inbound (no JWT to forge), but every call to the connector signed with a known token. */
const connectorCredentials: ConnectorCredentialsFactory = {
  isValidAppId: async () => true,
  isAuthenticationDisabled: async () => true,
  createCredentials: async () => ({
    signRequest: async (request) => {
      request.headers.set('Authorization', `Bearer ${CONNECTOR_TOKEN}`);
      return request;
    },
  }),
};

describe('secrets in play while ARM and the connector fail', () => {
  let h: BotHarness;
  let log: CapturedLog;
  let arm: Awaited<ReturnType<typeof echoingArm>>;
  const httpAnswers: string[] = [];

  beforeAll(async () => {
    arm = await echoingArm();
    // No secret values registered with the logger: what is tested is the structural scrubbing.
    log = captureLog('trace');
    h = await startBotHarness({
      env: { ARM_ENDPOINT: arm.url, ARM_AUTH: 'default', MicrosoftAppPassword: APP_PASSWORD, LOG_LEVEL: 'trace' },
      overrides: { logger: log.logger, credential: armCredential, connectorCredentials },
    });
  });
  afterAll(async () => {
    await h?.close();
    await arm?.close();
  });

  const send = async (text: string): Promise<void> => {
    const res = await postActivity(h.app.url, personalMessage(text, { serviceUrl: h.connector.serviceUrl }));
    httpAnswers.push(`${res.status} ${JSON.stringify(res.body ?? '')}`);
  };

  it('ARM 401 and 403 that quote the token: the user gets the fixed explanation, the log keeps status and code only', async () => {
    arm.status.value = 401;
    await send(`track job ${JOB_ID}`);
    arm.status.value = 403;
    await send(`track job ${JOB_ID}`);
    await send('jobs');
    // The token was really sent (the secret was in play) …
    expect(arm.seen.length).toBeGreaterThanOrEqual(3);
    expect(arm.seen.every((a) => a === `Bearer ${ARM_TOKEN}`)).toBe(true);
    // … and each command was answered.
    expect(h.connector.activities.length).toBeGreaterThanOrEqual(3);
    expect(leaks(h.connector.activities.map((a) => JSON.stringify(a.activity)))).toEqual([]);
    expect(leaks(log.lines)).toEqual([]);
  });

  it.each([500, 403])(
    'connector %i with the request echoed: the turn error and the failed apology are logged without the token',
    async (status) => {
      h.connector.reset();
      log.lines.length = 0;
      h.connector.fail(PERSONAL_CHAT_ID, { status, echoRequest: true }, 50);
      await send('help');
      await log.waitFor((line) => line.includes('could not send the apology'));
      // The connector saw the token and echoed it back to the bot.
      expect(h.connector.rejected.length).toBeGreaterThanOrEqual(2);
      const turnFailed = log.records().find((r) => r['msg'] === 'turn failed');
      expect(turnFailed?.['err']).toMatchObject({ statusCode: status });
      expect(leaks(log.lines)).toEqual([]);
      expect(leaks(httpAnswers)).toEqual([]);
    },
  );
});

describe('a bad configuration with secrets in it', () => {
  const base = { AZURE_SUBSCRIPTION_ID: '11111111-2222-3333-4444-555555555555', BACKUP_VAULTS: 'rg-backup/vault-one' };
  const withSecrets = { ...base, MicrosoftAppPassword: APP_PASSWORD, STATE_STORE: `redis://:${ARM_TOKEN}@127.0.0.1:6379/0` };

  it.each([
    ['MicrosoftAppType', { ...withSecrets, MicrosoftAppType: `Bogus${APP_PASSWORD}` }],
    ['MicrosoftAppId', { ...withSecrets, MicrosoftAppId: 'not-a-guid' }],
    ['STATE_STORE', { ...withSecrets, STATE_STORE: `redis:/${ARM_TOKEN}` }],
    ['HOST', { ...withSecrets, HOST: '0.0.0.0' }],
    ['BACKUP_VAULTS', { ...withSecrets, BACKUP_VAULTS: '/bad' }],
  ])('readConfig names %s without echoing a secret', (key, env) => {
    let err: unknown;
    try {
      readConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe(key);
    expect(leaks([(err as ConfigError).message])).toEqual([]);
  });

  it('src/index.ts reports a bad configuration on stderr without the secrets', async () => {
    const exit = await runBotToExit({ ...withSecrets, BACKUP_VAULTS: '/bad', PORT: '0' });
    expect(exit.code).toBe(78);
    expect(exit.stderr).toContain('Configuration error: BACKUP_VAULTS');
    expect(leaks([exit.stdout, exit.stderr])).toEqual([]);
  });
});
