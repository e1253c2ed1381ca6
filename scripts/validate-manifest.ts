/**
 * Validates the manifest.json inside each given app package (zip) against the schema bundled in
 * @microsoft/app-manifest, offline. Prints one JSON line per archive: { file, manifestVersion, errors }.
 * Exit code 1 when any archive has errors.
 * Run: node -r ./scripts/register-ts.js scripts/validate-manifest.ts build/appPackage.zip
 */
import { readFileSync } from 'node:fs';
import { validateManifest } from './lib/validate-manifest';
import { unzipSync } from 'fflate';

async function main(files: string[]): Promise<number> {
  let failed = false;
  for (const file of files) {
    const entry = unzipSync(readFileSync(file), { filter: (f) => f.name === 'manifest.json' })['manifest.json'];
    const manifest = entry ? (JSON.parse(Buffer.from(entry).toString('utf8')) as Record<string, unknown>) : undefined;
    const errors = manifest ? await validateManifest(manifest) : ['manifest.json missing from the archive'];
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
