/** The Redis store's Lua lives in .lua files read at start; a build must carry them beside the compiled loader. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LUA_DIR, SCRIPTS } from '../../../src/store/redis/lua';

const ROOT = path.join(__dirname, '..', '..', '..');
const luaFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.lua'))
    .sort();

describe('Redis Lua scripts', () => {
  it('loads every .lua file: each script is the helpers followed by its own file, and no file is left unused', () => {
    const files = luaFiles(LUA_DIR);
    const helpers = readFileSync(path.join(LUA_DIR, 'helpers.lua'), 'utf8');
    const bodies = files.filter((f) => f !== 'helpers.lua').map((f) => readFileSync(path.join(LUA_DIR, f), 'utf8'));
    const sources = Object.values(SCRIPTS);
    expect(sources).toHaveLength(bodies.length);
    expect(sources.map((s) => s.slice(helpers.length + 1)).sort()).toEqual([...bodies].sort());
    expect(sources.every((s) => s.startsWith(helpers))).toBe(true);
  });

  it('npm run build copies them to the same place under dist (tsc copies no .lua)', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'copy-assets-'));
    try {
      const build = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
      expect(build.scripts['build']).toMatch(/tsc -p tsconfig\.build\.json && node scripts\/copy-assets\.js dist/);
      execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'copy-assets.js'), out], { cwd: ROOT, stdio: 'pipe' });
      const copiedDir = path.join(out, path.relative(ROOT, LUA_DIR));
      expect(luaFiles(copiedDir)).toEqual(luaFiles(LUA_DIR));
      for (const f of luaFiles(LUA_DIR)) {
        expect(readFileSync(path.join(copiedDir, f), 'utf8')).toBe(readFileSync(path.join(LUA_DIR, f), 'utf8'));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
