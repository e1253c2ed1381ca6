/**
 * ACCESS_POLICY: which conversations may use which vaults. A JSON file of rules; each rule names
 * one audience (a whole tenant, a team, a group chat, or one user in their personal chat with the
 * bot) and the vaults it may use. Rules only grant: a conversation may use the vaults of every
 * rule that matches it, in BACKUP_VAULTS order (the first is its default). Without a file every
 * conversation of an allowed tenant may use every vault.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { sameVault } from '../azure/ids';
import { GUID_PATTERN } from '../azure/id-rules';
import type { VaultId } from '../domain/job';
import { parseVaultEntry } from './vault-list';

/** Who a rule grants to. Ids compare case-insensitively. */
export type AudienceKind = 'tenant' | 'team' | 'chat' | 'user';
const AUDIENCE_KINDS: readonly AudienceKind[] = ['tenant', 'team', 'chat', 'user'];

export interface AccessRule {
  readonly kind: AudienceKind;
  /** Lower-cased id: tenant GUID, team id, group chat id or Entra object id. */
  readonly id: string;
  readonly vaults: readonly VaultId[];
}

export interface AccessPolicy {
  readonly rules: readonly AccessRule[];
}

/** The conversation an activity comes from, as far as the policy cares. */
export interface Audience {
  readonly tenantId?: string;
  /** channelData.team.id: set in team channels only. */
  readonly teamId?: string;
  /** The conversation id without a channel thread's `;messageid=` part. */
  readonly conversationId: string;
  readonly conversationType: 'channel' | 'groupChat' | 'personal';
  /** activity.from.aadObjectId, the Entra object id of the sender. */
  readonly userObjectId?: string;
}

/** A policy file that cannot be used; `where` is the JSON path (`rules[2].vaults[0]`) or empty for the file itself. */
export class AccessPolicyError extends Error {
  constructor(
    readonly where: string,
    readonly problem: string,
  ) {
    super(`ACCESS_POLICY${where === '' ? '' : ` ${where}`}: ${problem}`);
    this.name = 'AccessPolicyError';
  }
}

/** Team and group chat ids: `19:<something>@thread.<kind>` (tacv2, skype, v2); never a channel thread (no `;`). */
const THREAD_ID = /^19:[^\s;,]{1,200}@thread\.[a-z0-9]{1,20}$/i;
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_RULES = 1000;
const MAX_VAULTS_PER_RULE = 100;

const RULE = z
  .strictObject({
    tenant: z.string().regex(GUID_PATTERN, 'expected a tenant GUID').optional(),
    team: z.string().regex(THREAD_ID, 'expected a team id like 19:…@thread.tacv2').optional(),
    chat: z.string().regex(THREAD_ID, 'expected a group chat id like 19:…@thread.v2').optional(),
    user: z.string().regex(GUID_PATTERN, "expected the user's Entra object id (a GUID)").optional(),
    vaults: z
      .array(z.string().max(300, 'a vault entry is at most 300 characters'))
      .min(1, 'list at least one vault, or "*" for all')
      .max(MAX_VAULTS_PER_RULE, `at most ${MAX_VAULTS_PER_RULE} vaults per rule`),
    comment: z.string().max(500).optional(),
  })
  .superRefine((rule, ctx) => {
    const named = AUDIENCE_KINDS.filter((k) => rule[k] !== undefined);
    if (named.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `a rule names exactly one of ${AUDIENCE_KINDS.join(', ')}${named.length === 0 ? '' : ` (found ${named.join(', ')})`}`,
      });
    }
  });

const POLICY = z.strictObject({
  $schema: z.string().optional(),
  comment: z.string().max(500).optional(),
  rules: z.array(RULE).max(MAX_RULES, `at most ${MAX_RULES} rules`),
});

/** `['rules', 2, 'vaults', 0]` → `rules[2].vaults[0]`. */
function pathText(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out === '' ? '' : '.'}${String(part)}`;
  return out;
}

function firstIssue(error: z.ZodError): AccessPolicyError {
  const issue = error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    const allowed = issue.path.length === 0 ? 'rules, comment, $schema' : `${AUDIENCE_KINDS.join(', ')}, vaults, comment`;
    return new AccessPolicyError(pathText(issue.path), `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')} (allowed: ${allowed})`);
  }
  if (issue.code === 'invalid_type') {
    const expected = issue.path.length === 0 ? 'a JSON object with a "rules" array' : `${issue.expected}`;
    return new AccessPolicyError(pathText(issue.path), `expected ${expected}`);
  }
  return new AccessPolicyError(pathText(issue.path), issue.message);
}

export interface PolicyContext {
  /** BACKUP_VAULTS: every vault a rule names must be one of these. */
  readonly vaults: readonly VaultId[];
  readonly subscriptionId: string;
  /** ALLOWED_TENANT_IDS (lower case); a tenant rule outside it could never apply. Empty = not set. */
  readonly allowedTenantIds: readonly string[];
}

/** Validates parsed JSON; throws AccessPolicyError naming the first rule and field that is wrong. */
export function parseAccessPolicy(json: unknown, context: PolicyContext): AccessPolicy {
  const parsed = POLICY.safeParse(json);
  if (!parsed.success) throw firstIssue(parsed.error);
  const rules = parsed.data.rules.map((rule, r): AccessRule => {
    const kind = AUDIENCE_KINDS.find((k) => rule[k] !== undefined)!;
    const id = rule[kind]!.toLowerCase();
    if (kind === 'tenant' && context.allowedTenantIds.length > 0 && !context.allowedTenantIds.includes(id)) {
      throw new AccessPolicyError(`rules[${r}].tenant`, `tenant "${id}" is not in ALLOWED_TENANT_IDS, so this rule could never apply`);
    }
    return { kind, id, vaults: ruleVaults(rule.vaults, r, context) };
  });
  return { rules };
}

function ruleVaults(entries: readonly string[], r: number, context: PolicyContext): VaultId[] {
  if (entries.includes('*')) {
    if (entries.length > 1)
      throw new AccessPolicyError(`rules[${r}].vaults`, '"*" already means every vault in BACKUP_VAULTS; list nothing beside it');
    return [...context.vaults];
  }
  return entries.map((entry, v) => {
    const where = `rules[${r}].vaults[${v}]`;
    const vault = parseVaultEntry(entry.trim(), context.subscriptionId);
    if (!vault) throw new AccessPolicyError(where, `"${entry.slice(0, 80)}" is not resourceGroup/vaultName, a full vault id or "*"`);
    const known = context.vaults.find((k) => sameVault(k, vault));
    if (!known) throw new AccessPolicyError(where, `vault "${vault.resourceGroup}/${vault.vaultName}" is not in BACKUP_VAULTS`);
    return known;
  });
}

/** Reads and validates the policy file. */
export function loadAccessPolicy(file: string, context: PolicyContext): AccessPolicy {
  let text: string;
  try {
    if (fs.statSync(file).size > MAX_FILE_BYTES) throw new AccessPolicyError('', `"${file}" is larger than 1 MiB`);
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof AccessPolicyError) throw err;
    throw new AccessPolicyError('', `cannot read "${file}" (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AccessPolicyError('', `"${file}" is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  return parseAccessPolicy(json, context);
}

/** The rules that grant this audience anything. A user rule applies in that user's personal chat only. */
function matches(rule: AccessRule, who: Audience): boolean {
  switch (rule.kind) {
    case 'tenant':
      return who.tenantId?.toLowerCase() === rule.id;
    case 'team':
      return who.conversationType === 'channel' && who.teamId?.toLowerCase() === rule.id;
    case 'chat':
      return who.conversationType === 'groupChat' && who.conversationId.toLowerCase() === rule.id;
    case 'user':
      return who.conversationType === 'personal' && who.userObjectId?.toLowerCase() === rule.id;
  }
}

/**
 * The vaults this audience may use, in BACKUP_VAULTS order (the first is its default). Without a
 * policy: all of them.
 */
export function vaultsFor(policy: AccessPolicy | undefined, who: Audience, all: readonly VaultId[]): VaultId[] {
  if (!policy) return [...all];
  const granted = policy.rules.filter((rule) => matches(rule, who)).flatMap((rule) => rule.vaults);
  return all.filter((vault) => granted.some((g) => sameVault(g, vault)));
}
