/**
 * Redis replies to store records. Scripts return hashes as flat [field, value, …] arrays and
 * missing values as null; these functions turn them into the exact shapes the other backends
 * return (the conformance suite compares them deeply).
 */
import type { BackupJob, VaultId } from '../../domain/job';
import type { EndReason, Subscriber, SubscriberInput } from '../../domain/subscriber';
import { subscriberFromInput } from '../records';
import type { TrackedJobRecord } from '../types';

export type Reply = string | number | null | Reply[];

export function flatToObject(flat: readonly Reply[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = String(flat[i + 1]);
  return out;
}

export function toJob(jobKey: string, h: Record<string, string>): TrackedJobRecord {
  return {
    jobKey,
    vault: JSON.parse(must(h, 'vault')) as VaultId,
    jobId: must(h, 'jobId'),
    createdAt: Number(must(h, 'createdAt')),
    state: must(h, 'state') === 'ended' ? 'ended' : 'active',
    ...(h['endReason'] !== undefined ? { endReason: h['endReason'] as EndReason } : {}),
    ...(h['lastJob'] !== undefined ? { lastJob: JSON.parse(h['lastJob']) as BackupJob } : {}),
    nextPollAt: Number(must(h, 'nextPollAt')),
    schedule: JSON.parse(must(h, 'schedule')) as Record<string, unknown>,
    ...(h['leaseOwner'] !== undefined ? { leaseOwner: h['leaseOwner'] } : {}),
    ...(h['leaseUntil'] !== undefined ? { leaseUntil: Number(h['leaseUntil']) } : {}),
  };
}

/**
 * A subscriber from its stored parts: the input JSON, createdAt, card id, digest and team id. The team
 * id comes from its own field (the one the team index follows), not from the input JSON: a re-subscription
 * without a team id keeps the stored one.
 */
export function toSub(jobKey: string, input: Reply, createdAt: Reply, cardId: Reply, cardDigest: Reply, teamId: Reply = null): Subscriber {
  const i = JSON.parse(String(input)) as SubscriberInput;
  return subscriberFromInput(jobKey, i, {
    teamId: teamId === null ? null : String(teamId),
    createdAt: Number(createdAt),
    cardActivityId: cardId === null ? null : String(cardId),
    cardDigest: cardDigest === null ? null : String(cardDigest),
  });
}

export function asArray(reply: unknown): Reply[] {
  if (!Array.isArray(reply)) throw new Error('redis state store: unexpected reply from a script');
  return reply as Reply[];
}

function must(h: Record<string, string>, field: string): string {
  const v = h[field];
  // Only a foreign writer under our key prefix could cause this; fail loudly rather than guess.
  if (v === undefined) throw new Error(`redis state store: job record lacks ${field}`);
  return v;
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Epoch ms as an integer string (Lua would print a large number in exponent form). */
export function ms(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`redis state store: not a time: ${n}`);
  return Math.round(n).toFixed(0);
}
