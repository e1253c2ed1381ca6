/**
 * Loads TypeScript on the fly with swc (what jest uses) for benchmarks and child processes:
 * faster to start and much lighter in memory than ts-node, which keeps the TypeScript compiler
 * resident — it would count against the benchmarks' peak RSS.
 * Usage: node -r ./scripts/register-ts.js some-file.ts
 */
/* global require, module */
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS: it is the loader */
'use strict';
const fs = require('node:fs');
const swc = require('@swc/core');

require.extensions['.ts'] = (mod, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
  });
  mod._compile(code, filename);
};
module.exports = {};
