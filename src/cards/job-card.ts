/**
 * The progress card of one job (kept current in place) and its final form, plus the one-line
 * completion summary.
 */
import type { BackupJob, JobErrorDetail, JobTask } from '../domain/job';
import { formatAbsolute, formatDuration, formatRelative, localizeSizeText, parseTime, truncate } from './format';
import { t } from './i18n';
import {
  entityKindId,
  entityName,
  jobKeyString,
  jobStatusLabel,
  jobTypeLabel,
  operationName,
  statusColor,
  statusLabel,
  statusWord,
  vaultRefString,
  type CardColor,
} from './job-view';
import { CARD_BYTE_BUDGET, cardBytes, expandTemplate, type AdaptiveCardJson } from './render';
import template from './templates/job.json';
import { escapeMarkdown as md } from './markdown';
import { actionData } from './job-card-actions';
import type { CardContext } from './job-card-types';

export type { ActionNote, CardActionsView, CardContext, JobCardActionData } from './job-card-types';
import { estimateFacts, progressSuffix, shownTaskEstimate, taskProgressText } from './estimate-view';

interface Fact {
  readonly title: string;
  readonly value: string;
}

/** Caps that keep a card under the byte budget; halved until it fits. */
interface Limits {
  readonly tasks: number;
  readonly errors: number;
  readonly messageChars: number;
  readonly recommendations: number;
  readonly recommendationChars: number;
  readonly properties: number;
  readonly propertyChars: number;
}

const GENEROUS: Limits = {
  tasks: 40,
  errors: 10,
  messageChars: 2000,
  recommendations: 8,
  recommendationChars: 600,
  properties: 15,
  propertyChars: 300,
};

function halve(l: Limits): Limits {
  const h = (n: number, min: number): number => Math.max(min, Math.floor(n / 2));
  return {
    tasks: h(l.tasks, 3),
    errors: h(l.errors, 1),
    messageChars: h(l.messageChars, 200),
    recommendations: h(l.recommendations, 1),
    recommendationChars: h(l.recommendationChars, 120),
    properties: h(l.properties, 2),
    propertyChars: h(l.propertyChars, 60),
  };
}

function durationOf(job: BackupJob): number | undefined {
  if (job.durationMs !== undefined) return job.durationMs;
  const start = parseTime(job.startTime);
  const end = parseTime(job.endTime);
  return start !== undefined && end !== undefined ? end - start : undefined;
}

/** `estimated`: the task's estimated progress between reads, shown instead of the last read figure. */
function taskRow(task: JobTask, locale: string | undefined, maxChars: number, estimated?: number): Record<string, string> {
  const detail: string[] = [];
  if (estimated !== undefined) detail.push(taskProgressText(estimated, true, locale));
  else if (task.progressPercentage !== undefined && task.status === 'InProgress') {
    detail.push(taskProgressText(task.progressPercentage, false, locale));
  }
  if (task.durationMs !== undefined && task.durationMs > 0) detail.push(formatDuration(task.durationMs, locale));
  return {
    name: md(truncate(task.name || '—', maxChars)),
    status: md(statusLabel(task.status, locale)),
    color: statusColor(task.status),
    detail: detail.length > 0 ? detail.join(' · ') : '—',
  };
}

function errorBlock(error: JobErrorDetail, locale: string | undefined, l: Limits): Record<string, unknown> {
  const recommendations = error.recommendations
    .filter((r) => r.trim() !== '')
    .slice(0, l.recommendations)
    .map((r) => ({ text: `• ${md(truncate(r.trim(), l.recommendationChars))}` }));
  const heading = error.title?.trim() || error.code?.trim() || t(locale, 'card.error');
  return {
    heading: md(truncate(heading, l.recommendationChars)),
    hasCode: Boolean(error.code && error.code !== heading),
    code: error.code ? t(locale, 'card.errorCode', { code: truncate(error.code, 120) }) : '',
    hasMessage: Boolean(error.message?.trim()),
    message: md(truncate(error.message?.trim() ?? '', l.messageChars)),
    hasRecommendations: recommendations.length > 0,
    recommendationsHeading: t(locale, 'card.recommendations'),
    recommendations,
  };
}

function headerStyle(job: BackupJob, final: boolean): CardColor | 'emphasis' {
  if (!final) return 'emphasis';
  const color = statusColor(job.status);
  return color === 'accent' || color === 'default' ? 'emphasis' : color;
}

function buildFacts(job: BackupJob, ctx: CardContext, l: Limits, entity: string): Fact[] {
  const { locale, timeZone } = ctx;
  const facts: Fact[] = [
    { title: t(locale, entityKindId(job)), value: md(entity) },
    { title: t(locale, 'card.operation'), value: md(operationName(job, locale)) },
    { title: t(locale, 'card.jobType'), value: jobTypeLabel(job, locale) },
  ];
  if (job.workloadType) facts.push({ title: t(locale, 'card.workload'), value: md(job.workloadType) });
  facts.push({ title: t(locale, 'card.vault'), value: md(ctx.vaultLabel) });
  const start = parseTime(job.startTime);
  // Escaped although Intl wrote it: "3. 8. 2017" (cs) or "3. Aug. 2017" (de) opens an ordered list in Markdown.
  if (start !== undefined) facts.push({ title: t(locale, 'card.started'), value: md(formatAbsolute(start, locale, timeZone).label) });
  const end = parseTime(job.endTime);
  if (end !== undefined) facts.push({ title: t(locale, 'card.ended'), value: md(formatAbsolute(end, locale, timeZone).label) });
  const duration = durationOf(job);
  if (ctx.final && duration !== undefined) facts.push({ title: t(locale, 'card.duration'), value: formatDuration(duration, locale) });
  if (job.estimatedRemainingMs !== undefined && job.estimatedRemainingMs > 0 && !ctx.final) {
    const remaining = formatDuration(Math.ceil(job.estimatedRemainingMs / 60_000) * 60_000, locale);
    facts.push({ title: t(locale, 'card.remaining'), value: t(locale, 'card.remainingValue', { duration: remaining }) });
  }
  facts.push(...estimateFacts(job, ctx));
  const properties = Object.entries(job.propertyBag)
    // The VM name repeats the entity; empty values say nothing.
    .filter(([name, value]) => value.trim() !== '' && !(value === job.entityFriendlyName && /name$/i.test(name)))
    .slice(0, l.properties);
  for (const [name, value] of properties) {
    // A size Azure wrote in English ("2332 MB") reads in the locale's numbers; Intl output needs no escaping.
    const size = localizeSizeText(value, locale);
    facts.push({ title: md(truncate(name, 60)), value: size ?? md(truncate(value, l.propertyChars)) });
  }
  return facts;
}

function cardData(job: BackupJob, ctx: CardContext, l: Limits): Record<string, unknown> {
  const { locale } = ctx;
  const entity = entityName(job, locale);
  const operation = operationName(job, locale);
  const status = jobStatusLabel(job, locale);
  const start = parseTime(job.startTime);
  const running = !ctx.final;
  const progress = progressSuffix(job, ctx);
  const te = shownTaskEstimate(job, ctx);
  const tasks = job.tasks
    .slice(0, l.tasks)
    .map((task, i) => taskRow(task, locale, l.propertyChars, te?.index === i ? te.percent : undefined));
  const errors = job.errors.slice(0, l.errors).map((error) => errorBlock(error, locale, l));
  const elapsed = start !== undefined ? Math.max(0, ctx.now - start) : durationOf(job);
  const asOf = formatAbsolute(ctx.now, locale, ctx.timeZone).label;
  return {
    fallbackText: t(locale, 'card.fallback', { entity, operation, status }),
    headerStyle: headerStyle(job, ctx.final),
    title: md(entity),
    subtitle: [t(locale, entityKindId(job)), md(operation), md(ctx.vaultLabel)].join(' · '),
    statusLine: `${md(status)}${progress}`,
    statusColor: statusColor(job.status),
    hasTimeLine: running && start !== undefined,
    timeLine:
      start !== undefined
        ? t(locale, 'card.timeLine', {
            relative: formatRelative(start, ctx.now, locale),
            elapsed: formatDuration(elapsed ?? 0, locale),
          })
        : '',
    facts: buildFacts(job, ctx, l, entity),
    hasTasks: tasks.length > 0,
    tasksHeading: t(locale, 'card.tasks'),
    tasks,
    hasMoreTasks: job.tasks.length > tasks.length,
    moreTasks: t(locale, 'card.moreTasks', { count: job.tasks.length - tasks.length }),
    hasErrors: errors.length > 0,
    errorsHeading: t(locale, 'card.errors'),
    errors,
    hasMoreErrors: job.errors.length > errors.length,
    moreErrors: t(locale, 'card.moreErrors', { count: job.errors.length - errors.length }),
    asOf: t(locale, 'card.updated', { jobId: job.jobId || ctx.key.jobId, time: asOf }),
    // The first reply is the card alone (one activity, so every client returns its id): the card
    // itself says that it stays current while this conversation tracks the job.
    showTrackingNote: running && ctx.tracking,
    trackingNote: t(locale, 'card.trackingNote'),
    showRefresh: running,
    showUntrack: running && ctx.tracking,
    refreshTitle: t(locale, 'card.refresh'),
    untrackTitle: t(locale, 'card.untrack'),
    portalTitle: t(locale, 'card.openPortal'),
    portalUrl: ctx.portalUrl,
    jobKey: jobKeyString(ctx.key),
    jobId: ctx.key.jobId,
    vault: vaultRefString(ctx.key),
    ...actionData(job, ctx, entity, operation),
  };
}

/** Shrinks the caps until the card fits the byte budget (long error texts, hundreds of tasks). */
function fitted(build: (l: Limits) => AdaptiveCardJson): AdaptiveCardJson {
  let limits = GENEROUS;
  let card = build(limits);
  for (let round = 0; round < 6 && cardBytes(card) > CARD_BYTE_BUDGET; round++) {
    limits = halve(limits);
    card = build(limits);
  }
  return card;
}

/** The job's card: progress form while it runs, final form (`ctx.final`) once it ended. */
export function buildJobCard(job: BackupJob, ctx: CardContext): AdaptiveCardJson {
  return fitted((limits) => expandTemplate('job', template, cardData(job, ctx, limits)));
}

/**
 * One line for the completion notice ("testvm Backup completed after 20 min 23 s."); the bot
 * puts the requester's @mention in front of it.
 */
export function finalSummary(job: BackupJob, locale?: string): string {
  const entity = entityName(job, locale);
  const operation = operationName(job, locale);
  const status = statusWord(job, locale);
  const duration = durationOf(job);
  if (duration === undefined) return t(locale, 'summary.finalNoDuration', { entity, operation, status });
  const first = job.errors[0];
  const error = first ? first.title?.trim() || first.message?.trim() || first.code?.trim() || '' : '';
  const params = { entity, operation, status, duration: formatDuration(duration, locale) };
  if (error && (job.status === 'Failed' || job.status === 'CompletedWithWarnings')) {
    return t(locale, 'summary.finalWithError', { ...params, error: truncate(error.replace(/\s+/g, ' '), 200) });
  }
  return t(locale, 'summary.final', params);
}
