/**
 * The registry: every command the bot knows, in the order help, the manifest and "did you mean"
 * show them. The parser, the runner, the help and welcome cards and the app manifest
 * (scripts/package-app.ts) all read this list; nothing else names commands.
 */
import { backupItemCommand } from './backup-item';
import { cancelJobCommand } from './cancel-job';
import { SOURCE_LANGUAGE, t, type MessageId } from '../cards/i18n';
import { closestWord } from './closest';
import { helpCommand } from './help';
import { jobsCommand } from './jobs';
import { languageCommand } from './language';
import { trackJobCommand } from './track-job';
import { trackOperationCommand } from './track-operation';
import { trackingCommand } from './tracking';
import type { AnyCommand, CommandDefinition } from './types';
import { untrackCommand } from './untrack';
import { vaultsCommand } from './vaults';
import { unwatchCommand } from './unwatch';
import { watchCommand } from './watch';
import { watchingCommand } from './watching';
import { digestCommand } from './digest';

const COMMANDS_BUT_HELP = [
  trackJobCommand,
  trackOperationCommand,
  untrackCommand,
  trackingCommand,
  jobsCommand,
  watchCommand,
  unwatchCommand,
  watchingCommand,
  digestCommand,
  vaultsCommand,
  backupItemCommand,
  cancelJobCommand,
  languageCommand,
] as const;
const help = helpCommand(() => HELP_LINES);

/** Patterns are anchored and disjoint (the registry test checks it), so the order only matters for display. */
export const COMMANDS: readonly AnyCommand[] = [...COMMANDS_BUT_HELP, help];

type ParsedOf<C> = C extends CommandDefinition<infer P> ? P : never;

export type ParsedCommand =
  | ParsedOf<(typeof COMMANDS_BUT_HELP)[number] | typeof help>
  /** Nothing but a mention or whitespace: a short hint. */
  | { readonly kind: 'empty' }
  | { readonly kind: 'unknown'; readonly text: string; readonly suggestion: string };

/** Help and welcome card lines, one per command. */
export const HELP_LINES: readonly MessageId[] = COMMANDS.map((c) => c.help);

/** Every word a command starts with, for "did you mean". */
export const COMMAND_WORDS: readonly string[] = COMMANDS.flatMap((c) => c.words);

export function closestCommand(text: string): string {
  return closestWord(text, COMMAND_WORDS);
}

export function findCommand(kind: string): AnyCommand | undefined {
  return COMMANDS.find((c) => c.kind === kind);
}

/** The first command whose anchored pattern accepts the normalised text. */
export function matchCommand(text: string): ParsedCommand | undefined {
  for (const command of COMMANDS) {
    const parsed = command.match(text);
    // The registry's own commands produce exactly the members of ParsedCommand.
    if (parsed) return parsed as ParsedCommand;
  }
  return undefined;
}

export type ManifestScope = 'team' | 'personal' | 'groupChat';

export interface ManifestCommandList {
  readonly scopes: readonly ManifestScope[];
  readonly commands: ReadonlyArray<{ readonly title: string; readonly description: string }>;
}

/** Teams accepts at most this many commands in one commandList. */
export const MANIFEST_MAX_COMMANDS = 10;

/**
 * `bots[0].commandLists` of the Teams app manifest in one language (English for the manifest
 * itself, the others for its localization files): every command, in each scope.
 */
export function manifestCommandLists(language: string = SOURCE_LANGUAGE): ManifestCommandList[] {
  const scopes: ManifestScope[] = ['team', 'personal', 'groupChat'];
  const listed = COMMANDS.filter((c) => c.manifest.listed !== false);
  if (listed.length > MANIFEST_MAX_COMMANDS)
    throw new Error(`Teams lists at most ${MANIFEST_MAX_COMMANDS} commands; ${listed.length} are listed`);
  return scopes.map((scope) => ({
    scopes: [scope],
    commands: listed.map(({ manifest }) => ({
      title: manifest.title,
      description: t(language, manifest.description, { place: scope === 'team' ? 'team' : 'chat' }),
    })),
  }));
}
