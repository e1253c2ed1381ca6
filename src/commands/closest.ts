/**
 * Suggests the command a user probably meant, for the "did you mean …?" reply. The candidate
 * words come from the registry (each command's `words`), in the order ties are resolved.
 */

/** Levenshtein distance with two rows; inputs are short (a few words). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const curr = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      curr[j] = Math.min(prev[j] + 1, curr[j - 1] + 1, prev[j - 1] + cost);
    }
    prev = curr;
  }
  return prev[b.length];
}

/**
 * The word among `words` closest to the first words of `text` (as many words as the candidate
 * has), so arguments such as a job id do not distort the comparison. `words` must not be empty.
 */
export function closestWord(text: string, words: readonly string[]): string {
  const typed = text.toLowerCase().trim().split(/\s+/).filter(Boolean).slice(0, 2);
  let best = words[0];
  let bestScore = Number.POSITIVE_INFINITY;
  for (const command of words) {
    const arity = command.split(' ').length;
    const head = typed.slice(0, arity).join(' ');
    // Relative distance: "lst" is closer to "list" than "track job" is to "trak".
    const score = editDistance(head, command) / Math.max(command.length, head.length, 1);
    if (score < bestScore) {
      best = command;
      bestScore = score;
    }
  }
  return best;
}
