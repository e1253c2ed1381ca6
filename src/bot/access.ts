/**
 * Who may use the bot, decided at the top of the turn before any command, store or ARM work:
 * the activity's tenant must be in ALLOWED_TENANT_IDS (when set), its two tenant fields must
 * agree, and its ids must be well formed. The policy (ACCESS_POLICY) then says which vaults the
 * conversation may use.
 */
import type { Activity } from 'botbuilder';
import type { Clock } from '../core/clock';
import { vaultsFor, type AccessPolicy, type Audience } from '../config/access-policy';
import type { VaultId } from '../domain/job';
import { conversationRoot } from '../domain/subscriber';
import { activityTeamId, boundedId, objectId } from './conversation';

export type Refusal = 'foreign tenant' | 'tenant mismatch' | 'no tenant' | 'malformed ids';
export type TenantVerdict = { readonly ok: true } | { readonly ok: false; readonly why: Refusal; readonly tenantId?: string };

function tenantIds(activity: Partial<Activity>): { fromConversation: unknown; fromChannelData: unknown } {
  const channelData: unknown = activity.channelData;
  const tenant: unknown =
    typeof channelData === 'object' && channelData !== null ? (channelData as { tenant?: unknown }).tenant : undefined;
  return {
    fromConversation: (activity.conversation as { tenantId?: unknown } | undefined)?.tenantId,
    fromChannelData: typeof tenant === 'object' && tenant !== null ? (tenant as { id?: unknown }).id : undefined,
  };
}

/** The activity's tenant (either field, lower case) when it names one consistently. */
export function activityTenantId(activity: Partial<Activity>): string | undefined {
  const { fromConversation, fromChannelData } = tenantIds(activity);
  return objectId(fromConversation) ?? objectId(fromChannelData);
}

/** `allowed` empty = no tenant configured (local mode): only the ids' form is checked. */
export function checkActivity(activity: Partial<Activity>, allowed: readonly string[]): TenantVerdict {
  const conversationId = (activity.conversation as { id?: unknown } | undefined)?.id;
  if (boundedId(conversationId) === undefined || (activity.from?.id !== undefined && boundedId(activity.from.id) === undefined)) {
    return { ok: false, why: 'malformed ids' };
  }
  if (allowed.length === 0) return { ok: true };
  const { fromConversation, fromChannelData } = tenantIds(activity);
  const a = fromConversation === undefined ? undefined : (objectId(fromConversation) ?? 'malformed');
  const b = fromChannelData === undefined ? undefined : (objectId(fromChannelData) ?? 'malformed');
  if (a !== undefined && b !== undefined && a !== b) return { ok: false, why: 'tenant mismatch' };
  const tenantId = a ?? b;
  if (tenantId === undefined) return { ok: false, why: 'no tenant' };
  return allowed.includes(tenantId) ? { ok: true } : { ok: false, why: 'foreign tenant', tenantId: tenantId.slice(0, 36) };
}

/** The conversation as the access policy sees it. */
export function audienceOf(activity: Partial<Activity>): Audience {
  const conversation = activity.conversation as { id?: unknown; conversationType?: unknown } | undefined;
  const id = boundedId(conversation?.id) ?? '';
  const type = conversation?.conversationType;
  const tenantId = activityTenantId(activity);
  const teamId = activityTeamId(activity);
  const userObjectId = objectId(activity.from?.aadObjectId);
  return {
    conversationId: conversationRoot(id),
    conversationType: type === 'channel' ? 'channel' : type === 'groupChat' ? 'groupChat' : 'personal',
    ...(tenantId === undefined ? {} : { tenantId }),
    ...(teamId === undefined ? {} : { teamId }),
    ...(userObjectId === undefined ? {} : { userObjectId }),
  };
}

export interface AccessOptions {
  readonly allowedTenantIds: readonly string[];
  readonly policy?: AccessPolicy;
  /** BACKUP_VAULTS. */
  readonly vaults: readonly VaultId[];
  readonly clock: Clock;
}

/** One refusal reply per conversation per window, and few overall: a foreign tenant cannot make the bot spend. */
const REPLY_WINDOW_MS = 60 * 60_000;
const MAX_REPLIES_PER_MINUTE = 20;
const REMEMBERED_CONVERSATIONS = 1000;

export class AccessGate {
  private readonly lastReply = new Map<string, number>();
  private minuteStart = 0;
  private repliesThisMinute = 0;

  constructor(private readonly opts: AccessOptions) {}

  check(activity: Partial<Activity>): TenantVerdict {
    return checkActivity(activity, this.opts.allowedTenantIds);
  }

  vaultsFor(activity: Partial<Activity>): VaultId[] {
    return vaultsFor(this.opts.policy, audienceOf(activity), this.opts.vaults);
  }

  /** Whether a refused conversation may get its one "not available" line now (and counts it). */
  mayReply(conversationId: string): boolean {
    const now = this.opts.clock.now();
    const last = this.lastReply.get(conversationId);
    if (last !== undefined && now - last < REPLY_WINDOW_MS) return false;
    if (now - this.minuteStart >= 60_000) {
      this.minuteStart = now;
      this.repliesThisMinute = 0;
    }
    if (this.repliesThisMinute >= MAX_REPLIES_PER_MINUTE) return false;
    this.repliesThisMinute++;
    this.lastReply.delete(conversationId);
    this.lastReply.set(conversationId, now);
    // A Map iterates in insertion order: the first key is the oldest reply.
    if (this.lastReply.size > REMEMBERED_CONVERSATIONS) this.lastReply.delete(this.lastReply.keys().next().value!);
    return true;
  }
}
