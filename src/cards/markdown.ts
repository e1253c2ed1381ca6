/**
 * The one escape for text a user or Azure wrote (item names, error texts, recommendations,
 * property bags, echoed input) wherever it is shown: TextBlocks, FactSet values and message text
 * render Markdown in Teams, so `[click](https://evil.example)` would be a link and `**x**` bold.
 * Escaped with backslashes (CommonMark), which every renderer of Adaptive Card Markdown removes.
 * Catalog interpolation applies it to data parameters (i18n/index.ts); card builders apply it to
 * the values they place directly.
 */

/** Characters that start or end inline Markdown anywhere in a line. */
const INLINE = new Set(['`', '*', '_', '~', '[', ']', '<', '>', '#', '|']);
/** At the start of a line (after indentation): list items, setext heading underlines. */
const LINE_START = new Set(['-', '+', '=']);

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** CommonMark lets a backslash escape only ASCII punctuation; before anything else it is literal. */
function isAsciiPunctuation(c: string | undefined): boolean {
  if (c === undefined || c.length !== 1) return false;
  const k = c.charCodeAt(0);
  return (k >= 0x21 && k <= 0x2f) || (k >= 0x3a && k <= 0x40) || (k >= 0x5b && k <= 0x60) || (k >= 0x7b && k <= 0x7e);
}

/**
 * What `escapeEachChar` changes, in one regex: an inline character, a backslash before ASCII
 * punctuation, or a line whose first character after spaces and tabs starts a list item, a quote
 * underline or an ordered item ("12." / "3)"). Most names, ids and catalog values have none.
 */
const NEEDS_ESCAPE = /[`*_~[\]<>#|]|\\[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]|(?:^|[\n\r])[ \t]*(?:[-+=]|\d+[.)])/;

/** `text` shown literally by a Markdown renderer. Linear in the length; text it would not change is returned as is. */
export function escapeMarkdown(text: string): string {
  return NEEDS_ESCAPE.test(text) ? escapeEachChar(text) : text;
}

/** The escape itself, one pass; exported for the test that `NEEDS_ESCAPE` skips only text it leaves unchanged. */
export function escapeEachChar(text: string): string {
  let out = '';
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n' || c === '\r') {
      out += c;
      lineStart = true;
      continue;
    }
    if (lineStart) {
      if (c === ' ' || c === '\t') {
        out += c;
        continue;
      }
      lineStart = false;
      if (LINE_START.has(c)) {
        out += `\\${c}`;
        continue;
      }
      if (isDigit(c)) {
        // An ordered list item: "12." or "12)".
        let j = i;
        while (isDigit(text[j])) j++;
        if (text[j] === '.' || text[j] === ')') {
          out += `${text.slice(i, j)}\\${text[j]}`;
          i = j;
          continue;
        }
      }
    }
    if (c === '\\') out += isAsciiPunctuation(text[i + 1]) ? '\\\\' : '\\';
    else if (INLINE.has(c)) out += `\\${c}`;
    else out += c;
  }
  return out;
}
