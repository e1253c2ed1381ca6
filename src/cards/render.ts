/**
 * Template expansion, size measurement and the digest the tracker compares to decide whether a
 * card needs an update.
 */
import { createHash } from 'node:crypto';
import { GlobalSettings, Template } from 'adaptivecards-templating';
import { compileTemplate } from './compiled-template';

/** An Adaptive Card as JSON, ready to be the `content` of an attachment. */
export interface AdaptiveCardJson {
  readonly type: 'AdaptiveCard';
  readonly version: string;
  readonly body: readonly unknown[];
  readonly actions?: readonly unknown[];
  readonly fallbackText?: string;
  readonly [key: string]: unknown;
}

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/**
 * Teams refuses messages over 28 KB including the activity envelope; cards stay below this so
 * the envelope (mention entities, summary text) still fits.
 */
export const CARD_BYTE_BUDGET = 24 * 1024;

/** Elements whose id starts with this show only the passage of time (relative start, "as of"). */
export const VOLATILE_ID_PREFIX = 'volatile-';

export class CardTemplateError extends Error {
  constructor(
    readonly template: string,
    readonly unbound: readonly string[],
  ) {
    super(`card template ${template} left unbound fields: ${unbound.join(', ')}`);
    this.name = 'CardTemplateError';
  }
}

/**
 * Parsed templates, by template object. Parsing every `${…}` (an ANTLR grammar) was most of the
 * cost of a card; the engine documents a Template as reusable for many expansions, and expand()
 * builds fresh output without touching the parsed form. Templates are imported JSON, never
 * mutated, so the object is a sound key (a WeakMap, so a test's throwaway template is freed).
 */
const parsed = new WeakMap<object, Template>();

/** Templates compiled for the direct path (compiled-template.ts); null when one is outside its subset. */
const compiled = new WeakMap<object, ((data: object) => unknown) | null>();

function compiledTemplate(template: object): ((data: object) => unknown) | null {
  let fn = compiled.get(template);
  if (fn === undefined) {
    fn = compileTemplate(template) ?? null;
    compiled.set(template, fn);
  }
  return fn;
}

function parsedTemplate(template: object): Template {
  let cached = parsed.get(template);
  if (!cached) {
    cached = new Template(template);
    parsed.set(template, cached);
  }
  return cached;
}

/**
 * Binds `data` to a template. Builders pass complete data objects; an unbound `${…}` is a bug
 * in the builder, so it throws instead of showing template syntax to users.
 */
export function expandTemplate(name: string, template: object, data: object): AdaptiveCardJson {
  // The direct path gives the engine's card for the data it accepts; anything else (an unbound
  // field included, which the engine reports below) goes through the engine.
  const direct = compiledTemplate(template)?.(data);
  if (direct !== undefined) return direct as AdaptiveCardJson;
  // The engine leaves `${field}` in place for an undefined field and reports it only through this
  // global hook (its warnings list flags every false `$when` instead). Expansion is synchronous,
  // so swapping the hook around it is safe.
  const unbound: string[] = [];
  const previous = GlobalSettings.getUndefinedFieldValueSubstitutionString;
  GlobalSettings.getUndefinedFieldValueSubstitutionString = (path: string) => {
    unbound.push(path);
    return undefined;
  };
  let card: AdaptiveCardJson;
  try {
    card = parsedTemplate(template).expand({ $root: data }) as AdaptiveCardJson;
  } finally {
    GlobalSettings.getUndefinedFieldValueSubstitutionString = previous;
  }
  if (unbound.length > 0) throw new CardTemplateError(name, unbound);
  return card;
}

export function cardBytes(card: AdaptiveCardJson): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/** JSON with object keys sorted, so equal cards give equal text whatever the key order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = canonical((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

function withoutVolatile(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.filter((item) => !(item && typeof item === 'object' && isVolatile((item as { id?: unknown }).id))).map(withoutVolatile);
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = withoutVolatile(item);
    return out;
  }
  return value;
}

function isVolatile(id: unknown): boolean {
  return typeof id === 'string' && id.startsWith(VOLATILE_ID_PREFIX);
}

/**
 * sha256 (hex) of the card's canonical JSON, leaving out elements that only show elapsed time:
 * "started 12 min ago" ticking on is no reason to spend the conversation's send budget, but
 * when something real changes the update carries fresh times too.
 */
export function cardDigest(card: AdaptiveCardJson): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(withoutVolatile(card))))
    .digest('hex');
}
