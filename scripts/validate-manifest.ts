/**
 * Validates the manifest.json inside each given app package (zip) against the schema bundled in
 * @microsoft/app-manifest, offline, with the localization files it names. Prints one JSON line per archive: { file, manifestVersion, errors }.
 * Exit code 1 when any archive has errors.
 * Run: node -r ./scripts/register-ts.js scripts/validate-manifest.ts build/appPackage.zip
 */
import { readFileSync } from 'node:fs';
import { validateManifest } from './lib/validate-manifest';
import { unzipSync } from 'fflate';

async function main(files: string[]): Promise<number> {
  let failed = false;
  for (const file of files) {
    const entries = unzipSync(readFileSync(file), { filter: (f) => f.name.endsWith('.json') });
    const json = (name: string): unknown => JSON.parse(Buffer.from(entries[name]).toString('utf8'));
    const manifest = entries['manifest.json'] ? (json('manifest.json') as Record<string, unknown>) : undefined;
    const others = Object.fromEntries(
      Object.keys(entries)
        .filter((n) => n !== 'manifest.json')
        .map((n) => [n, json(n)]),
    );
    const errors = manifest ? await validateManifest(manifest, others) : ['manifest.json missing from the archive'];
    failed ||= errors.length > 0;
    console.log(JSON.stringify({ file, manifestVersion: manifest?.manifestVersion, errors }));
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 2;
  },
);
