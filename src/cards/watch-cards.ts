/** What a watch posts: the roll-up card of a burst, and the one-line text beside a job's card. */
import type { BackupJob } from '../domain/job';
import type { WatchRollupEntry } from '../domain/subscriber';
import type { WatchEvent } from '../domain/watch';
import { formatRelative, parseTime, truncate } from './format';
import { t } from './i18n';
import { finalSummary } from './job-card';
import { entityName, operationName } from './job-view';
import { renderRows, type ListCardContext } from './list-cards';
import type { AdaptiveCardJson } from './render';
import { escapeMarkdown as md } from './markdown';

const COLORS: Readonly<Record<string, string>> = {
  Failed: 'attention',
  CompletedWithWarnings: 'warning',
  Cancelled: 'default',
  Completed: 'good',
};

/** One card for a burst: every job listed (up to the card's room), with its error code, the rest counted. */
export function buildWatchRollupCard(
  jobs: readonly WatchRollupEntry[],
  more: number,
  event: WatchEvent,
  ctx: ListCardContext & { readonly vaultLabel: string },
): AdaptiveCardJson {
  const { locale } = ctx;
  const rows = jobs.map((j) => {
    const end = parseTime(j.endTime);
    return {
      entity: md(truncate(j.entity, 120)),
      detail: [md(j.operation), j.errorCode !== undefined ? md(j.errorCode) : '', md(j.jobId)].filter((p) => p !== '').join(' · '),
      status: md(j.status),
      color: COLORS[j.status] ?? 'default',
      when: end !== undefined ? formatRelative(end, ctx.now, locale) : '—',
    };
  });
  const total = jobs.length + more;
  return renderRows(rows, {
    title: t(locale, event === 'started' ? 'watch.rollup.startedTitle' : 'watch.rollup.endedTitle', {
      count: total,
      vault: ctx.vaultLabel,
    }),
    subtitle: t(locale, 'watch.rollup.subtitle'),
    emptyText: '',
    hint: t(locale, 'watch.rollup.hint'),
    // Rows the card had no room for, and those the watcher did not list: both are counted.
    moreText: (hidden) => t(locale, 'watch.rollup.more', { count: hidden + more }),
    extraHidden: more,
  });
}

/** The text beside a watched job's card: what happened, in which vault. */
export function watchJobText(job: BackupJob, event: WatchEvent, vaultLabel: string, locale: string | undefined): string {
  if (event === 'started') {
    return t(locale, 'watch.started', { entity: entityName(job, locale), operation: operationName(job, locale), vault: vaultLabel });
  }
  return t(locale, 'watch.ended', { vault: vaultLabel, summary: finalSummary(job, locale) });
}
