/** Cards and error answers shared by several commands (and the proactive notifier). */
import { isTerminal, type ArmErrorKind, type BackupJob, type JobKey, type VaultId } from '../domain/job';
import { portalJobUrl } from '../azure/urls';
import { armErrorText } from '../cards/messages';
import { buildJobCard, type CardActionsView } from '../cards/job-card';
import type { AdaptiveCardJson } from '../cards/render';
import { vaultLabel } from './resolve';
import type { EtaBasis } from '../domain/durations';

export interface JobCardOptions {
  readonly locale: string | undefined;
  readonly timeZone: string | undefined;
  readonly now: number;
  readonly portalUrl: string;
  /** Whether this conversation still tracks the job (shows the Stop tracking button). */
  readonly tracking: boolean;
  /** Action buttons and note (JobActions.view); absent: none. */
  readonly actions?: CardActionsView;
  /** What the expected end is estimated from; absent: no estimate. */
  readonly eta?: EtaBasis;
}

export function jobCard(job: BackupJob, key: JobKey, opts: JobCardOptions): AdaptiveCardJson {
  const final = isTerminal(job.status);
  return buildJobCard(job, {
    key,
    locale: opts.locale,
    timeZone: opts.timeZone,
    now: opts.now,
    vaultLabel: vaultLabel(key.vault),
    portalUrl: portalJobUrl(key, opts.portalUrl),
    final,
    tracking: opts.tracking && !final,
    ...(opts.actions ? { actions: opts.actions } : {}),
    ...(opts.eta ? { eta: opts.eta } : {}),
  });
}

export interface ArmFailure {
  readonly kind: ArmErrorKind;
  readonly message?: string;
  readonly requiredRole?: string;
  readonly retryAfterMs?: number;
}

/** The answer for an Azure error, naming what the user can do about it. */
export function armFailureText(
  failure: ArmFailure,
  target: { readonly vault: VaultId; readonly jobId?: string; readonly operationId?: string },
  locale: string | undefined,
): string {
  return armErrorText(
    failure.kind,
    {
      vault: vaultLabel(target.vault),
      ...(target.jobId === undefined ? {} : { jobId: target.jobId }),
      ...(target.operationId === undefined ? {} : { operationId: target.operationId }),
      ...(failure.requiredRole === undefined ? {} : { role: failure.requiredRole }),
      ...(failure.message === undefined ? {} : { message: failure.message.slice(0, 300) }),
      ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
    },
    locale,
  );
}
