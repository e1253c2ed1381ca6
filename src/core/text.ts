/**
 * Small string helpers written as loops where the obvious regex (`/\/+$/`) would retry the run
 * from every start position: quadratic on a long run of the character without the end after it.
 */

/** `s` without any trailing `char` (one UTF-16 unit), in one backward scan. */
export function trimTrailing(s: string, char: string): string {
  let end = s.length;
  while (end > 0 && s[end - 1] === char) end--;
  return end === s.length ? s : s.slice(0, end);
}
