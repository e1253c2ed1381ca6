/** The daily digest card: per vault, the last 24 hours in counts, rate, problems, long and running jobs, overdue items. */
import type { DigestJobLine, VaultDigest } from '../domain/digest';
import { formatAbsolute, formatDuration, formatNumber, formatPercent, formatRelative, parseTime, truncate } from './format';
import { t } from './i18n';
import { statusLabel } from './job-view';
import { escapeMarkdown as md } from './markdown';
import { CARD_BYTE_BUDGET, cardBytes, expandTemplate, type AdaptiveCardJson } from './render';
import template from './templates/digest.json';

export interface DigestCardContext {
  readonly locale?: string;
  readonly timeZone?: string;
  readonly now: number;
}

const STATUS_ORDER = ['Completed', 'CompletedWithWarnings', 'Failed', 'Cancelled', 'InProgress'];

function jobLine(l: DigestJobLine, ctx: DigestCardContext, withError: boolean): string {
  const parts = [`**${md(truncate(l.entity, 80))}**`, md(l.operation)];
  if (withError && l.errorCode !== undefined) parts.push(md(l.errorCode));
  if (withError && l.reason !== undefined) parts.push(md(l.reason));
  if (!withError && l.durationMs !== undefined) parts.push(formatDuration(l.durationMs, ctx.locale));
  return parts.filter((p) => p !== '').join(' · ');
}

function runningLine(l: DigestJobLine, ctx: DigestCardContext): string {
  const start = parseTime(l.startTime);
  const since = start !== undefined ? t(ctx.locale, 'digest.runningSince', { relative: formatRelative(start, ctx.now, ctx.locale) }) : '';
  return [`**${md(truncate(l.entity, 80))}**`, md(l.operation), since].filter((p) => p !== '').join(' · ');
}

function vaultSection(v: VaultDigest, ctx: DigestCardContext, max: number) {
  const { locale } = ctx;
  const name = md(`${v.vault.resourceGroup}/${v.vault.vaultName}`);
  if (v.unavailable !== undefined) {
    return {
      name,
      hasNote: true,
      note: t(locale, 'digest.unavailable', { reason: v.unavailable }),
      rate: '',
      hasCounts: false,
      counts: [],
      sections: [],
    };
  }
  const total = Object.values(v.counts).reduce((s, n) => s + n, 0);
  const counts = [...STATUS_ORDER, ...Object.keys(v.counts).filter((k) => !STATUS_ORDER.includes(k))]
    .filter((s) => (v.counts[s] ?? 0) > 0)
    .map((s) => ({ label: statusLabel(s, locale), value: formatNumber(v.counts[s] ?? 0, locale) }));
  let rate = t(locale, 'digest.noJobs');
  if (total > 0 && v.successRate === undefined) rate = t(locale, 'digest.noneEnded', { count: total });
  if (v.successRate !== undefined) {
    const params = { count: total, rate: formatPercent(v.successRate, locale) };
    rate =
      v.previousSuccessRate === undefined
        ? t(locale, 'digest.rate', params)
        : t(locale, 'digest.rateVsPrevious', { ...params, previous: formatPercent(v.previousSuccessRate, locale) });
  }
  const sections: Array<{ heading: string; lines: string[] }> = [];
  const more = (shown: number, all: number): string[] => (all > shown ? [t(locale, 'digest.more', { count: all - shown })] : []);
  const problems = v.problems.slice(0, max);
  if (problems.length > 0) {
    sections.push({
      heading: t(locale, 'digest.problems', { count: v.problemCount }),
      lines: [
        ...problems.map((l) => `${statusLabel(l.status, locale)}: ${jobLine(l, ctx, true)}`),
        ...more(problems.length, v.problemCount),
      ],
    });
  }
  if (v.longest.length > 0)
    sections.push({ heading: t(locale, 'digest.longest'), lines: v.longest.slice(0, max).map((l) => jobLine(l, ctx, false)) });
  const running = v.running.slice(0, max);
  if (running.length > 0) {
    sections.push({
      heading: t(locale, 'digest.running', { count: v.runningCount }),
      lines: [...running.map((l) => runningLine(l, ctx)), ...more(running.length, v.runningCount)],
    });
  }
  if (v.overdue.length > 0) {
    sections.push({
      heading: t(locale, 'digest.overdue'),
      lines: v.overdue.slice(0, max).map((o) => {
        const last = parseTime(o.lastSuccess);
        return t(locale, last === undefined ? 'digest.overdueNever' : 'digest.overdueItem', {
          entity: o.entity,
          interval: formatDuration(o.intervalMs, locale),
          relative: last === undefined ? '' : formatRelative(last, ctx.now, locale),
        });
      }),
    });
  }
  const note = v.truncated ? t(locale, 'digest.truncated') : '';
  const withText = sections.map((x) => ({ heading: x.heading, lines: x.lines.map((text) => ({ text })) }));
  return { name, hasNote: note !== '', note, rate, hasCounts: counts.length > 0, counts, sections: withText };
}

export function buildDigestCard(vaults: readonly VaultDigest[], ctx: DigestCardContext): AdaptiveCardJson {
  const { locale } = ctx;
  const asOf = formatAbsolute(ctx.now, locale, ctx.timeZone).label;
  const build = (max: number): AdaptiveCardJson =>
    expandTemplate('digest', template, {
      fallbackText: t(locale, 'digest.title'),
      title: t(locale, 'digest.title'),
      subtitle: t(locale, 'digest.subtitle', { time: asOf }),
      vaults: vaults.map((v) => vaultSection(v, ctx, max)),
      rule: t(locale, 'digest.rule', { factor: 1.5 }),
    });
  let max = 10;
  let card = build(max);
  while (max > 1 && cardBytes(card) > CARD_BYTE_BUDGET) card = build(--max);
  return card;
}
