/** Argument splitting shared by the command patterns. */

/** Most jobs one message may name; more is almost certainly a paste accident. */
export const MAX_REFS_PER_MESSAGE = 10;

export interface RefArgs {
  readonly refs: string[];
  readonly vault?: string;
}

/**
 * `a, b and c in vault` → refs [a, b, c], vault. Separators are spaces and commas; a trailing
 * `in <vault>` names the vault for bare GUIDs.
 */
export function splitRefs(args: string | undefined): RefArgs {
  const tokens = (args ?? '')
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter((t) => t !== '' && t.toLowerCase() !== 'and');
  let vault: string | undefined;
  const at = tokens.length >= 2 ? tokens.length - 2 : -1;
  if (at >= 0 && tokens[at].toLowerCase() === 'in') {
    vault = tokens[at + 1];
    tokens.splice(at, 2);
  }
  return vault === undefined ? { refs: tokens } : { refs: tokens, vault };
}
