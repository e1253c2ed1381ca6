/**
 * A direct expansion for the subset of the Adaptive Card templating language this bot's templates
 * use: `${name}` bindings (alone, or inside text), `"$when": "${flag}"` and `"$data": "${list}"`
 * over arrays of plain objects. The engine evaluates every binding through Adaptive Expressions
 * (a fresh memory and options object each time) and walks every node with a state stack: about
 * half a millisecond for a three-row list card, the bulk of a `tracking` answer. Compiled here
 * once per template, the same card costs a plain object walk.
 *
 * Whatever is outside the subset is refused: a template at compile time (`undefined`), data at
 * expansion time (`undefined`: a missing field, a value that is not a string, finite number or
 * boolean, a list that is not of plain objects). The caller then uses the engine, which also
 * reports unbound fields. test/unit/cards/compiled-template.test.ts checks that both give equal
 * cards for every shipped template.
 */

type Scope = Readonly<Record<string, unknown>>;
/** Expands one node; `undefined` means "refused, use the engine". */
type Node = (scope: Scope) => Expanded | undefined;
/** The engine's rules: an object bound to a list gives one result per item (none: null, one: the object). */
type Expanded = { readonly value: unknown } | { readonly spread: unknown[] };

const NAME = /^[a-z_]\w*$/i;
const BINDING = /\$\{([^}]*)\}/g;
const PURE = /^\$\{([a-z_]\w*)\}$/i;
/** Keys the engine consumes or never copies to the card. */
const RESERVED = new Set(['$data', '$when', '$root', '$index', '$host', '$_acTemplateVersion']);

class Unsupported extends Error {}

function isPlainObject(v: unknown): v is Scope {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function scalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function compileString(text: string): Node {
  if (!text.includes('${')) return () => ({ value: text });
  // The engine parses the string as an AEL template literal: escapes and backticks would mean something there.
  if (text.includes('\\') || text.includes('`')) throw new Unsupported();
  const pure = PURE.exec(text);
  if (pure) {
    const name = pure[1];
    return (scope) => {
      const v = scope[name];
      return scalar(v) ? { value: v } : undefined;
    };
  }
  const parts: Array<string | { name: string }> = [];
  let last = 0;
  for (const m of text.matchAll(BINDING)) {
    if (!NAME.test(m[1])) throw new Unsupported();
    parts.push(text.slice(last, m.index), { name: m[1] });
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  if (parts.some((p) => typeof p === 'string' && p.includes('${'))) throw new Unsupported();
  return (scope) => {
    let out = '';
    for (const p of parts) {
      if (typeof p === 'string') out += p;
      else {
        const v = scope[p.name];
        // Booleans would print as the engine's toString does, but nothing shipped binds one into text.
        if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) return undefined;
        out += String(v);
      }
    }
    return { value: out };
  };
}

function pureName(value: unknown): string {
  const m = typeof value === 'string' ? PURE.exec(value) : null;
  if (!m) throw new Unsupported();
  return m[1];
}

function compileObject(node: Record<string, unknown>): Node {
  const when = '$when' in node ? pureName(node['$when']) : undefined;
  const data = '$data' in node ? pureName(node['$data']) : undefined;
  const fields = Object.keys(node)
    .filter((k) => !RESERVED.has(k))
    .map((k) => [k, compileNode(node[k])] as const);
  const one = (scope: Scope): { keep: boolean; value?: Record<string, unknown> } | undefined => {
    if (when !== undefined) {
      const flag = scope[when];
      if (typeof flag !== 'boolean') return undefined;
      if (!flag) return { keep: false };
    }
    const out: Record<string, unknown> = {};
    for (const [key, expand] of fields) {
      const r = expand(scope);
      if (r === undefined) return undefined;
      out[key] = 'spread' in r ? collapse(r.spread) : r.value;
    }
    return { keep: true, value: out };
  };
  return (scope) => {
    const scopes = data === undefined ? [scope] : scope[data];
    if (!Array.isArray(scopes) || !scopes.every(isPlainObject)) return undefined;
    const results: unknown[] = [];
    for (const s of scopes) {
      const r = one(s);
      if (r === undefined) return undefined;
      if (r.keep) results.push(r.value);
    }
    return { spread: results };
  };
}

/** An object node's results outside an array: none is null, one is itself, more are a list. */
function collapse(results: unknown[]): unknown {
  return results.length === 0 ? null : results.length === 1 ? results[0] : results;
}

function compileNode(node: unknown): Node {
  if (typeof node === 'string') return compileString(node);
  if (Array.isArray(node)) {
    const items = node.map(compileNode);
    return (scope) => {
      const out: unknown[] = [];
      for (const item of items) {
        const r = item(scope);
        if (r === undefined) return undefined;
        if ('spread' in r) out.push(...r.spread);
        else if (r.value !== null) out.push(r.value);
      }
      return { value: out };
    };
  }
  if (isPlainObject(node)) return compileObject(node);
  if (node === null || typeof node === 'number' || typeof node === 'boolean') return () => ({ value: node });
  throw new Unsupported();
}

/** A template compiled to a function of its data, or undefined when the template is outside the subset. */
export function compileTemplate(template: object): ((data: object) => unknown) | undefined {
  let root: Node;
  try {
    root = compileNode(template);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
  return (data) => {
    if (!isPlainObject(data)) return undefined;
    const r = root(data);
    return r === undefined ? undefined : 'spread' in r ? collapse(r.spread) : r.value;
  };
}
