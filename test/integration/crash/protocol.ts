/**
 * What the crash test's parent and its child processes tell each other: the environment a child
 * starts with, the lines it writes on stdout, and the notice it POSTs to the recording connector.
 */

/** One job the first child tracks, and the conversations that follow it. */
export interface PlannedJob {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly vaultName: string;
  readonly jobId: string;
  readonly conversations: readonly string[];
}

/** Environment keys of the child (all required except CRASH_PLAN and CRASH_LOG_LEVEL). */
export const ENV = {
  simUrl: 'CRASH_SIM_URL',
  connectorUrl: 'CRASH_CONNECTOR_URL',
  db: 'CRASH_DB',
  speed: 'CRASH_SPEED',
  /** Real epoch ms at which the simulator's clock read CRASH_SIM_START. */
  realStart: 'CRASH_REAL_START',
  simStart: 'CRASH_SIM_START',
  generation: 'CRASH_GENERATION',
  pollIntervalMs: 'CRASH_POLL_INTERVAL_MS',
  /** Path of a JSON PlannedJob[]; only the first child gets it and tracks those jobs. */
  plan: 'CRASH_PLAN',
  logLevel: 'CRASH_LOG_LEVEL',
} as const;

/**
 * Child stdout lines, written synchronously so a line written before a SIGKILL is never lost:
 *   READY                          store open, loops running
 *   SUB <jobId> <conversationId>   the first child subscribed this conversation
 *   SKIP <jobId> <conversationId> <why>
 *   TRACKED                        the first child finished tracking
 *   DONE <deliveryNo>              the delivery with this number is committed as sent (completeMessage returned)
 */
export type ChildLine =
  | { readonly type: 'READY' }
  | { readonly type: 'SUB'; readonly jobId: string; readonly conversationId: string }
  | { readonly type: 'SKIP'; readonly jobId: string; readonly conversationId: string; readonly why: string }
  | { readonly type: 'TRACKED' }
  | { readonly type: 'DONE'; readonly deliveryNo: number };

export function parseChildLine(line: string): ChildLine | undefined {
  const [type, a, b, ...rest] = line.trim().split(' ');
  if (type === 'READY' || type === 'TRACKED') return { type };
  if (type === 'SUB' && a && b) return { type, jobId: a, conversationId: b };
  if (type === 'SKIP' && a && b) return { type, jobId: a, conversationId: b, why: rest.join(' ') };
  if (type === 'DONE' && a && /^\d+$/.test(a)) return { type, deliveryNo: Number(a) };
  return undefined;
}

/** The body of POST /notices: one Notifier delivery, as a user would see it. */
export interface NoticeBody {
  readonly generation: number;
  /** Per-child delivery counter, matched against DONE lines. */
  readonly deliveryNo: number;
  readonly kind: 'card' | 'final' | 'notice';
  readonly conversationId: string;
  readonly jobId: string;
  /** Job status shown (card and final). */
  readonly status?: string;
  /** Notice kind (notFound, stillTrying, …) for kind 'notice'. */
  readonly notice?: string;
  /** The card being replaced, when one was posted before. */
  readonly cardActivityId?: string;
}

export function isNoticeBody(v: unknown): v is NoticeBody {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    Number.isInteger(o['generation']) &&
    Number.isInteger(o['deliveryNo']) &&
    (o['kind'] === 'card' || o['kind'] === 'final' || o['kind'] === 'notice') &&
    typeof o['conversationId'] === 'string' &&
    typeof o['jobId'] === 'string'
  );
}
