/**
 * Cards that list many jobs: a vault's jobs of the last 24 hours, and the jobs a conversation
 * tracks. Rows are capped so the card stays under the byte budget; the rest is counted.
 */
import type { BackupJob } from '../domain/job';
import type { TrackedEntry } from '../tracker/ports';
import { formatDuration, formatRelative, parseTime, truncate } from './format';
import { t } from './i18n';
import { entityName, jobStatusLabel, operationName, statusColor } from './job-view';
import { CARD_BYTE_BUDGET, cardBytes, expandTemplate, type AdaptiveCardJson } from './render';
import template from './templates/job-list.json';
import { escapeMarkdown as md } from './markdown';

export type JobsFilter = 'running' | 'failed' | 'all';

export interface ListCardContext {
  readonly locale?: string;
  readonly timeZone?: string;
  /** Epoch ms the card is rendered at (injected clock). */
  readonly now: number;
}

export interface JobsListCardContext extends ListCardContext {
  /** How the vault is named to users, e.g. `rg-backup/vault-prod`. */
  readonly vaultLabel: string;
  readonly filter: JobsFilter;
}

export interface Row {
  readonly entity: string;
  readonly detail: string;
  readonly status: string;
  readonly color: string;
  readonly when: string;
}

/** First guess for how many rows fit; the size check below has the last word. */
const MAX_ROWS = 50;

/** `extra` is shown as given: Markdown-safe already (catalog text, or escaped by the caller). */
function jobRow(job: BackupJob, ctx: ListCardContext, extra: readonly string[]): Row {
  const { locale } = ctx;
  const start = parseTime(job.startTime);
  const parts = [md(operationName(job, locale)), ...extra, md(job.jobId)];
  if (job.endTime !== undefined && job.durationMs !== undefined) parts.splice(1, 0, formatDuration(job.durationMs, locale));
  return {
    entity: md(truncate(entityName(job, locale), 120)),
    detail: parts.filter((p) => p !== '').join(' · '),
    status: md(jobStatusLabel(job, locale)),
    color: statusColor(job.status),
    when: start !== undefined ? formatRelative(start, ctx.now, locale) : '—',
  };
}

export interface ListData {
  readonly title: string;
  readonly subtitle: string;
  readonly emptyText: string;
  readonly hint: string;
  readonly moreText: (hidden: number) => string;
  /** Rows the caller left out before (a roll-up's jobs beyond its list): the "more" line shows even when every row fits. */
  readonly extraHidden?: number;
}

/** Renders as many rows as fit, newest first as given, and says how many were left out. */
export function renderRows(rows: readonly Row[], data: ListData): AdaptiveCardJson {
  const build = (shown: number): AdaptiveCardJson => {
    const hasMore = rows.length > shown || (data.extraHidden ?? 0) > 0;
    return expandTemplate('job-list', template, {
      fallbackText: `${data.title}: ${data.subtitle}`,
      title: data.title,
      subtitle: data.subtitle,
      isEmpty: rows.length === 0,
      emptyText: data.emptyText,
      rows: rows.slice(0, shown),
      hasMore,
      // Shown only under `$when: hasMore`: not formatted (an ICU plural) for the card that has no such line.
      moreText: hasMore ? data.moreText(rows.length - shown) : '',
      hasHint: rows.length > 0 && data.hint !== '',
      hint: data.hint,
    });
  };
  let shown = Math.min(rows.length, MAX_ROWS);
  let card = build(shown);
  while (shown > 0 && cardBytes(card) > CARD_BYTE_BUDGET) {
    shown = Math.floor(((shown * CARD_BYTE_BUDGET) / cardBytes(card)) * 0.95);
    card = build(shown);
  }
  return card;
}

const FILTER_IDS = { running: 'jobs.filter.running', failed: 'jobs.filter.failed', all: 'jobs.filter.all' } as const;

/** The vault's jobs of the last 24 hours (already fetched and filtered by the caller), newest first. */
export function buildJobsListCard(jobs: readonly BackupJob[], ctx: JobsListCardContext): AdaptiveCardJson {
  const { locale } = ctx;
  const sorted = [...jobs].sort((a, b) => (parseTime(b.startTime) ?? 0) - (parseTime(a.startTime) ?? 0));
  return renderRows(
    sorted.map((job) => jobRow(job, ctx, [])),
    {
      title: t(locale, 'jobs.title', { vault: ctx.vaultLabel }),
      subtitle: t(locale, 'jobs.subtitle', { filter: t(locale, FILTER_IDS[ctx.filter]) }),
      emptyText: t(locale, 'jobs.empty', { vault: ctx.vaultLabel }),
      hint: t(locale, 'jobs.trackHint'),
      moreText: (count) => t(locale, 'jobs.more', { count }),
    },
  );
}

/** The jobs this conversation tracks, with their last known status. */
export function buildTrackingListCard(entries: readonly TrackedEntry[], ctx: ListCardContext): AdaptiveCardJson {
  const { locale } = ctx;
  const rows = entries.map((entry): Row => {
    const vault = md(`${entry.key.vault.resourceGroup}/${entry.key.vault.vaultName}`);
    const requester = t(locale, 'tracking.requestedBy', { name: entry.subscriber.requester.name || entry.subscriber.requester.id });
    if (entry.lastJob) return jobRow(entry.lastJob, ctx, [vault, requester]);
    return {
      entity: md(entry.key.jobId),
      detail: [vault, requester].join(' · '),
      status: t(locale, 'status.Unknown'),
      color: 'default',
      when: t(locale, 'tracking.noStatusYet'),
    };
  });
  return renderRows(rows, {
    title: t(locale, 'tracking.title'),
    subtitle: t(locale, 'tracking.count', { count: entries.length }),
    emptyText: t(locale, 'tracking.empty'),
    hint: '',
    moreText: (count) => t(locale, 'tracking.more', { count }),
  });
}
