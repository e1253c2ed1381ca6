/**
 * Turns the text of a Teams message into the plain command the user typed. Teams wraps mentions
 * in `<at>…</at>`, links in `<a href>`, adds `<p>`/`<div>`/`<br>`, `&nbsp;` and other entities,
 * and sometimes zero-width characters; none of that is part of the command.
 */

/** Longer messages are not commands; cut before regexes run so they stay linear. */
export const MAX_MESSAGE_LENGTH = 8000;

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  nbsp: ' ',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      // Control characters and invalid code points never come back from an entity.
      if (!Number.isFinite(code) || code < 0x20 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return ' ';
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/** Plain text of a Teams message: mentions removed, links replaced by their target, tags dropped. */
export function normalizeMessage(raw: string): string {
  let text = raw.slice(0, MAX_MESSAGE_LENGTH);
  text = text.replace(/<at\b[^>]*>[\s\S]*?<\/at>/gi, ' ');
  // A pasted URL arrives as <a href="URL">URL</a>; the href is the complete link even when the label is shortened.
  text = text.replace(
    /<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>[\s\S]*?<\/a>/gi,
    (_m, dq?: string, sq?: string) => ` ${dq ?? sq ?? ''} `,
  );
  text = text.replace(/<[^>]{0,2000}>/g, ' ');
  text = decodeEntities(text);
  // NBSP, zero-width characters and other invisible separators are spaces to the user.
  text = text.replace(/[\u00a0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]/g, ' ');
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  text = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return text.replace(/\s+/g, ' ').trim();
}
