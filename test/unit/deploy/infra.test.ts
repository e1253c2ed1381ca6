/**
 * The deployment template (infra/, azure.yaml) and the code's configuration contract kept in step,
 * without the Bicep compiler: every app setting the template sets is a key src/config reads (or one
 * a library or the platform reads, named below with who reads it); the settings the template
 * writes make a configuration readConfig accepts, on SQLite and on Redis; the role definition ids
 * are the built-in ones; Redis is configured as README "Azure Cache for Redis" requires; module
 * calls pass exactly the params the modules declare; azure.yaml follows azd's layout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_KEYS, readConfig } from '../../../src/config/config';
import { moduleCalls, outputs, params, read, settings, type Setting } from './bicep-text';

const ROOT = path.resolve(__dirname, '../../..');
const main = read(ROOT, 'infra/main.bicep');
const modules = fs.readdirSync(path.join(ROOT, 'infra/modules')).map((f) => `infra/modules/${f}`);
const allSettings: Setting[] = ['infra/main.bicep', ...modules].flatMap((f) => settings(read(ROOT, f), f));

/** Set by the template, read by something other than src/config. */
const READ_ELSEWHERE: Record<string, string> = {
  AZURE_CLIENT_ID: '@azure/identity (DefaultAzureCredential picks the user-assigned identity)',
  WEBSITES_PORT: 'App Service (the container port)',
  WEBSITES_ENABLE_APP_SERVICE_STORAGE: 'App Service (mounts /home for the SQLite file)',
};

/** Values for the settings the template computes (Bicep expressions), as a deployment would resolve them. */
const RESOLVED: Record<string, string> = {
  MicrosoftAppId: '0f6c3b2a-1d4e-4f5a-8b6c-7d8e9f0a1b2c',
  AZURE_CLIENT_ID: '0f6c3b2a-1d4e-4f5a-8b6c-7d8e9f0a1b2c',
  MicrosoftAppTenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  ALLOWED_TENANT_IDS: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  AZURE_SUBSCRIPTION_ID: '5d0c4b6a-2f1e-4c3d-9a8b-7e6f5a4b3c2d',
  BACKUP_VAULTS: 'rg-backup/vault-prod,rg-other/vault-2',
  POLL_INTERVAL_SECONDS: '30',
  LOG_LEVEL: 'info',
  APPLICATIONINSIGHTS_CONNECTION_STRING:
    'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://x.in.applicationinsights.azure.com/',
  STATE_STORE: 'rediss://:k3y%2Fwith%2Bchars%3D@bj-redis.redis.cache.windows.net:6380/0',
};

function literal(value: string): string | undefined {
  return /^'([^'$]*)'$/.exec(value)?.[1];
}

/** The environment one host gets: main's settings, then the host module's own (secret and SQLite ones). */
function hostEnv(hostFile: string, redis: boolean): Record<string, string> {
  const env: Record<string, string> = {};
  for (const s of allSettings.filter((x) => x.file === 'infra/main.bicep' || x.file === hostFile)) {
    if (s.file === hostFile && s.name === 'STATE_STORE' && redis) continue; // the SQLite line is only without Redis
    if (s.file === 'infra/main.bicep' && s.name === 'STATE_STORE' && !redis) continue; // the secret only with Redis
    env[s.name] = literal(s.value) ?? RESOLVED[s.name] ?? `<unresolved ${s.value}>`;
  }
  return env;
}

describe('infra/ and src/config', () => {
  it('sets only keys src/config reads, or keys a library or the platform reads', () => {
    expect(allSettings.length).toBeGreaterThanOrEqual(15);
    const unknown = [...new Set(allSettings.map((s) => s.name))].filter((k) => !CONFIG_KEYS.includes(k) && !(k in READ_ELSEWHERE));
    expect(unknown).toEqual([]);
    // And no secret config key is written as a plain literal.
    for (const s of allSettings.filter((x) => ['MicrosoftAppPassword', 'STATE_STORE'].includes(x.name)))
      expect({ s, plainRedis: /rediss?:\/\//.test(s.value) }).toEqual({ s, plainRedis: false });
  });

  it.each([
    ['infra/modules/containerapp.bicep', false, 'sqlite:/data/state.db'],
    ['infra/modules/containerapp.bicep', true, RESOLVED['STATE_STORE']],
    ['infra/modules/appservice.bicep', false, 'sqlite:/home/data/state.db'],
    ['infra/modules/appservice.bicep', true, RESOLVED['STATE_STORE']],
  ])('%s (Redis %s): the settings make a configuration readConfig accepts, every required key set', (host, redis, store) => {
    const env = hostEnv(host, redis);
    expect(Object.values(env).filter((v) => v.startsWith('<unresolved'))).toEqual([]);
    const config = readConfig(env);
    expect(config.bot.appType).toBe('UserAssignedMSI');
    expect(config.bot.appId).toBe(RESOLVED['MicrosoftAppId']);
    expect(config.host).toBe('0.0.0.0');
    expect(config.port).toBe(3978);
    expect(config.azure.armAuth).toBe('default');
    expect(config.azure.vaults.map((v) => v.vaultName)).toEqual(['vault-prod', 'vault-2']);
    expect(config.stateStore).toBe(store);
    // The required keys, removed one at a time, are each refused: the template sets each of them.
    for (const key of ['AZURE_SUBSCRIPTION_ID', 'BACKUP_VAULTS', 'ALLOWED_TENANT_IDS', 'MicrosoftAppTenantId']) {
      const without = { ...env };
      delete without[key];
      expect(() => readConfig(without)).toThrow(new RegExp(`^${key}:`));
    }
  });

  it('grants the built-in Backup Reader on every vault, and Backup Operator only with enableActions', () => {
    const roles = read(ROOT, 'infra/modules/vault-roles.bicep');
    expect(roles).toContain("var backupReaderRoleId = 'a795c7a0-d4a2-40c1-ae25-d81f01202912'");
    expect(roles).toContain("var backupOperatorRoleId = '00c29273-979b-4161-815c-10b084fb9324'");
    expect(roles).toMatch(
      /resource reader '[^']+' = \{\n[^]*?roleDefinitionId: subscriptionResourceId\('Microsoft.Authorization\/roleDefinitions', backupReaderRoleId\)/,
    );
    expect(roles).toMatch(
      /resource operator '[^']+' = if \(enableActions\) \{\n[^]*?roleDefinitionId: subscriptionResourceId\('Microsoft.Authorization\/roleDefinitions', backupOperatorRoleId\)/,
    );
    expect(roles.match(/scope: vault\n/g)).toHaveLength(2);
    // One module per vault of the parameter, in the vault's resource group.
    expect(main).toMatch(/module vaultRoles 'modules\/vault-roles.bicep' = \[\n\s+for vault in vaultList: \{/);
    expect(main).toContain("scope: resourceGroup(split(vault, '/')[0])");
    expect(main).toContain("{ name: 'BACKUP_VAULTS', value: join(vaultList, ',') }");
  });

  it('configures Redis as the README requires: non-clustered, TLS only, noeviction, rediss on the TLS port; replicas above 1 with it', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toMatch(/\*\*non-clustered\*\*/);
    expect(readme).toMatch(/`noeviction`/);
    expect(readme).toMatch(/Keep the non-TLS port disabled and use `rediss:\/\/` on port 6380/);
    const redis = read(ROOT, 'infra/modules/redis.bicep');
    expect(redis).toContain('enableNonSslPort: false');
    expect(redis).toContain("minimumTlsVersion: '1.2'");
    expect(redis).toContain("'maxmemory-policy': 'noeviction'");
    expect(redis).not.toMatch(/shardCount|Enterprise|'Basic'/);
    expect(redis).toMatch(/@allowed\(\[\n\s+'Standard'\n\s+'Premium'\n\]\)/);
    // The URL, wherever it is built: TLS scheme, the TLS port, the key percent-encoded, database 0.
    const urls = modules.flatMap((f) => [...read(ROOT, f).matchAll(/'(rediss?:\/\/[^']*)'/g)].map((m) => `${f}: ${m[1]}`));
    expect(urls).toHaveLength(3);
    for (const url of urls)
      expect(url).toMatch(
        /: rediss:\/\/:\$\{uriComponent\(redis\.listKeys\(\)\.primaryKey\)\}@\$\{redis\.properties\.hostName\}:\$\{redis\.properties\.sslPort\}\/0$/,
      );
    expect(main).toMatch(/@minValue\(2\)\n(@\w+\([^\n]*\)\n)*param replicasWithRedis int/);
    expect(main.match(/replicas: enableRedis \? replicasWithRedis : 1/g)).toHaveLength(2);
    expect(read(ROOT, 'infra/modules/containerapp.bicep')).toMatch(/minReplicas: replicas\n\s+maxReplicas: replicas/);
  });

  it('probes /healthz for liveness and /readyz for readiness, both served by the bot', () => {
    const ca = read(ROOT, 'infra/modules/containerapp.bicep');
    expect(ca).toMatch(/type: 'Liveness'\n\s+httpGet: \{ path: '\/healthz', port: 3978 \}/);
    expect(ca).toMatch(/type: 'Readiness'\n\s+httpGet: \{ path: '\/readyz', port: 3978 \}/);
    expect(read(ROOT, 'infra/modules/appservice.bicep')).toContain("healthCheckPath: '/readyz'");
    const server = read(ROOT, 'src/server/server.ts');
    expect(server).toContain("server.get('/healthz'");
    expect(server).toContain("server.get('/readyz'");
  });

  it('passes every module exactly the params it declares, and every required one', () => {
    const calls = moduleCalls(main);
    expect(calls.map((c) => c.symbol).sort()).toEqual([
      'appService',
      'bot',
      'containerApp',
      'identity',
      'keyVault',
      'monitoring',
      'redis',
      'vaultRoles',
    ]);
    for (const call of calls) {
      const declared = params(read(ROOT, path.join('infra', call.file)));
      expect({ module: call.file, unknown: call.passed.filter((p) => !declared.some((d) => d.name === p)) }).toEqual({
        module: call.file,
        unknown: [],
      });
      const missing = declared.filter((d) => !d.hasDefault && !call.passed.includes(d.name)).map((d) => d.name);
      expect({ module: call.file, missing }).toEqual({ module: call.file, missing: [] });
    }
  });

  it('follows the azd layout: azure.yaml names infra/main.bicep, its parameters file and the service the host is tagged with', () => {
    const yaml = read(ROOT, 'azure.yaml');
    expect(yaml).toMatch(/^name: [a-z0-9-]+$/m);
    expect(yaml).toMatch(/^infra:\n {2}provider: bicep\n {2}path: infra\n {2}module: main$/m);
    expect(yaml).toMatch(
      /^services:\n {2}bot:\n {4}project: \.\n {4}language: ts\n {4}host: containerapp\n {4}docker:\n {6}path: \.\/Dockerfile$/m,
    );
    expect(fs.existsSync(path.join(ROOT, 'Dockerfile'))).toBe(true);
    for (const host of ['containerapp', 'appservice'])
      expect(read(ROOT, `infra/modules/${host}.bicep`)).toContain("union(tags, { 'azd-service-name': 'bot' })");
    expect(main).toMatch(/^targetScope = 'subscription'$/m);

    const parameters = JSON.parse(read(ROOT, 'infra/main.parameters.json')) as { parameters: Record<string, { value: unknown }> };
    const declared = params(main);
    const given = Object.keys(parameters.parameters);
    expect(given.filter((g) => !declared.some((d) => d.name === g))).toEqual([]);
    expect(declared.filter((d) => !d.hasDefault && !given.includes(d.name)).map((d) => d.name)).toEqual([]);
    expect(parameters.parameters['environmentName']).toEqual({ value: '${AZURE_ENV_NAME}' });
    expect(parameters.parameters['location']).toEqual({ value: '${AZURE_LOCATION}' });
    // What azd reads back (the registry to push to) and what the user needs next (endpoint, package command).
    expect(outputs(main)).toEqual(
      expect.arrayContaining(['AZURE_CONTAINER_REGISTRY_ENDPOINT', 'BOT_MESSAGING_ENDPOINT', 'TEAMS_PACKAGE_COMMAND']),
    );
    expect(main).toContain(
      "output TEAMS_PACKAGE_COMMAND string = 'MicrosoftAppId=${identity.outputs.clientId} BOT_DOMAIN=${botHost} npm run package'",
    );
    // The package script reads those two keys.
    const pkgScript = read(ROOT, 'scripts/package-app.ts');
    for (const key of ['MicrosoftAppId', 'BOT_DOMAIN']) expect(pkgScript).toContain(key);
  });

  it('uses the bot identity as a managed identity (no secret) for the Azure Bot and the Teams channel', () => {
    const bot = read(ROOT, 'infra/modules/bot.bicep');
    expect(bot).toContain("msaAppType: 'UserAssignedMSI'");
    expect(bot).toContain('msaAppMSIResourceId: identityId');
    expect(bot).toContain("channelName: 'MsTeamsChannel'");
    expect(main).toContain("endpoint: 'https://${botHost}/api/messages'");
    expect(allSettings.some((s) => s.name === 'MicrosoftAppPassword')).toBe(false);
  });
});
