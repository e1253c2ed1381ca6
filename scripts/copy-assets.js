/**
 * Copies the files a build needs at run time that tsc does not emit: every non-TypeScript file under
 * src/ to the same place under `<outDir>/src/`. tsc emits .ts and the .json files they import,
 * nothing else, yet the Redis store reads its `.lua` scripts beside its compiled module and the
 * locale catalog reads every `*.json` in cards/i18n (de.json is imported by nothing).
 * Run after tsc by `npm run build`.
 * Usage: node scripts/copy-assets.js [outDir]   (default: dist)
 */
/* global require, process, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- a plain Node script, run without dev dependencies */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const outDir = path.resolve(root, process.argv[2] ?? 'dist');

function copyTree(from, to) {
  let copied = 0;
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) copied += copyTree(source, path.join(to, entry.name));
    else if (entry.isFile() && !entry.name.endsWith('.ts')) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(source, path.join(to, entry.name));
      copied++;
    }
  }
  return copied;
}

const copied = copyTree(path.join(root, 'src'), path.join(outDir, 'src'));
process.stdout.write(`copy-assets: ${copied} file(s) to ${path.relative(root, outDir) || '.'}/src\n`);
