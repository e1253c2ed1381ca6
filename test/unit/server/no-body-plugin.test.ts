/**
 * restify's body plugins stay out: bodyParser reads before authentication, inflates gzip without
 * a bound, and hands multipart to formidable 1.2.6 (unmaintained), which spools uploads to temp
 * files. `require('restify')` still loads formidable's code (restify/lib/index.js requires
 * ./plugins, whose index requires multipartBodyParser.js, which requires formidable), but only a
 * handler made by plugins.bodyParser / multipartBodyParser ever calls it, and no source file uses
 * restify.plugins at all. The request-level proof is in test/integration/server/hostile-requests.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '../../../src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sources(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

describe('src/', () => {
  it('uses no restify plugin (bodyParser, multipart, …) and does not require formidable itself', () => {
    // Code, not prose: json-body.ts explains in a comment why bodyParser is gone.
    const use = /\.plugins\.|\bplugins\s*[:=]|bodyParser\(|BodyParser\(|bodyReader\(|['"]formidable['"]/;
    const offenders = sources(SRC).filter((file) => use.test(fs.readFileSync(file, 'utf8')));
    expect(offenders.map((f) => path.relative(SRC, f))).toEqual([]);
  });

  it('imports restify in one file only, the server', () => {
    const importers = sources(SRC).filter((file) => /from 'restify'|require\('restify'\)/.test(fs.readFileSync(file, 'utf8')));
    expect(importers.map((f) => path.relative(SRC, f))).toEqual([path.join('server', 'server.ts')]);
  });
});
