import type { JobListFilter } from '../azure/types';
import { buildJobsListCard } from '../cards/list-cards';
import { armFailureOf } from '../azure/arm-failure';
import { resolveVault, vaultLabel } from './resolve';
import type { CommandDefinition, JobsFilter } from './types';
import { armFailureText } from './views';

const PATTERN = /^jobs(?:\s+(running|failed|all))?(?:\s+in\s+(\S+))?$/i;
const DAY_MS = 24 * 60 * 60 * 1000;
/** A vault's day of jobs fits in a few pages; more would not fit on one card anyway. */
const MAX_PAGES = 5;

const STATUS: Readonly<Record<JobsFilter, JobListFilter['status']>> = {
  running: 'InProgress',
  failed: 'Failed',
  all: undefined,
};

export interface JobsCommand {
  readonly kind: 'jobs';
  readonly filter: JobsFilter;
  readonly vault?: string;
}

export const jobsCommand: CommandDefinition<JobsCommand> = {
  kind: 'jobs',
  words: ['jobs'],
  examples: ['jobs', 'jobs running', 'jobs failed in rg/vault'],
  help: 'help.jobs',
  needsVault: true,
  manifest: { title: 'jobs', description: 'command.jobs' },
  match(text) {
    const m = PATTERN.exec(text);
    if (!m) return undefined;
    const filter = (m[1]?.toLowerCase() ?? 'all') as JobsFilter;
    return m[2] === undefined ? { kind: 'jobs', filter } : { kind: 'jobs', filter, vault: m[2] };
  },
  async handle(cmd, ctx) {
    const { locale } = ctx;
    const vault = resolveVault(cmd.vault, ctx.allowList, locale);
    if (!vault.ok) {
      await ctx.reply.text(vault.message);
      return;
    }
    const now = ctx.clock.now();
    const status = STATUS[cmd.filter];
    const filter: JobListFilter = {
      ...(status === undefined ? {} : { status }),
      startTime: new Date(now - DAY_MS).toISOString(),
      endTime: new Date(now).toISOString(),
    };
    let jobs;
    try {
      jobs = (await ctx.api.listJobs(vault.value, filter, { maxPages: MAX_PAGES })).value;
    } catch (err) {
      const failure = armFailureOf(err);
      if (!failure) throw err;
      await ctx.reply.text(armFailureText(failure, { vault: vault.value }, locale));
      return;
    }
    await ctx.reply.card(
      buildJobsListCard(jobs, {
        locale,
        timeZone: ctx.timeZone,
        now,
        filter: cmd.filter,
        vaultLabel: vaultLabel(vault.value),
      }),
    );
  },
};
