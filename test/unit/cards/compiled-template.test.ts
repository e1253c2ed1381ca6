import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'adaptivecards-templating';
import fc from 'fast-check';
import { compileTemplate } from '../../../src/cards/compiled-template';

const TEMPLATES = join(__dirname, '../../../src/cards/templates');
const templates = readdirSync(TEMPLATES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ name: f, template: JSON.parse(readFileSync(join(TEMPLATES, f), 'utf8')) as object }));

const PURE = /^\$\{([A-Za-z_]\w*)\}$/;
const ANY = /\$\{([A-Za-z_]\w*)\}/g;

/** The fields one data scope of a template needs: flags ($when), lists ($data, with their item scope) and values. */
interface ScopeShape {
  flags: Set<string>;
  values: Set<string>;
  lists: Map<string, ScopeShape>;
}

function shapeOf(node: unknown, scope: ScopeShape = { flags: new Set(), values: new Set(), lists: new Map() }): ScopeShape {
  if (typeof node === 'string') for (const m of node.matchAll(ANY)) scope.values.add(m[1]);
  else if (Array.isArray(node)) for (const item of node) shapeOf(item, scope);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    let inner = scope;
    const list = typeof o['$data'] === 'string' ? PURE.exec(o['$data'])?.[1] : undefined;
    if (list) {
      inner = scope.lists.get(list) ?? { flags: new Set(), values: new Set(), lists: new Map() };
      scope.lists.set(list, inner);
    }
    const flag = typeof o['$when'] === 'string' ? PURE.exec(o['$when'])?.[1] : undefined;
    if (flag) inner.flags.add(flag);
    for (const [k, v] of Object.entries(o)) if (k !== '$data' && k !== '$when') shapeOf(v, inner);
  }
  return scope;
}

/** Strings as users and Azure write them, template syntax and escapes included. */
const text = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('${title}', '\\n', '`x`', '**bold**', '', ' ', 'a & b <c>', 'ü 名前 🚀'),
  fc.integer({ min: -5, max: 100_000 }),
);

function dataFor(shape: ScopeShape): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const v of shape.values) fields[v] = text;
  for (const f of shape.flags) fields[f] = fc.boolean();
  for (const [name, inner] of shape.lists) fields[name] = fc.array(dataFor(inner), { maxLength: 4 });
  return fc.record(fields);
}

function engine(template: object, data: object): unknown {
  return new Template(template).expand({ $root: data });
}

describe('compiled templates', () => {
  it.each(templates)('$name compiles to the direct path', ({ template }) => {
    expect(compileTemplate(template)).toBeDefined();
  });

  it.each(templates)('$name: the direct path builds the engine’s card for any data of the template’s shape', ({ template }) => {
    const direct = compileTemplate(template)!;
    fc.assert(
      fc.property(dataFor(shapeOf(template)), (data) => {
        const card = direct(data);
        expect(card).toBeDefined();
        expect(card).toEqual(engine(template, data));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses data it cannot expand as the engine would, so the caller falls back to the engine', () => {
    const direct = compileTemplate({ type: 'TextBlock', text: 'Hi ${name}', $when: '${show}' })!;
    expect(direct({ name: 'Ann', show: true })).toEqual({ type: 'TextBlock', text: 'Hi Ann' });
    expect(direct({ show: true })).toBeUndefined(); // unbound: the engine reports it
    expect(direct({ name: { nested: 1 }, show: true })).toBeUndefined();
    expect(direct({ name: 'Ann', show: 'yes' })).toBeUndefined();
  });

  it('refuses templates outside its subset', () => {
    expect(compileTemplate({ text: '${if(a, b, c)}' })).toBeUndefined();
    expect(compileTemplate({ text: '${$root.title}' })).toBeUndefined();
    expect(compileTemplate({ $when: 'always', text: 'x' })).toBeUndefined();
    expect(compileTemplate({ text: 'a \\` ${b}' })).toBeUndefined();
  });
});
