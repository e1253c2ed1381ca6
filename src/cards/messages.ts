/**
 * Plain-text replies that need more than one catalog lookup: notices, error answers and the
 * outcome of following an operation.
 */
import type { ArmErrorKind } from '../domain/job';
import type { NoticeKind } from '../domain/subscriber';
import type { CapKind } from '../domain/limits';
import { formatDuration } from './format';
import { t } from './i18n';

/** The role the bot's identity needs to read jobs, when Azure did not name one. */
export const DEFAULT_REQUIRED_ROLE = 'Backup Reader';
const DEFAULT_EXPIRY_MS = 7 * 24 * 3600_000;
const DEFAULT_PENDING_MS = 10 * 60_000;

export interface NoticeParams {
  readonly jobId: string;
  /** How the vault is named to users. */
  readonly vault: string;
  /** From the tracker: the missing role (forbidden) or a duration in ms or words (stillTrying, expired). */
  readonly detail?: string;
}

/** A detail that is a number of milliseconds reads as a duration; anything else is shown as is. */
function durationDetail(detail: string | undefined, fallbackMs: number, locale?: string): string {
  if (detail === undefined || detail.trim() === '') return formatDuration(fallbackMs, locale);
  return /^\d+$/.test(detail.trim()) ? formatDuration(Number(detail), locale) : detail;
}

export function noticeText(kind: NoticeKind, params: NoticeParams, locale?: string): string {
  const { jobId, vault, detail } = params;
  switch (kind) {
    case 'notFound':
      return t(locale, 'notice.notFound', { jobId, vault });
    case 'forbidden':
      return t(locale, 'notice.forbidden', { jobId, vault, role: detail?.trim() || DEFAULT_REQUIRED_ROLE });
    case 'stillTrying':
      return t(locale, 'notice.stillTrying', { jobId, vault, duration: durationDetail(detail, 0, locale) });
    case 'recovered':
      return t(locale, 'notice.recovered', { jobId, vault });
    case 'expired':
      return t(locale, 'notice.expired', { jobId, vault, duration: durationDetail(detail, DEFAULT_EXPIRY_MS, locale) });
    case 'unconfirmed':
      return t(locale, 'notice.unconfirmed', { jobId, vault, duration: durationDetail(detail, DEFAULT_PENDING_MS, locale) });
  }
}

export interface ArmErrorParams {
  readonly vault: string;
  readonly jobId?: string;
  readonly operationId?: string;
  /** Role the identity lacks, when known. */
  readonly role?: string;
  /** Azure's own message (bad request). */
  readonly message?: string;
  /** How long a throttled user should wait (the read budget's wait or Azure's Retry-After); 30 s when unknown. */
  readonly retryAfterMs?: number;
}

/** The answer to a command that failed with an Azure error of this kind. */
export function armErrorText(kind: ArmErrorKind, params: ArmErrorParams, locale?: string): string {
  const { vault } = params;
  switch (kind) {
    case 'throttled':
      // Rounded up to whole seconds: a user who waits what we say must not be refused again.
      return t(locale, 'error.throttled', {
        wait: formatDuration(Math.max(1, Math.ceil((params.retryAfterMs ?? 30_000) / 1000)) * 1000, locale),
      });
    case 'transient':
      return t(locale, 'error.unreachable');
    case 'notFound':
      return params.operationId !== undefined && params.jobId === undefined
        ? t(locale, 'error.operationNotFound', { operationId: params.operationId, vault })
        : t(locale, 'error.jobNotFound', { jobId: params.jobId ?? '', vault });
    case 'forbidden':
      return t(locale, 'error.forbidden', { vault, role: params.role?.trim() || DEFAULT_REQUIRED_ROLE });
    case 'unauthorized':
      return t(locale, 'error.unauthorized');
    case 'badRequest':
      return t(locale, 'error.badRequest', { message: params.message?.trim() || kind });
    case 'malformed':
      return t(locale, 'error.internal');
  }
}

/** The answer to a request refused by a limit (src/domain/limits.ts): which one, and its number. */
export function capText(
  cap: CapKind,
  params: { readonly limit: number; readonly jobId?: string; readonly operationId?: string },
  locale?: string,
): string {
  const { limit } = params;
  const jobId = params.jobId ?? '';
  const operationId = params.operationId ?? '';
  switch (cap) {
    case 'jobsPerConversation':
      return t(locale, 'cap.jobsPerConversation', { jobId, limit });
    case 'jobsTotal':
      return t(locale, 'cap.jobsTotal', { jobId, limit });
    case 'pendingPerConversation':
      return t(locale, 'cap.pendingPerConversation', { jobId, limit });
    case 'followersPerConversation':
      return t(locale, 'cap.followersPerConversation', { operationId, limit });
    case 'followersTotal':
      return t(locale, 'cap.followersTotal', { operationId, limit });
  }
}
