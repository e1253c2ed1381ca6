/**
 * The ACTIONS keys: whether the card shows Cancel / Back up again and how the user's own Azure
 * rights are obtained (Teams SSO token, exchanged On-Behalf-Of with this app registration).
 */
import { z } from 'zod';
import { GUID_PATTERN } from '../azure/id-rules';
import { trimTrailing } from '../core/text';

/** The environment keys of the actions (config.ts FIELDS): schema and the expected form named in errors. */
export const ACTION_FIELDS = {
  ACTIONS: [z.enum(['off', 'sso']).default('off'), 'off or sso'],
  SSO_CLIENT_ID: [
    z.union([z.literal(''), z.string().regex(GUID_PATTERN)]).default(''),
    'empty (MicrosoftAppId) or the app registration GUID',
  ],
  SSO_CLIENT_SECRET: [z.string().default(''), 'the client secret used for On-Behalf-Of (default MicrosoftAppPassword)'],
  SSO_TENANT_ID: [z.union([z.literal(''), z.string().regex(GUID_PATTERN)]).default(''), 'empty (MicrosoftAppTenantId) or a tenant GUID'],
  SSO_AUTHORITY_HOST: [
    z.url({ protocol: /^https$/ }).default('https://login.microsoftonline.com'),
    'an https URL such as https://login.microsoftonline.com',
  ],
  SSO_CONNECTION_NAME: [z.string().max(200).default(''), "the Azure Bot's OAuth connection name"],
  SSO_APP_ID_URI: [z.string().max(400).default(''), 'the exposed API of the app registration, e.g. api://botid-<app id>'],
  // Where the sign-in link and its magic code come from; http only on loopback (the tests' fake service).
  SSO_TOKEN_SERVICE_URL: [
    z
      .url({ protocol: /^https?$/ })
      .refine((u) => u.startsWith('https:') || new URL(u).hostname === '127.0.0.1')
      .default('https://api.botframework.com'),
    'the Bot Framework token service, https://api.botframework.com (or a sovereign cloud one)',
  ],
} as const;

/** ACTIONS: off (no action buttons, actions refused) or sso (Teams SSO, then On-Behalf-Of for the user's ARM token). */
export type ActionsConfig =
  | { readonly mode: 'off' }
  | {
      readonly mode: 'sso';
      readonly sso: {
        readonly tenantId: string;
        readonly clientId: string;
        readonly clientSecret: string;
        readonly authorityHost: string;
        /** The Azure Bot's OAuth connection (SSO_CONNECTION_NAME) named in the sign-in request Teams answers with the SSO token. */
        readonly connectionName: string;
        /** webApplicationInfo.resource of the manifest: the app's exposed API. */
        readonly appIdUri: string;
        /** The Bot Framework token service: sign-in links and magic codes for the SSO connection. */
        readonly tokenServiceUrl: string;
      };
    };

/** The parsed environment values readActions reads (already validated one by one). */
export interface ActionKeys {
  readonly ACTIONS: 'off' | 'sso';
  readonly SSO_CLIENT_ID: string;
  readonly SSO_CLIENT_SECRET: string;
  readonly SSO_TENANT_ID: string;
  readonly SSO_AUTHORITY_HOST: string;
  readonly SSO_CONNECTION_NAME: string;
  readonly SSO_APP_ID_URI: string;
  readonly SSO_TOKEN_SERVICE_URL: string;
  readonly MicrosoftAppId: string;
  readonly MicrosoftAppPassword: string;
  readonly MicrosoftAppTenantId: string;
}

/** ACTIONS=sso needs an app registration to exchange the user's SSO token On-Behalf-Of. */
/** The actions configuration, or the key that is missing and what it must hold (config.ts throws it). */
export function readActions(v: ActionKeys): ActionsConfig | { readonly missing: string; readonly expected: string } {
  if (v.ACTIONS === 'off') return { mode: 'off' };
  const clientId = v.SSO_CLIENT_ID || v.MicrosoftAppId;
  const clientSecret = v.SSO_CLIENT_SECRET || v.MicrosoftAppPassword;
  const tenantId = v.SSO_TENANT_ID || v.MicrosoftAppTenantId;
  if (clientId === '') return { missing: 'SSO_CLIENT_ID', expected: 'the app registration GUID (or MicrosoftAppId) when ACTIONS=sso' };
  if (clientSecret === '') return { missing: 'SSO_CLIENT_SECRET', expected: 'a client secret (or MicrosoftAppPassword) when ACTIONS=sso' };
  if (tenantId === '') return { missing: 'SSO_TENANT_ID', expected: "the users' tenant GUID (or MicrosoftAppTenantId) when ACTIONS=sso" };
  return {
    mode: 'sso',
    sso: {
      tenantId: tenantId.toLowerCase(),
      clientId: clientId.toLowerCase(),
      clientSecret,
      authorityHost: trimTrailing(v.SSO_AUTHORITY_HOST, '/'),
      connectionName: v.SSO_CONNECTION_NAME,
      appIdUri: v.SSO_APP_ID_URI || `api://botid-${clientId.toLowerCase()}`,
      tokenServiceUrl: trimTrailing(v.SSO_TOKEN_SERVICE_URL, '/'),
    },
  };
}
