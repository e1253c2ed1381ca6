/**
 * What a production process loaded: a script preloaded with `node --require` records every module
 * file in require.cache and every specifier that failed to resolve (a devDependency the production
 * tree lacks, required inside a try/catch, would otherwise go unnoticed), and writes them when the
 * process exits. The compiled bot is CommonJS (dynamic import() becomes require), so this sees all.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isBuiltin, packageName } from './production-tree';

/** The environment key naming the file the record is written to. */
export const LOAD_LOG_ENV = 'BJ_TEST_LOAD_LOG';

const SCRIPT = `'use strict';
const Module = require('node:module');
const fs = require('node:fs');
const missing = [];
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  try {
    return resolve.call(this, request, ...rest);
  } catch (err) {
    missing.push(request);
    throw err;
  }
};
process.on('exit', () => {
  fs.writeFileSync(process.env.${LOAD_LOG_ENV}, JSON.stringify({ loaded: Object.keys(require.cache).filter((f) => f !== __filename), missing }));
});
`;

/** Writes the preload script into `dir` (outside the package folder) and returns its path. */
export function writeWatchScript(dir: string): string {
  const file = path.join(dir, 'load-watch.cjs');
  fs.writeFileSync(file, SCRIPT);
  return file;
}

export interface LoadRecord {
  /** Packages a file was loaded from (the innermost node_modules name), sorted. */
  readonly packages: string[];
  /** Specifiers that failed to resolve (bare names and paths). */
  readonly missing: string[];
  /** Loaded files outside `appDir` (the repository's own src, tools or node_modules would be a leak). */
  readonly outside: string[];
}

export function readLoadLog(file: string, appDir: string): LoadRecord {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { loaded: string[]; missing: string[] };
  const packages = new Set<string>();
  const outside: string[] = [];
  for (const loaded of raw.loaded) {
    if (isBuiltin(loaded)) continue;
    if (!loaded.startsWith(appDir + path.sep)) outside.push(loaded);
    const rel = loaded.split(path.sep).join('/');
    const at = rel.lastIndexOf('/node_modules/');
    if (at >= 0) packages.add(packageName(rel.slice(at + '/node_modules/'.length)));
  }
  return { packages: [...packages].sort(), missing: [...new Set(raw.missing)], outside };
}
