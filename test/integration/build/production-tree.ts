/**
 * What `npm ci --omit=dev` would install, without a network: the package-lock.json entries that are
 * not `dev`, laid out at their lock paths as symlinks into the repository's node_modules. Started
 * with `--preserve-symlinks`, Node resolves every package's own imports inside this tree (without
 * it, a linked package would resolve from its real path, where the dev packages are too).
 * And the module names a compiled file requires, to compare with package.json "dependencies".
 */
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

interface LockEntry {
  readonly dev?: boolean;
  readonly optional?: boolean;
  readonly link?: boolean;
}

interface Lockfile {
  readonly lockfileVersion: number;
  readonly packages: Readonly<Record<string, LockEntry>>;
}

export interface ProductionTree {
  /** Lock paths linked at the top of the tree (node_modules/x, node_modules/@scope/x). */
  readonly linked: readonly string[];
  /** Optional entries (other platforms' native builds) absent here, as npm skips them. */
  readonly skipped: readonly string[];
}

/**
 * Links the production closure of `root`'s lock into `target`/node_modules. Nested lock paths
 * (node_modules/a/node_modules/b) come with their linked parent; each one is checked to be there.
 */
export function linkProductionTree(root: string, target: string): ProductionTree {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as Lockfile;
  if (lock.lockfileVersion < 2) throw new Error(`package-lock.json v${lock.lockfileVersion} has no "packages" map`);
  const linked: string[] = [];
  const skipped: string[] = [];
  for (const [lockPath, entry] of Object.entries(lock.packages)) {
    if (lockPath === '' || entry.dev || !lockPath.startsWith('node_modules/')) continue;
    if (entry.link) throw new Error(`${lockPath}: workspace links are not handled here`);
    const real = path.join(root, lockPath);
    if (!fs.existsSync(real)) {
      if (entry.optional) {
        skipped.push(lockPath);
        continue;
      }
      throw new Error(`${lockPath} is a production dependency in package-lock.json but is not installed`);
    }
    if (lockPath.lastIndexOf('/node_modules/') > 0) continue;
    const at = path.join(target, lockPath);
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.symlinkSync(real, at, 'dir');
    linked.push(lockPath);
  }
  for (const [lockPath, entry] of Object.entries(lock.packages)) {
    const nested = lockPath.lastIndexOf('/node_modules/') > 0;
    if (nested && !entry.dev && !skipped.includes(lockPath) && !fs.existsSync(path.join(target, lockPath))) {
      throw new Error(`${lockPath} is not reachable in the production tree`);
    }
  }
  return { linked, skipped };
}

/** Every `require(...)` argument in compiled CommonJS; `null` for one that is not a string literal. */
export function requiredModules(js: string): (string | null)[] {
  return [...js.matchAll(/\brequire\(\s*(?:(["'])([^"']+)\1\s*\)|[^)]*\))/g)].map((m) => m[2] ?? null);
}

/** The package a bare specifier names (`@azure/identity/x` → `@azure/identity`). */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]);
}

/** Files under `dir`, relative to it, `/`-separated. */
export function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}
