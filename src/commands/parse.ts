/**
 * The command parser: a pure function from the text of a Teams message to a ParsedCommand.
 * Each command owns its anchored pattern (see its file); the first that matches wins.
 */
import { closestCommand } from '../cards/closest-command';
import { helpCommand } from './help';
import { jobsCommand } from './jobs';
import { normalizeMessage } from './normalize';
import { trackJobCommand } from './track-job';
import { trackOperationCommand } from './track-operation';
import { trackingCommand } from './tracking';
import type { ParsedCommand } from './types';
import { untrackCommand } from './untrack';

/** Order matters: `track operation` before `track [job]`. */
const MATCHERS: ReadonlyArray<(text: string) => ParsedCommand | undefined> = [
  (s) => trackOperationCommand.match(s),
  (s) => trackJobCommand.match(s),
  (s) => untrackCommand.match(s),
  (s) => trackingCommand.match(s),
  (s) => jobsCommand.match(s),
  (s) => helpCommand.match(s),
];

/** Shown back in "did you mean": short, and free of markdown that would restyle the reply. */
const ECHO_LENGTH = 60;

export function parseCommand(raw: string): ParsedCommand {
  const text = normalizeMessage(raw);
  if (text === '') return { kind: 'empty' };
  for (const match of MATCHERS) {
    const parsed = match(text);
    if (parsed) return parsed;
  }
  const shown = text.replace(/[`*_~<>[\]]/g, '');
  return {
    kind: 'unknown',
    text: shown.length > ECHO_LENGTH ? `${shown.slice(0, ECHO_LENGTH - 3)}...` : shown,
    suggestion: closestCommand(text),
  };
}
