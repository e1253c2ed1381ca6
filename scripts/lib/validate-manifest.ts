import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AppManifestUtils as AppManifestUtilsType, TeamsManifest } from '@microsoft/app-manifest';

type Schema = Parameters<typeof AppManifestUtilsType.validateAgainstSchema>[1];

const SCHEMAS = path.join(path.dirname(require.resolve('@microsoft/app-manifest/package.json')), 'build', 'json-schemas', 'teams');

/** Manifest versions whose JSON schema ships inside @microsoft/app-manifest, oldest first. */
export function bundledSchemaVersions(): string[] {
  return readdirSync(SCHEMAS)
    .filter((d) => /^v\d+\.\d+$/.test(d))
    .map((d) => d.slice(1))
    .sort((a, b) => {
      const [am, an] = a.split('.').map(Number) as [number, number];
      const [bm, bn] = b.split('.').map(Number) as [number, number];
      return am - bm || an - bn;
    });
}

/**
 * Validates a Teams manifest against the schema bundled for its `manifestVersion`, never fetching
 * anything: the schema is read from disk and handed to the package's own validator.
 * Only plain Node can load the package (it requires an ESM-only module), not Jest's module system.
 */
export async function validateManifest(manifest: Record<string, unknown>): Promise<string[]> {
  const version = String(manifest.manifestVersion);
  if (!bundledSchemaVersions().includes(version)) return [`no bundled schema for manifestVersion ${version}`];
  const schema = JSON.parse(readFileSync(path.join(SCHEMAS, `v${version}`, 'MicrosoftTeams.schema.json'), 'utf8')) as Schema;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily so importing this file stays cheap
  const { AppManifestUtils } = require('@microsoft/app-manifest') as { AppManifestUtils: typeof AppManifestUtilsType };
  return AppManifestUtils.validateAgainstSchema(manifest as unknown as TeamsManifest, schema);
}
