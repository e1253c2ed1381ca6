/**
 * The command parser: a pure function from the text of a Teams message to a ParsedCommand.
 * Each command owns its anchored pattern (see its file, listed in registry.ts).
 */
import { normalizeMessage } from './normalize';
import { closestCommand, matchCommand, type ParsedCommand } from './registry';

/** Shown back in "did you mean": short, and free of markdown that would restyle the reply. */
const ECHO_LENGTH = 60;

export function parseCommand(raw: string): ParsedCommand {
  const text = normalizeMessage(raw);
  if (text === '') return { kind: 'empty' };
  const parsed = matchCommand(text);
  if (parsed) return parsed;
  const shown = text.replace(/[`*_~<>[\]]/g, '');
  return {
    kind: 'unknown',
    text: shown.length > ECHO_LENGTH ? `${shown.slice(0, ECHO_LENGTH - 3)}...` : shown,
    suggestion: closestCommand(text),
  };
}
