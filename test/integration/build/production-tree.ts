/**
 * What `npm ci --omit=dev` would install, without a network or a second install: the packages
 * `npm ls --omit=dev` lists, laid out at their lock paths as symlinks into the repository's node_modules. Started
 * with `--preserve-symlinks`, Node resolves every package's own imports inside this tree (without
 * it, a linked package would resolve from its real path, where the dev packages are too).
 * And the module names a compiled file requires, to compare with package.json "dependencies".
 */
import { spawnSync } from 'node:child_process';
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
 * Links the production closure of `root` into `target`/node_modules, as `npm ci --omit=dev` would
 * lay it out: the paths come from `npm ls --omit=dev --parseable --all` (npm's own answer), and each
 * must be a non-dev entry of package-lock.json (so the lock and the installed tree agree). Nested
 * paths (node_modules/a/node_modules/b) come with their linked parent; each one is checked to be there.
 */
export function linkProductionTree(root: string, target: string): ProductionTree {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as Lockfile;
  if (lock.lockfileVersion < 2) throw new Error(`package-lock.json v${lock.lockfileVersion} has no "packages" map`);
  const listed = npmLsProduction(root);
  const linked: string[] = [];
  for (const lockPath of listed) {
    const entry = lock.packages[lockPath];
    if (!entry || entry.dev) throw new Error(`npm ls lists ${lockPath} as production, package-lock.json does not`);
    if (entry.link) throw new Error(`${lockPath}: workspace links are not handled here`);
    if (lockPath.lastIndexOf('/node_modules/') > 0) continue;
    const at = path.join(target, lockPath);
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.symlinkSync(path.join(root, lockPath), at, 'dir');
    linked.push(lockPath);
  }
  const skipped: string[] = [];
  for (const [lockPath, entry] of Object.entries(lock.packages)) {
    if (lockPath === '' || entry.dev || !lockPath.startsWith('node_modules/') || listed.has(lockPath)) continue;
    // Only other platforms' optional native builds may be missing, as npm skips them too.
    if (entry.optional && !fs.existsSync(path.join(root, lockPath))) skipped.push(lockPath);
    else throw new Error(`${lockPath} is a production dependency in package-lock.json but npm ls does not list it`);
  }
  for (const lockPath of listed) {
    if (!fs.existsSync(path.join(target, lockPath))) throw new Error(`${lockPath} is not reachable in the production tree`);
  }
  return { linked, skipped };
}

/** Lock paths (node_modules/…) of the installed production packages, deduplicated. */
function npmLsProduction(root: string): Set<string> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // npm ls exits 1 on "extraneous" dev leftovers; its list is still complete, so read stdout either way.
  const out = spawnSync(npm, ['ls', '--omit=dev', '--parseable', '--all'], { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (out.error) throw out.error;
  const paths = out.stdout
    .split('\n')
    .map((line) => path.relative(root, line.trim()).split(path.sep).join('/'))
    .filter((rel) => rel.startsWith('node_modules/'));
  if (paths.length === 0) throw new Error(`npm ls --omit=dev listed nothing:\n${out.stderr}`);
  return new Set(paths);
}

/** Names of the packages package-lock.json marks dev-only (what production must never load). */
export function devPackageNames(root: string): Set<string> {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as Lockfile;
  const prod = new Set<string>();
  const dev = new Set<string>();
  for (const [lockPath, entry] of Object.entries(lock.packages)) {
    if (!lockPath.startsWith('node_modules/')) continue;
    const name = lockPath.slice(lockPath.lastIndexOf('node_modules/') + 'node_modules/'.length);
    (entry.dev ? dev : prod).add(name);
  }
  // A name with a production copy somewhere (another version) is not dev-only.
  return new Set([...dev].filter((n) => !prod.has(n)));
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
