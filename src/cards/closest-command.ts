/**
 * Suggests the command a user probably meant, for the "did you mean …?" reply.
 */

/** The command words users type, in the order ties are resolved. */
export const COMMAND_WORDS = ['track job', 'track operation', 'untrack', 'stop tracking', 'tracking', 'list', 'jobs', 'help'] as const;
export type CommandWord = (typeof COMMAND_WORDS)[number];

/** Levenshtein distance with two rows; inputs are short (a few words). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const curr = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      curr[j] = Math.min(prev[j]! + 1, curr[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = curr;
  }
  return prev[b.length]!;
}

/**
 * The command whose words are closest to the first words of `text` (as many words as the
 * command has), so arguments such as a job id do not distort the comparison.
 */
export function closestCommand(text: string): CommandWord {
  const words = text.toLowerCase().trim().split(/\s+/).filter(Boolean).slice(0, 2);
  let best: CommandWord = COMMAND_WORDS[0];
  let bestScore = Number.POSITIVE_INFINITY;
  for (const command of COMMAND_WORDS) {
    const arity = command.split(' ').length;
    const head = words.slice(0, arity).join(' ');
    // Relative distance: "lst" is closer to "list" than "track job" is to "trak".
    const score = editDistance(head, command) / Math.max(command.length, head.length, 1);
    if (score < bestScore) {
      best = command;
      bestScore = score;
    }
  }
  return best;
}
