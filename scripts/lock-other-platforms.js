/**
 * Records the platform-specific optional packages of other platforms in package-lock.json.
 *
 * The npm registry mirror of these machines serves only this platform's native bindings
 * (e.g. @swc/core-linux-x64-gnu but not @swc/core-darwin-arm64), so `npm install` cannot lock the
 * others, and npm 11's `npm ci` then refuses the lock as out of sync (npm/cli#8805). Each missing
 * entry is added as a public registry lock would have it: version, `optional`, and the os/cpu/libc
 * that make npm skip it on any other platform. Run after changing dependencies:
 *   node scripts/lock-other-platforms.js && npm ci --dry-run
 */
/* global require, process, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- a plain Node script */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const lockPath = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));

let out = '';
try {
  execFileSync('npm', ['ci', '--dry-run', '--ignore-scripts'], { cwd: path.dirname(lockPath), encoding: 'utf8', stdio: 'pipe' });
} catch (error) {
  out = `${error.stdout ?? ''}${error.stderr ?? ''}`;
}
const missing = [...out.matchAll(/Missing: (@?[^@\s]+)@\S* from lock file/g)].map((m) => m[1]);
if (missing.length === 0) {
  process.stdout.write('package-lock.json is complete\n');
  process.exit(0);
}

/** The version a locked package asks for, through its optionalDependencies. */
function wantedVersion(name) {
  for (const entry of Object.values(lock.packages)) {
    const v = entry.optionalDependencies && entry.optionalDependencies[name];
    if (v) return v.replace(/^[\^~=]/, '');
  }
  throw new Error(`no locked package lists ${name} as an optional dependency`);
}

const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony', 'sunos', 'openbsd', 'netbsd', 'aix'];
const CPU = ['arm64', 'x64', 'arm', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el', 'wasm32'];

for (const name of missing) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p));
  if (!os || !cpu) throw new Error(`cannot tell the platform of ${name}`);
  const entry = { version: wantedVersion(name), optional: true, os: [os], cpu: [cpu] };
  if (parts.some((p) => p.startsWith('musl'))) entry.libc = ['musl'];
  else if (parts.some((p) => p === 'gnu' || p.startsWith('gnueabi'))) entry.libc = ['glibc'];
  lock.packages[`node_modules/${name}`] = entry;
  process.stdout.write(`locked ${name}@${entry.version} (${os} ${cpu}${entry.libc ? ` ${entry.libc[0]}` : ''})\n`);
}
const sorted = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
lock.packages = sorted;
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
