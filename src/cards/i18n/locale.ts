/**
 * Which catalog language answers a requested locale. Pure: the available tags are the catalog's
 * file names, so a new `<tag>.json` takes part without a code change.
 */

export const SOURCE_LANGUAGE = 'en';

/** Longest tag looked at: language-Script-REGION plus a variant is far below it. */
const MAX_TAG_LENGTH = 35;

/**
 * The canonical BCP-47 spelling (`pt-br` → `pt-BR`, `de_DE` → `de-DE`), or undefined for
 * anything Intl does not accept as a tag. Teams sends `_` from some clients.
 */
export function canonicalTag(input: string | undefined): string | undefined {
  if (input === undefined) return undefined;
  const raw = input.trim().replace(/_/g, '-');
  if (raw === '' || raw.length > MAX_TAG_LENGTH) return undefined;
  try {
    return Intl.getCanonicalLocales(raw)[0];
  } catch {
    return undefined;
  }
}

interface Subtags {
  readonly language: string;
  readonly script: string;
  readonly region: string;
}

/** Language, likely script and region (CLDR likely subtags: `zh-TW` is written in Hant, `pt-PT` in Latn). */
function subtags(tag: string): Subtags {
  const full = new Intl.Locale(tag).maximize();
  return { language: full.language, script: full.script ?? '', region: full.region ?? '' };
}

/**
 * The available tag that should answer `requested`:
 * 1. the same tag (`cs-CZ` → `cs-CZ`, `de-DE` → `de` when `de` is the file);
 * 2. else a file of the same language *and the same script*, the same region first:
 *    `pt-PT` → `pt-BR`, `de-AT` → `de`, `es-MX` → `es-ES`, `zh-SG` → `zh-CN`;
 * 3. else English.
 *
 * The script is what keeps `zh-TW` (and `zh-HK`, `zh-Hant`) away from `zh-CN`: Taiwan and Hong
 * Kong write Traditional characters, `zh-CN` is Simplified. Showing a Traditional reader the
 * Simplified text reads as the wrong written language (and in some places as a political
 * statement), while English is the bot's source language and the one Azure's own texts on the
 * card are in. So until a `zh-TW.json` exists, those readers get English.
 */
export function matchLanguage(requested: string | undefined, available: readonly string[]): string {
  const tag = canonicalTag(requested);
  if (tag === undefined) return SOURCE_LANGUAGE;
  const lower = tag.toLowerCase();
  const exact = available.find((a) => a.toLowerCase() === lower);
  if (exact) return exact;
  const want = subtags(tag);
  const sameWriting = available.filter((a) => {
    const have = subtags(a);
    return have.language === want.language && have.script === want.script;
  });
  const sameRegion = sameWriting.find((a) => subtags(a).region === want.region);
  return sameRegion ?? [...sameWriting].sort()[0] ?? SOURCE_LANGUAGE;
}

/**
 * The tag to give Intl for dates and numbers: the requested tag when the text is in its language
 * (`de-AT` keeps Austrian month names under German text), else the catalog language, so that a
 * `zh-TW` reader of English text does not get Chinese dates inside English sentences.
 */
export function intlTagFor(requested: string | undefined, language: string): string {
  const tag = canonicalTag(requested);
  if (tag === undefined) return language;
  return subtags(tag).language === subtags(language).language ? tag : language;
}
