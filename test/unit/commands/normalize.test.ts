/**
 * The tokenizer that replaced the regex chain in normalize.ts: same answers on Teams-shaped
 * markup as the old chain (kept here as the reference), and work proportional to the length on
 * hostile input (the old chain needed seconds for one 8,000-character message).
 */
import fc from 'fast-check';
import { MAX_MESSAGE_LENGTH, normalizeMessage, type ScanMeter } from '../../../src/commands/normalize';

/** The regex chain normalize.ts used before (quadratic on hostile input; fine on the small inputs below). */
function reference(raw: string): string {
  const names: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  let text = raw.slice(0, MAX_MESSAGE_LENGTH);
  text = text.replace(/<at\b[^>]*>[\s\S]*?<\/at>/gi, ' ');
  text = text.replace(
    /<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>[\s\S]*?<\/a>/gi,
    (_m, dq?: string, sq?: string) => ` ${dq ?? sq ?? ''} `,
  );
  text = text.replace(/<[^>]{0,2000}>/g, ' ');
  text = text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!Number.isFinite(code) || code < 0x20 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return ' ';
      return String.fromCodePoint(code);
    }
    return names[body.toLowerCase()] ?? whole;
  });
  text = text.replace(/[\u00a0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]/g, ' ');
  // eslint-disable-next-line no-control-regex -- the reference strips control characters
  text = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return text.replace(/\s+/g, ' ').trim();
}

/** Pieces of what Teams really sends, in any order. */
const piece = fc.oneof(
  fc.constantFrom(
    'track',
    'job',
    'jobs',
    'help',
    ' ',
    '  ',
    '\n',
    '\u00a0',
    '\u200b',
    'vault-a',
    'rg/vault-b',
    '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
  ),
  fc.constantFrom('<p>', '</p>', '<div>', '</div>', '<br/>', '<br>', '<span itemprop="x">', '</span>'),
  fc.constantFrom('<at>Backup Jobs</at>', '<at id="0">Backup&nbsp;Jobs</at>', '<AT>Bot</AT>'),
  fc
    .tuple(fc.constantFrom('https://portal.azure.com/#resource/x', 'https://a.example/?a=1&amp;b=2', ''), fc.constantFrom('"', "'"))
    .map(([url, q]) => `<a href=${q}${url}${q} title="t">${url || 'label'}</a>`),
  fc.constantFrom('&nbsp;', '&amp;', '&lt;', '&gt;', '&quot;', '&#32;', '&#x41;', '&#0;', '&#xD800;', '&unknown;', '&', '&#;'),
  fc.string({ maxLength: 6 }),
);

describe('normalizeMessage tokenizer', () => {
  it('answers like the old regex chain on Teams-shaped markup', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 25 }), (pieces) => {
        const text = pieces.join('');
        expect(normalizeMessage(text)).toBe(reference(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps the quirks: a long or unclosed tag stays text, an unclosed mention or link keeps its label', () => {
    const long = `<${'x'.repeat(2001)}>`;
    expect(normalizeMessage(`help ${long}`)).toBe(reference(`help ${long}`));
    expect(normalizeMessage('a < b')).toBe('a < b');
    expect(normalizeMessage('<at>Bot help')).toBe('Bot help');
    expect(normalizeMessage('track <a href="https://x.example/">label')).toBe('track label');
    expect(normalizeMessage('&lt;at&gt;x&lt;/at&gt;')).toBe('<at>x</at>');
  });

  /** Each is cut to the maximum length; k steps per character is the bound the tokenizer promises. */
  const STEPS_PER_CHAR = 12;
  const fill = (unit: string, tail = ''): string =>
    unit.repeat(Math.ceil(MAX_MESSAGE_LENGTH / unit.length)).slice(0, MAX_MESSAGE_LENGTH - tail.length) + tail;
  const hostile: ReadonlyArray<[string, string]> = [
    ['the reported attack (<a )*href=""*', `${'<a '.repeat(2600)}href=${'"'.repeat(MAX_MESSAGE_LENGTH - 2600 * 3 - 5)}`],
    ['(<a href="")* without > (1.7 s with the old regexes)', fill('<a href=""')],
    ['<a )*href="…"> without </a>', fill('<a ', 'href="x">label')],
    ['spaces around = in one long tag', fill('<a href   =   \t ')],
    ['many hrefs in one tag', fill('<a href="x" href=\'y\' ')],
    ['href= without quotes', fill('<a href = = href =')],
    ['nested <at> without </at>', fill('<at>')],
    ['nested tags', fill('<p><div><span>')],
    ['unclosed tags', fill('<')],
    ['unclosed <a', fill('<a')],
    ['unclosed mentions and links mixed', fill('<at x<a href="<at')],
    ['entity starts', fill('&#x')],
    ['long entities', fill('&abcdefghij')],
    ['quotes and closing tags', fill('"\'</a></at>>')],
  ];

  it.each(hostile)('works in proportion to the length: %s', (_name, text) => {
    expect(text.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    const meter: ScanMeter = { steps: 0 };
    normalizeMessage(text, meter);
    expect(meter.steps).toBeLessThanOrEqual(STEPS_PER_CHAR * text.length);
  });

  it('looks at no more than the maximum length, however long the message', () => {
    const meter: ScanMeter = { steps: 0 };
    normalizeMessage('<a '.repeat(100_000), meter);
    expect(meter.steps).toBeLessThanOrEqual(STEPS_PER_CHAR * MAX_MESSAGE_LENGTH);
  });
});
