/**
 * How a job's fields read to a user: labels, colours and keys shared by every card and reply.
 */
import type { BackupJob, JobKey, JobStatus } from '../domain/job';
import { t, type MessageId } from './i18n';

/** Adaptive Card colour names (TextBlock `color`, Container `style` where they overlap). */
export type CardColor = 'default' | 'good' | 'attention' | 'warning' | 'accent';

/** Canonical key of a job, as the store uses it (one definition, in the Azure layer). */
export { jobKeyString } from '../azure/ids';

/** `resourceGroup/vaultName`, the vault form users type and buttons carry. */
export function vaultRefString(key: JobKey): string {
  return `${key.vault.resourceGroup}/${key.vault.vaultName}`;
}

const STATUS_COLORS: Readonly<Record<string, CardColor>> = {
  InProgress: 'accent',
  Cancelling: 'warning',
  Completed: 'good',
  CompletedWithWarnings: 'warning',
  Failed: 'attention',
  Cancelled: 'warning',
  Invalid: 'attention',
  NotStarted: 'default',
};

/** Colour of a job or task status; unknown strings stay neutral. */
export function statusColor(status: string): CardColor {
  return STATUS_COLORS[status] ?? 'default';
}

const STATUS_IDS: Readonly<Record<string, MessageId>> = {
  InProgress: 'status.InProgress',
  Cancelling: 'status.Cancelling',
  Completed: 'status.Completed',
  CompletedWithWarnings: 'status.CompletedWithWarnings',
  Failed: 'status.Failed',
  Cancelled: 'status.Cancelled',
  Invalid: 'status.Invalid',
  NotStarted: 'status.NotStarted',
};

/** "In progress", "Completed with warnings"; a status we do not know is shown as Azure sent it. */
export function statusLabel(status: string, locale?: string, raw?: string): string {
  const id = STATUS_IDS[status];
  if (id) return t(locale, id);
  const shown = raw ?? status;
  return shown && shown !== 'Unknown' ? shown : t(locale, 'status.Unknown');
}

export function jobStatusLabel(job: BackupJob, locale?: string): string {
  return statusLabel(job.status, locale, job.rawStatus);
}

const STATUS_WORD_IDS: Readonly<Record<JobStatus, MessageId>> = {
  InProgress: 'statusWord.InProgress',
  Cancelling: 'statusWord.Cancelling',
  Completed: 'statusWord.Completed',
  CompletedWithWarnings: 'statusWord.CompletedWithWarnings',
  Failed: 'statusWord.Failed',
  Cancelled: 'statusWord.Cancelled',
  Invalid: 'statusWord.Invalid',
  Unknown: 'statusWord.Unknown',
};

/** The status as it reads inside a sentence: "completed", "was cancelled". */
export function statusWord(job: BackupJob, locale?: string): string {
  return t(locale, STATUS_WORD_IDS[job.status], { raw: job.rawStatus || job.status });
}

export function jobTypeLabel(job: BackupJob, locale?: string): string {
  if (job.jobType === 'Unknown') return t(locale, 'jobType.Unknown', { raw: job.rawJobType || 'Unknown' });
  return t(locale, `jobType.${job.jobType}`);
}

/** What kind of thing the entity is: one definition, from exact enum values. */
export { entityKindId } from './entity-kind';

export function entityName(job: BackupJob, locale?: string): string {
  return job.entityFriendlyName?.trim() || t(locale, 'card.unknownEntity');
}

export function operationName(job: BackupJob, locale?: string): string {
  return job.operation?.trim() || t(locale, 'card.unknownOperation');
}
