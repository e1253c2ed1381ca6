/**
 * Loads TypeScript on the fly with swc (what jest uses) for benchmarks and child processes:
 * faster to start and much lighter in memory than ts-node, which keeps the TypeScript compiler
 * resident — it would count against the benchmarks' peak RSS.
 * Output is cached on disk by content (the test suite starts some forty bots and children, each
 * compiling the same files); swc itself is loaded only on a cache miss.
 * Usage: node -r ./scripts/register-ts.js some-file.ts
 */
/* global require, module, process */
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS: it is the loader */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const OPTIONS = {
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
  jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
};
const CACHE_DIR = process.env['REGISTER_TS_CACHE'] || path.join(os.tmpdir(), 'backup-jobs-register-ts');
// The swc version is part of the key: a new compiler must not serve the old one's output.
const SWC_VERSION = require('@swc/core/package.json').version;
let swc;

function compile(source, filename) {
  const key = crypto
    .createHash('sha256')
    .update(`${SWC_VERSION}\0${JSON.stringify(OPTIONS)}\0${filename}\0`)
    .update(source)
    .digest('hex');
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // Not cached yet.
  }
  swc ??= require('@swc/core');
  const { code } = swc.transformSync(source, { filename, ...OPTIONS });
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Parallel processes compile the same file: write aside, then rename (atomic), so none reads half a file.
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, cached);
  } catch {
    // A read-only or full disk only costs the next process a compile.
  }
  return code;
}

require.extensions['.ts'] = (mod, filename) => {
  mod._compile(compile(fs.readFileSync(filename, 'utf8'), filename), filename);
};
module.exports = {};
