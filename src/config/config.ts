/**
 * The process configuration: read once from the environment, validated, frozen. Everything else
 * receives a Config (or the part it needs); nothing reads process.env after start.
 */
import { z } from 'zod';
import type { VaultId } from '../domain/job';
import type { TrackingLimits } from '../domain/limits';
import { ConfigError } from './config-error';
import { LIMIT_FIELDS, readLimits } from './limits-config';
import { STORE_FIELDS } from './store-config';
import { WATCH_FIELDS, readWatch } from './watch-config';
import { ACTION_FIELDS, readActions, type ActionsConfig } from './actions-config';
import type { WatchLimits } from '../domain/watch';
import { OPERATIONS_FIELDS, readOperations, type OperationsConfig } from './operations-config';
import { parseVaultList } from './vault-list';

export type { ActionsConfig } from './actions-config';
export { ConfigError } from './config-error';
import { AccessPolicyError, loadAccessPolicy, type AccessPolicy } from './access-policy';
import { GUID_PATTERN, isGuid } from '../azure/id-rules';
import { isLoopbackEndpoint, isLoopbackHost } from '../azure/loopback';
import { trimTrailing } from '../core/text';

export type BotAppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
export type ArmAuthMode = 'default' | 'none';

export interface Config extends OperationsConfig {
  readonly port: number;
  /** Interface to listen on; 0.0.0.0 in hosting. Local mode (no MicrosoftAppId) allows loopback only and defaults to 127.0.0.1. */
  readonly host: string;
  readonly bot: {
    /** Empty = local mode without Bot Framework auth (the Agents Playground). */
    readonly appId: string;
    readonly appPassword: string;
    readonly appType: BotAppType;
    readonly tenantId: string;
  };
  readonly azure: {
    readonly subscriptionId: string;
    /** The allow-list: only these vaults can be read or acted on. Never empty. */
    readonly vaults: readonly VaultId[];
    /** The first entry of BACKUP_VAULTS. */
    readonly defaultVault: VaultId;
    /** Without a trailing slash. */
    readonly armEndpoint: string;
    readonly armAuth: ArmAuthMode;
    readonly apiVersion: string;
    /** Azure portal of the same cloud as ARM_ENDPOINT, for "Open in Azure portal". */
    readonly portalUrl: string;
  };
  /** Who may use the bot, and which vaults (see access-policy.ts). */
  readonly access: {
    /** ALLOWED_TENANT_IDS, lower case; empty only in local mode (no MicrosoftAppId), where no tenant is checked. */
    readonly allowedTenantIds: readonly string[];
    /** ACCESS_POLICY, when set; without it every conversation of an allowed tenant may use every vault. */
    readonly policy?: AccessPolicy;
  };
  readonly pollIntervalSeconds: number;
  /** Where state lives, in any form `parseStoreUrl` accepts (sqlite:<path>, sqlite::memory: or memory:, redis://…). */
  readonly stateStore: string;
  readonly logLevel: string;
  /** Caps on what users can make the bot track and follow (TRACK_*, OPERATION_* keys). */
  readonly limits: TrackingLimits;
  readonly actions: ActionsConfig;
  /** Caps and the burst threshold of vault watches (WATCH_* keys). */
  readonly watch: WatchLimits;
}

/** Values never echoed in errors: a redis URL may carry a password. */
const SECRET_KEYS = new Set(['MicrosoftAppPassword', 'STATE_STORE', 'SSO_CLIENT_SECRET', 'APPLICATIONINSIGHTS_CONNECTION_STRING']);
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** key → [schema, expected form]; every value arrives as a string or undefined. */
const FIELDS = {
  PORT: [z.coerce.number().int().min(0).max(65535).default(3978), 'an integer port 0–65535'],
  // The default depends on MicrosoftAppId (see readConfig).
  HOST: [z.string().min(1).optional(), 'a host name or IP address to listen on'],
  MicrosoftAppId: [z.union([z.literal(''), z.string().regex(GUID_PATTERN)]).default(''), 'empty or the bot app registration GUID'],
  MicrosoftAppPassword: [z.string().default(''), 'the client secret of the app registration'],
  MicrosoftAppType: [
    z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
    'MultiTenant, SingleTenant or UserAssignedMSI',
  ],
  MicrosoftAppTenantId: [z.union([z.literal(''), z.string().regex(GUID_PATTERN)]).default(''), 'empty or a tenant GUID'],
  AZURE_SUBSCRIPTION_ID: [z.string().regex(GUID_PATTERN), 'a subscription GUID'],
  BACKUP_VAULTS: [z.string().trim().min(1), 'a comma list of resourceGroup/vaultName or full vault ids'],
  ARM_ENDPOINT: [
    z.url({ protocol: /^https?$/ }).default('https://management.azure.com'),
    'an http(s) URL such as https://management.azure.com',
  ],
  ARM_AUTH: [z.enum(['default', 'none']).default('default'), 'default or none'],
  BACKUP_API_VERSION: [
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}(-preview)?$/)
      .default('2026-02-01'),
    'an api-version like 2026-02-01',
  ],
  POLL_INTERVAL_SECONDS: [z.coerce.number().min(0.1).max(3600).default(30), 'a number of seconds between 0.1 and 3600'],
  ...STORE_FIELDS,
  LOG_LEVEL: [z.enum(LOG_LEVELS).default('info'), LOG_LEVELS.join(', ')],
  ALLOWED_TENANT_IDS: [
    z
      .string()
      .default('')
      .refine((list) => list.split(',').every((id) => id.trim() === '' || isGuid(id.trim()))),
    'a comma list of Entra tenant GUIDs whose users may use the bot',
  ],
  ACCESS_POLICY: [z.string().default(''), 'the path of an access policy JSON file (see docs/access-policy.sample.json)'],
  ...LIMIT_FIELDS,
  ...ACTION_FIELDS,
  ...WATCH_FIELDS,
  ...OPERATIONS_FIELDS,
} as const;

/** Every environment key readConfig reads (the deployment template may set only these, test/unit/deploy). */
export const CONFIG_KEYS: readonly string[] = Object.freeze(Object.keys(FIELDS));

type Fields = typeof FIELDS;
type Parsed = { [K in keyof Fields]: z.output<Fields[K][0]> };

/** Reads and validates the environment; throws ConfigError naming the first bad key. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const values = {} as Record<string, unknown>;
  for (const key of Object.keys(FIELDS) as Array<keyof Fields>) {
    const [schema, expected] = FIELDS[key];
    const raw = env[key];
    // An empty string means "not set" for keys with defaults, as in most .env tooling.
    const input =
      raw === undefined
        ? undefined
        : key === 'MicrosoftAppPassword' || key === 'SSO_CLIENT_SECRET'
          ? raw
          : raw.trim() === ''
            ? undefined
            : raw.trim();
    const result = schema.safeParse(input);
    if (!result.success)
      throw new ConfigError(key, expected, raw === undefined || raw === '' || mayHoldSecret(key, raw, env) ? undefined : raw);
    values[key] = result.data;
  }
  const v = values as Parsed;

  const armEndpoint = trimTrailing(v.ARM_ENDPOINT, '/');
  if (v.ARM_AUTH === 'none' && !isLoopbackEndpoint(armEndpoint)) {
    throw new ConfigError('ARM_AUTH', 'default unless ARM_ENDPOINT is a loopback address (none sends no token)', v.ARM_AUTH);
  }
  // Local mode authenticates no inbound request: anyone who reaches the port could drive the bot with its Azure credentials.
  const host = v.HOST ?? (v.MicrosoftAppId === '' ? '127.0.0.1' : '0.0.0.0');
  if (v.MicrosoftAppId === '' && !isLoopbackHost(host)) {
    throw new ConfigError(
      'HOST',
      'a loopback address (127.0.0.1, ::1 or localhost) while MicrosoftAppId is empty: without an app id no inbound request is authenticated, so the bot listens on loopback only; set MicrosoftAppId (and MicrosoftAppPassword) to listen elsewhere',
      mayHoldSecret('HOST', host, env) ? undefined : host,
    );
  }
  if (v.MicrosoftAppId !== '' && v.MicrosoftAppType !== 'UserAssignedMSI' && v.MicrosoftAppPassword === '') {
    throw new ConfigError(
      'MicrosoftAppPassword',
      `a client secret when MicrosoftAppId is set and MicrosoftAppType is ${v.MicrosoftAppType}`,
    );
  }
  if (v.MicrosoftAppId !== '' && v.MicrosoftAppType !== 'MultiTenant' && v.MicrosoftAppTenantId === '') {
    throw new ConfigError('MicrosoftAppTenantId', `a tenant GUID when MicrosoftAppType is ${v.MicrosoftAppType}`);
  }

  const operations = readOperations(v);
  if ('invalid' in operations) throw new ConfigError(operations.invalid, operations.expected, operations.got);

  const subscriptionId = v.AZURE_SUBSCRIPTION_ID.toLowerCase();
  const vaults = parseVaultList(v.BACKUP_VAULTS, subscriptionId);
  if (!vaults.ok)
    throw new ConfigError('BACKUP_VAULTS', vaults.expected, mayHoldSecret('BACKUP_VAULTS', vaults.entry, env) ? undefined : vaults.entry);

  const access = readAccess(v, vaults.vaults, subscriptionId);
  const actions = readActions(v);
  if ('missing' in actions) throw new ConfigError(actions.missing, actions.expected);

  return deepFreeze<Config>({
    port: v.PORT,
    host,
    bot: {
      appId: v.MicrosoftAppId,
      appPassword: v.MicrosoftAppPassword,
      appType: v.MicrosoftAppType,
      tenantId: v.MicrosoftAppTenantId,
    },
    azure: {
      subscriptionId,
      vaults: vaults.vaults,
      defaultVault: vaults.vaults[0],
      armEndpoint,
      armAuth: v.ARM_AUTH,
      apiVersion: v.BACKUP_API_VERSION,
      portalUrl: portalFor(armEndpoint),
    },
    access,
    pollIntervalSeconds: v.POLL_INTERVAL_SECONDS,
    stateStore: v.STATE_STORE,
    logLevel: v.LOG_LEVEL,
    actions,
    ...operations,
    limits: readLimits(v),
    watch: readWatch(v),
  });
}

/**
 * With a MicrosoftAppId the bot is reachable from any tenant that installs it (MultiTenant), so the
 * tenants must be named; once named they are checked in every mode, local mode included.
 */
function readAccess(v: Parsed, vaults: readonly VaultId[], subscriptionId: string): Config['access'] {
  const allowedTenantIds = [
    ...new Set(
      v.ALLOWED_TENANT_IDS.split(',')
        .map((id) => id.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  if (v.MicrosoftAppId !== '' && allowedTenantIds.length === 0) {
    throw new ConfigError('ALLOWED_TENANT_IDS', 'the tenant GUIDs whose users may use the bot (required when MicrosoftAppId is set)');
  }
  if (v.ACCESS_POLICY === '') return { allowedTenantIds };
  try {
    return { allowedTenantIds, policy: loadAccessPolicy(v.ACCESS_POLICY, { vaults, subscriptionId, allowedTenantIds }) };
  } catch (err) {
    if (err instanceof AccessPolicyError) throw ConfigError.withMessage('ACCESS_POLICY', err.message);
    throw err;
  }
}

/** Sovereign clouds have their own portal; the public one is right for anything else (simulator included). */
function portalFor(armEndpoint: string): string {
  const host = new URL(armEndpoint).hostname.toLowerCase();
  if (host.endsWith('.usgovcloudapi.net')) return 'https://portal.azure.us';
  if (host.endsWith('.chinacloudapi.cn')) return 'https://portal.azure.cn';
  return 'https://portal.azure.com';
}

/** A secret pasted into the wrong key (the password as MicrosoftAppId) must not be echoed either. */
function mayHoldSecret(key: string, raw: string, env: NodeJS.ProcessEnv): boolean {
  if (SECRET_KEYS.has(key)) return true;
  const secrets = [
    env['MicrosoftAppPassword'],
    env['SSO_CLIENT_SECRET'],
    /^rediss?:\/\/[^/@:]*:([^/@]+)@/i.exec(env['STATE_STORE'] ?? '')?.[1],
  ];
  return secrets.some((s) => s !== undefined && s.trim().length >= 4 && raw.includes(s.trim()));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
