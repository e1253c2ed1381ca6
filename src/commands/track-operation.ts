/**
 * `track operation <op> [in <vault>]`: the first step of trigger → operation → jobId → job.
 * The turn answers at once; an operation still running is followed in the background on the
 * injected clock, and its job cards are posted proactively when it yields them.
 */
import { isGuid } from '../azure/ids';
import type { JobKey, OperationRef, OperationStatus, VaultId } from '../domain/job';
import { formatDuration } from '../cards/format';
import { t } from '../cards/i18n';
import { armFailureOf } from '../azure/arm-failure';
import { capText } from '../cards/messages';
import { resolveOperation, vaultLabel } from './resolve';
import { trackKeys } from './track-keys';
import type { CommandContext, CommandDefinition, ReplyPort } from './types';
import { armFailureText } from './views';

const PATTERN = /^track\s+(?:operation|op)(?:\s+(\S+))?(?:\s+in\s+(\S+))?$/i;

/** Operations usually yield their job within seconds; the backoff keeps long ones cheap. */
export const OPERATION_POLL = { firstDelayMs: 2_000, maxDelayMs: 30_000, giveUpAfterMs: 30 * 60_000 } as const;

export interface TrackOperationCommand {
  readonly kind: 'trackOperation';
  readonly operation?: string;
  readonly vault?: string;
}

export const trackOperationCommand: CommandDefinition<TrackOperationCommand> = {
  kind: 'trackOperation',
  words: ['track operation'],
  examples: [
    'track operation 3f2c9a4e-0000-4000-8000-000000000000',
    'track op 3f2c9a4e-0000-4000-8000-000000000000 in vault',
    'track operation',
  ],
  help: 'help.trackOperation',
  needsVault: true,
  manifest: {
    title: 'track operation',
    description: 'command.trackOperation',
  },
  match(text) {
    const m = PATTERN.exec(text);
    if (!m) return undefined;
    return {
      kind: 'trackOperation',
      ...(m[1] === undefined ? {} : { operation: m[1] }),
      ...(m[2] === undefined ? {} : { vault: m[2] }),
    };
  },
  async handle(cmd, ctx) {
    const { locale } = ctx;
    if (cmd.operation === undefined) {
      await ctx.reply.text(t(locale, 'help.trackOperation'));
      return;
    }
    const resolved = resolveOperation(cmd.operation, cmd.vault, ctx.allowList, locale);
    if (!resolved.ok) {
      await ctx.reply.text(resolved.message);
      return;
    }
    const { vault, ref } = resolved.value;
    let status: OperationStatus;
    try {
      status = (await ctx.api.getOperationStatus(vault, ref)).value;
    } catch (err) {
      const failure = armFailureOf(err);
      if (!failure) throw err;
      if (failure.kind !== 'transient' && failure.kind !== 'throttled') {
        await ctx.reply.text(armFailureText(failure, { vault, operationId: ref.operationId }, locale));
        return;
      }
      // Azure may heal: follow the operation as if it were pending (follow() retries these).
      await startFollower('operation.unreachable', vault, ref, ctx);
      return;
    }
    if (status.state !== 'InProgress') {
      await settle(status, vault, ctx, ctx.reply);
      return;
    }
    await startFollower('operation.pending', vault, ref, ctx);
  },
};

/** Follows in the background when the follower caps allow; else says which cap refused it. */
async function startFollower(
  said: 'operation.pending' | 'operation.unreachable',
  vault: VaultId,
  ref: OperationRef,
  ctx: CommandContext,
): Promise<void> {
  const slot = ctx.tracker.admitFollower(ctx.conversationId);
  if (!slot.ok) {
    ctx.logger.info({ operationId: ref.operationId, cap: slot.cap, limit: slot.limit }, 'operation follower refused by a cap');
    await ctx.reply.text(capText(slot.cap, { limit: slot.limit, operationId: ref.operationId }, ctx.locale));
    return;
  }
  try {
    await ctx.reply.text(t(ctx.locale, said, { operationId: ref.operationId, vault: vaultLabel(vault) }));
  } catch (err) {
    slot.release();
    throw err;
  }
  ctx.background(`operation ${ref.operationId}`, async (signal) => {
    try {
      await follow(vault, ref, ctx, signal);
    } finally {
      slot.release();
    }
  });
}

async function follow(vault: VaultId, ref: OperationRef, ctx: CommandContext, signal: AbortSignal): Promise<void> {
  const started = ctx.clock.now();
  let delay: number = OPERATION_POLL.firstDelayMs;
  while (ctx.clock.now() - started < OPERATION_POLL.giveUpAfterMs) {
    await ctx.clock.sleep(delay, signal);
    delay = Math.min(delay * 2, OPERATION_POLL.maxDelayMs);
    let status: OperationStatus;
    try {
      status = (await ctx.api.getOperationStatus(vault, ref, { signal })).value;
    } catch (err) {
      const failure = armFailureOf(err);
      if (!failure) throw err;
      if (failure.kind === 'transient' || failure.kind === 'throttled') {
        delay = Math.max(delay, failure.retryAfterMs ?? 0);
        continue;
      }
      await ctx.later.text(armFailureText(failure, { vault, operationId: ref.operationId }, ctx.locale));
      return;
    }
    if (status.state !== 'InProgress') {
      await settle(status, vault, ctx, ctx.later);
      return;
    }
  }
  const waited = formatDuration(ctx.clock.now() - started, ctx.locale);
  await ctx.later.text(t(ctx.locale, 'operation.timedOut', { operationId: ref.operationId, vault: vaultLabel(vault), duration: waited }));
}

async function settle(status: OperationStatus, vault: VaultId, ctx: CommandContext, port: ReplyPort): Promise<void> {
  const { locale } = ctx;
  const params = { operationId: status.operationId, vault: vaultLabel(vault) };
  if (status.state === 'Failed') {
    const detail = [status.error?.code, status.error?.message].filter(Boolean).join(': ');
    await port.text(
      detail ? t(locale, 'operation.failed', { ...params, error: detail.slice(0, 500) }) : t(locale, 'operation.failedNoDetail', params),
    );
    return;
  }
  if (status.state === 'Canceled') {
    await port.text(t(locale, 'operation.cancelled', params));
    return;
  }
  // Job ids come from Azure's body: only GUIDs may become keys (and URLs).
  const keys: JobKey[] = [...new Set(status.jobIds.filter(isGuid).map((id) => id.toLowerCase()))].map((jobId) => ({ vault, jobId }));
  if (keys.length === 0) {
    await port.text(t(locale, 'operation.yieldedNone', params));
    return;
  }
  await port.text(
    keys.length === 1
      ? t(locale, 'operation.yieldedOne', { ...params, jobId: keys[0].jobId })
      : t(locale, 'operation.yieldedMany', { ...params, count: keys.length }),
  );
  await trackKeys(keys, ctx, port);
}
