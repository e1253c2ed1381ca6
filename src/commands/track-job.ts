import { jobKeyString } from '../azure/ids';
import type { JobKey } from '../domain/job';
import { t } from '../cards/i18n';
import { MAX_REFS_PER_MESSAGE, splitRefs } from './args';
import { resolveJob } from './resolve';
import { trackKeys } from './track-keys';
import type { CommandDefinition } from './types';

// `track job a b`, `track jobs a, b in vault`, and plain `track a` (the word "job" is often left out).
const PATTERN = /^track(\s+jobs?)?(?:\s+(\S.*))?$/i;

export interface TrackJobCommand {
  readonly kind: 'trackJob';
  readonly jobs: readonly string[];
  readonly vault?: string;
}

export const trackJobCommand: CommandDefinition<TrackJobCommand> = {
  kind: 'trackJob',
  words: ['track job'],
  examples: ['track job 3f2c9a4e-0000-4000-8000-000000000000', 'track jobs 3f2c9a4e-0000-4000-8000-000000000000 in rg/vault', 'track job'],
  help: 'help.track',
  needsVault: true,
  manifest: { title: 'track job', description: 'command.trackJob' },
  match(text) {
    const m = PATTERN.exec(text);
    if (!m) return undefined;
    // Without the word "job", a plain word after "track" is a typo of a command ("track opration"), not an id.
    if (m[1] === undefined && m[2] !== undefined && /^[a-z]+(?:\s|$)/i.test(m[2])) return undefined;
    const { refs, vault } = splitRefs(m[2]);
    return vault === undefined ? { kind: 'trackJob', jobs: refs } : { kind: 'trackJob', jobs: refs, vault };
  },
  async handle(cmd, ctx) {
    const { locale } = ctx;
    if (cmd.jobs.length === 0) {
      await ctx.reply.text(t(locale, 'track.missingJob'));
      return;
    }
    const keys: JobKey[] = [];
    const seen = new Set<string>();
    for (const ref of cmd.jobs.slice(0, MAX_REFS_PER_MESSAGE)) {
      const resolved = resolveJob(ref, cmd.vault, ctx.allowList, locale);
      if (!resolved.ok) {
        await ctx.reply.text(resolved.message);
        continue;
      }
      const id = jobKeyString(resolved.value);
      if (!seen.has(id)) keys.push(resolved.value);
      seen.add(id);
    }
    await trackKeys(keys, ctx, ctx.reply);
  },
};
