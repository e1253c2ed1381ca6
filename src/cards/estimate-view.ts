/**
 * The job card's estimate from past runs: "Expected end ~21:40 (usually 25–32 min, from 12 past
 * runs)", or "Running longer than usual (…)", and the estimated progress on the status line,
 * marked as estimated. Shown only while the job runs and Azure gives no estimatedRemainingDuration
 * of its own (Azure's wins: it knows this run).
 */
import type { EtaBasis } from '../domain/durations';
import type { BackupJob } from '../domain/job';
import { estimate, type JobEstimate } from '../tracker/estimate';
import { taskEstimateOf, type TaskEstimate } from '../tracker/task-estimate';
import { formatAbsolute, formatDuration, formatPercent, parseTime } from './format';
import { t } from './i18n';
import { escapeMarkdown as md } from './markdown';

export interface EstimateContext {
  readonly locale?: string;
  readonly timeZone?: string;
  readonly now: number;
  readonly final: boolean;
  readonly eta?: EtaBasis;
}

/** The estimate to show, or undefined (ended, no basis, no start time, or Azure gave its own). */
export function shownEstimate(job: BackupJob, ctx: EstimateContext): JobEstimate | undefined {
  if (ctx.final || !ctx.eta) return undefined;
  if (job.estimatedRemainingMs !== undefined && job.estimatedRemainingMs > 0) return undefined;
  const start = parseTime(job.startTime);
  return start === undefined ? undefined : estimate(ctx.eta, start, ctx.now);
}

/** Whole minutes (at least one): the range reads "25 min–32 min", not seconds. */
function minutes(ms: number, locale: string | undefined): string {
  return formatDuration(Math.max(1, Math.round(ms / 60_000)) * 60_000, locale);
}

/** The "Expected end" fact, or none. */
export function estimateFacts(job: BackupJob, ctx: EstimateContext): Array<{ title: string; value: string }> {
  const e = shownEstimate(job, ctx);
  if (!e) return [];
  const { locale } = ctx;
  const params = { low: minutes(e.lowMs, locale), high: minutes(e.highMs, locale), runs: e.runs };
  const value = e.overrun
    ? t(locale, 'card.longerThanUsual', params)
    : // Escaped although Intl wrote it: "23. 11. 2026" opens an ordered list in Markdown.
      t(locale, 'card.expectedEndValue', { ...params, time: md(formatAbsolute(e.expectedEndAt, locale, ctx.timeZone).label) });
  return [{ title: t(locale, 'card.expectedEnd'), value }];
}

/** The status line's progress: Azure's when it gives one, else the estimated one (marked), else nothing. */
export function progressSuffix(job: BackupJob, ctx: EstimateContext): string {
  if (ctx.final) return '';
  if (job.progressPercentage !== undefined) return ` · ${formatPercent(job.progressPercentage, ctx.locale)}`;
  const e = shownEstimate(job, ctx);
  return e?.progress !== undefined
    ? ` · ${t(ctx.locale, 'card.estimatedProgress', { percent: formatPercent(e.progress, ctx.locale) })}`
    : '';
}

/**
 * The estimated progress of the running task between detail reads (tracker/task-estimate.ts), or
 * undefined: ended, no basis, or nothing above Azure's last figure (which the row then shows).
 */
export function shownTaskEstimate(job: BackupJob, ctx: EstimateContext): TaskEstimate | undefined {
  return ctx.final ? undefined : taskEstimateOf(job, ctx.eta, ctx.now);
}

/** A task row's progress: the estimate (marked) for the estimated task, else Azure's figure. */
export function taskProgressText(percent: number, estimated: boolean, locale: string | undefined): string {
  const figure = formatPercent(percent, locale);
  return estimated ? t(locale, 'card.estimatedProgress', { percent: figure }) : figure;
}
