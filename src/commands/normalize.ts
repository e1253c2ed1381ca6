/**
 * Turns the text of a Teams message into the plain command the user typed. Teams wraps mentions
 * in `<at>…</at>`, links in `<a href>`, adds `<p>`/`<div>`/`<br>`, `&nbsp;` and other entities,
 * and sometimes zero-width characters; none of that is part of the command.
 *
 * Three scanning passes (mentions, links, then tags, entities and spaces), in the order the
 * regexes they replace ran, not the regexes themselves: `<a\b[^>]*?\bhref…[\s\S]*?<\/a>` retried
 * every `<a` against the rest of the text, and one hostile message of 8,000 characters froze the
 * process for seconds. Here every lookup that could rescan ("where is the next `>`, quote, `</a>`,
 * `</at>`?") is answered from a table built in one backward pass, and each character is looked at
 * a bounded number of times: the work is linear in the length (the unit test counts the steps).
 */

/** Longer messages are not commands; the rest is cut off before anything looks at it. */
export const MAX_MESSAGE_LENGTH = 8000;
/** A `<…>` longer than this is text, not markup (a lone `<` must not swallow the message). */
const MAX_TAG_LENGTH = 2000;

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  nbsp: ' ',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

/** Counts the tokenizer's steps (loop iterations over characters), for the linearity test. */
export interface ScanMeter {
  steps: number;
}

function isWordChar(c: string | undefined): boolean {
  if (c === undefined) return false;
  const k = c.charCodeAt(0);
  return (k >= 48 && k <= 57) || (k >= 65 && k <= 90) || (k >= 97 && k <= 122) || k === 95;
}

/** JS `\s`, control characters, and the invisible separators (zero-width, word joiner) users never mean. */
function isSpaceLike(k: number): boolean {
  return (
    k <= 0x20 ||
    k === 0x7f ||
    k === 0xa0 ||
    k === 0x1680 ||
    (k >= 0x2000 && k <= 0x200d) ||
    k === 0x2028 ||
    k === 0x2029 ||
    k === 0x202f ||
    k === 0x205f ||
    k === 0x2060 ||
    k === 0x3000 ||
    k === 0xfeff
  );
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[\da-f]$/i.test(c);
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isLetter(c: string | undefined): boolean {
  return c !== undefined && /^[a-z]$/i.test(c);
}

/** Collects output characters, collapsing every run of space-like characters into one space and trimming. */
class Output {
  private readonly parts: string[] = [];
  private pendingSpace = false;

  space(): void {
    this.pendingSpace = true;
  }

  push(s: string): void {
    if (s.length === 1 && isSpaceLike(s.charCodeAt(0))) {
      this.pendingSpace = true;
      return;
    }
    if (this.pendingSpace && this.parts.length > 0) this.parts.push(' ');
    this.pendingSpace = false;
    this.parts.push(s);
  }

  toString(): string {
    return this.parts.join('');
  }
}

/** Where the next position satisfying `hit` is, for every index: one backward pass. */
function nextTable(n: number, meter: ScanMeter, hit: (i: number) => boolean): Int32Array {
  const t = new Int32Array(n + 1);
  t[n] = -1;
  for (let i = n - 1; i >= 0; i--) {
    meter.steps++;
    t[i] = hit(i) ? i : t[i + 1];
  }
  return t;
}

/** Case-insensitive ASCII `word` at i. */
function ci(text: string, i: number, word: string): boolean {
  return text.slice(i, i + word.length).toLowerCase() === word;
}

function at(t: Int32Array, i: number): number {
  return i >= t.length - 1 ? -1 : t[i];
}

/**
 * Pass 1: every `<at …>…</at>` becomes a space (the mention is not part of the command). A
 * mention needs a `>` after `<at` and a `</at>` after that; the tables answer both at once.
 */
function removeMentions(text: string, meter: ScanMeter): string {
  const n = text.length;
  const nextGt = nextTable(n, meter, (i) => text[i] === '>');
  const nextClose = nextTable(n, meter, (i) => text[i] === '<' && text[i + 1] === '/' && ci(text, i + 2, 'at>'));
  const out: string[] = [];
  let copied = 0;
  for (let i = 0; i < n; i++) {
    meter.steps++;
    if (text[i] !== '<' || !ci(text, i + 1, 'at') || isWordChar(text[i + 3])) continue;
    const gt = at(nextGt, i + 3);
    const close = gt < 0 ? -1 : at(nextClose, gt + 1);
    if (close < 0) continue;
    out.push(text.slice(copied, i), ' ');
    copied = close + '</at>'.length;
    i = copied - 1;
  }
  out.push(text.slice(copied));
  return out.join('');
}

/**
 * Pass 2: `<a … href="URL" …>label</a>` becomes ` URL ` (a pasted link's href is complete even
 * when Teams shortens its label). Entities in the URL are decoded by pass 3, as in any text.
 */
function replaceLinks(text: string, meter: ScanMeter): string {
  const n = text.length;
  const nextGt = nextTable(n, meter, (i) => text[i] === '>');
  const nextDquote = nextTable(n, meter, (i) => text[i] === '"');
  const nextSquote = nextTable(n, meter, (i) => text[i] === "'");
  const nextClose = nextTable(n, meter, (i) => text[i] === '<' && text[i + 1] === '/' && ci(text, i + 2, 'a>'));
  const skipSpaces = (from: number): number => {
    let q = from;
    while (q < n && /\s/.test(text[q])) {
      meter.steps++;
      q++;
    }
    return q;
  };
  /** After `href`: `\s*=\s*` and a quoted value whose tag and link are closed → [value start, value end, link end]. */
  const candidate = (from: number): [number, number, number] | undefined => {
    let q = skipSpaces(from);
    if (text[q] !== '=') return undefined;
    q = skipSpaces(q + 1);
    const quote = text[q];
    if (quote !== '"' && quote !== "'") return undefined;
    const valueEnd = at(quote === '"' ? nextDquote : nextSquote, q + 1);
    const tagEnd = valueEnd < 0 ? -1 : at(nextGt, valueEnd + 1);
    const close = tagEnd < 0 ? -1 : at(nextClose, tagEnd + 1);
    return close < 0 ? undefined : [q + 1, valueEnd, close + '</a>'.length];
  };
  const out: string[] = [];
  let copied = 0;
  // Every `<a` in one `>`-free region sees the same href candidates or fewer: one failure answers for all.
  let failedBefore = -1;
  for (let i = 0; i < n; i++) {
    meter.steps++;
    if (text[i] !== '<' || !ci(text, i + 1, 'a') || isWordChar(text[i + 2])) continue;
    const regionEnd = at(nextGt, i + 2);
    if (regionEnd < 0 || i < failedBefore) continue;
    let found: [number, number, number] | undefined;
    for (let p = i + 2; p < regionEnd && !found; p++) {
      meter.steps++;
      if (!isWordChar(text[p - 1]) && ci(text, p, 'href')) found = candidate(p + 4);
    }
    if (!found) {
      failedBefore = regionEnd;
      continue;
    }
    out.push(text.slice(copied, i), ' ', text.slice(found[0], found[1]), ' ');
    copied = found[2];
    i = copied - 1;
  }
  out.push(text.slice(copied));
  return out.join('');
}

/**
 * Pass 3: tags become spaces (a `<…>` of at most MAX_TAG_LENGTH; else the `<` is text), entities
 * are decoded, and every run of space-like characters becomes one space.
 */
function plainText(text: string, meter: ScanMeter): string {
  const n = text.length;
  const nextGt = nextTable(n, meter, (i) => text[i] === '>');
  const out = new Output();
  let i = 0;
  while (i < n) {
    meter.steps++;
    const c = text[i];
    if (c === '<') {
      const gt = at(nextGt, i + 1);
      if (gt >= 0 && gt - (i + 1) <= MAX_TAG_LENGTH) {
        out.space();
        i = gt + 1;
        continue;
      }
    }
    if (c === '&') {
      const entity = decodeEntityAt(text, i, meter);
      if (entity) {
        for (const ch of entity.text) out.push(ch);
        i = entity.end;
        continue;
      }
    }
    out.push(c);
    i++;
  }
  return out.toString();
}

/**
 * `&#x1F;`, `&#32;` or `&name;` at i (a `&`), looking at most 10 characters ahead; undefined when
 * none is there. Control characters and invalid code points never come back from an entity; an
 * unknown name stays as written.
 */
function decodeEntityAt(t: string, i: number, meter: ScanMeter): { text: string; end: number } | undefined {
  const run = (from: number, max: number, ok: (c: string | undefined) => boolean): number => {
    let k = from;
    while (k < t.length && k - from <= max && ok(t[k])) {
      meter.steps++;
      k++;
    }
    return k;
  };
  if (t[i + 1] === '#') {
    const hex = t[i + 2] === 'x' || t[i + 2] === 'X';
    const from = hex ? i + 3 : i + 2;
    const max = hex ? 6 : 7;
    const stop = run(from, max, hex ? isHex : isDigit);
    if (stop === from || stop - from > max || t[stop] !== ';') return undefined;
    const code = parseInt(t.slice(from, stop), hex ? 16 : 10);
    const valid = code >= 0x20 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
    return { text: valid ? String.fromCodePoint(code) : ' ', end: stop + 1 };
  }
  const stop = run(i + 1, 8, isLetter);
  const letters = stop - (i + 1);
  if (letters < 2 || letters > 8 || t[stop] !== ';') return undefined;
  return { text: NAMED_ENTITIES[t.slice(i + 1, stop).toLowerCase()] ?? t.slice(i, stop + 1), end: stop + 1 };
}

/** Plain text of a Teams message: mentions removed, links replaced by their target, tags dropped. */
export function normalizeMessage(raw: string, meter: ScanMeter = { steps: 0 }): string {
  const text = raw.slice(0, MAX_MESSAGE_LENGTH);
  return plainText(replaceLinks(removeMentions(text, meter), meter), meter);
}
