/**
 * The lint guards fail where they should: an import cycle, the Bot Framework outside src/bot, a lower
 * layer importing an upper one or tools/, and a formatting difference. A small fixture project in a
 * temp dir is linted with the very rules of eslint.architecture.mjs (no type information: fast);
 * ESLint and Prettier run as child processes because they load ESM configs that Jest cannot.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const ESLINT = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
const PRETTIER = path.join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs');

const FIXTURE: Record<string, string> = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: { module: 'commonjs', moduleResolution: 'node', strict: true },
    include: ['src', 'tools'],
  }),
  'eslint.config.mjs': `import { architectureGuards } from '${pathToFileURL(path.join(ROOT, 'eslint.architecture.mjs')).href}';\nexport default architectureGuards(import.meta.dirname);\n`,
  // A cycle: a → b → a.
  'src/core/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
  'src/core/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
  // The Bot Framework: allowed in src/bot only.
  'src/bot/adapter.ts': "import { CloudAdapter } from 'botbuilder';\nexport const adapter = CloudAdapter;\n",
  'src/cards/card.ts': "import type { Activity } from 'botframework-schema';\nexport type Card = Activity;\n",
  'src/commands/run.ts': "import { TurnContext } from 'botbuilder';\nexport const run = TurnContext;\n",
  // Layers: downwards is fine, upwards is not; tools/ is never imported from src/.
  'src/tracker/engine.ts': "import { ok } from '../azure/ok';\nexport const engine = ok;\n",
  'src/azure/ok.ts': 'export const ok = 1;\n',
  'src/azure/client.ts': "import { engine } from '../tracker/engine';\nexport const client = engine;\n",
  'src/domain/job.ts': "import { sim } from '../../tools/sim';\nexport const job = sim;\n",
  'tools/sim.ts': 'export const sim = 1;\n',
  // Formatting: the second file differs from Prettier's output only in spacing.
  'src/format-good.ts': "export const value = { a: 1, b: 'two' };\n",
  'src/format-bad.ts': "export const value = {a:1,  b:'two'};\n",
};

interface LintResult {
  filePath: string;
  messages: Array<{ ruleId: string | null; message: string }>;
}

describe('lint guards', () => {
  let dir: string;
  let byFile: Map<string, string[]>;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lint-rules-'));
    for (const [file, text] of Object.entries(FIXTURE)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    const run = spawnSync(process.execPath, [ESLINT, '--format', 'json', 'src', 'tools'], { cwd: dir, encoding: 'utf8' });
    if (run.status !== 1) throw new Error(`eslint exited ${run.status}: ${run.stderr}`);
    const results = JSON.parse(run.stdout) as LintResult[];
    byFile = new Map(results.map((r) => [path.relative(dir, r.filePath), r.messages.map((m) => m.ruleId ?? m.message)]));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails on an import cycle', () => {
    expect(byFile.get('src/core/a.ts')).toEqual(['import-x/no-cycle']);
    expect(byFile.get('src/core/b.ts')).toEqual(['import-x/no-cycle']);
  });

  it('fails on botbuilder or botframework-* outside src/bot', () => {
    expect(byFile.get('src/cards/card.ts')).toEqual(['no-restricted-imports']);
    expect(byFile.get('src/commands/run.ts')).toEqual(['no-restricted-imports']);
    expect(byFile.get('src/bot/adapter.ts')).toEqual([]);
  });

  it('fails when a lower layer imports an upper one or src/ imports tools/', () => {
    expect(byFile.get('src/azure/client.ts')).toEqual(['import-x/no-restricted-paths']);
    expect(byFile.get('src/domain/job.ts')).toEqual(['import-x/no-restricted-paths']);
    expect(byFile.get('src/tracker/engine.ts')).toEqual([]);
  });

  it('fails on a formatting difference (prettier --check, as npm run lint runs it)', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['lint']).toMatch(/prettier --check \./);
    const config = path.join(ROOT, '.prettierrc.json');
    const bad = spawnSync(process.execPath, [PRETTIER, '--check', '--config', config, 'src/format-bad.ts'], { cwd: dir, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout + bad.stderr).toContain('src/format-bad.ts');
    const good = spawnSync(process.execPath, [PRETTIER, '--check', '--config', config, 'src/format-good.ts'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(good.status).toBe(0);
  });

  it("is what the project's own lint uses", () => {
    const printed = spawnSync(process.execPath, [ESLINT, '--print-config', 'src/cards/format.ts'], { cwd: ROOT, encoding: 'utf8' });
    const rules = (JSON.parse(printed.stdout) as { rules: Record<string, unknown[]> }).rules;
    expect(rules['import-x/no-cycle']?.[0]).toBe(2);
    expect(rules['import-x/no-restricted-paths']?.[0]).toBe(2);
    expect(JSON.stringify(rules['no-restricted-imports'])).toContain('botbuilder');
  });
});
