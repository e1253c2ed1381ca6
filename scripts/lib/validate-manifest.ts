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
 * A regex source with every `]` that closes no character class escaped. The bundled Localization
 * schema writes `\\[\\b(…)\\b]`: fine for JavaScript's legacy regexes, a syntax error under the
 * `u` flag the package's ajv compiles patterns with. Escaping a lone `]` keeps its meaning.
 */
export function escapeLoneBrackets(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i++;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === ']') {
      out += inClass ? c : '\\]';
      inClass = false;
    } else out += c;
  }
  return out;
}

/** Every pattern of a schema (pattern values and patternProperties keys) made valid under the `u` flag. */
function unicodeSafe(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unicodeSafe);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'pattern' && typeof item === 'string') out[key] = escapeLoneBrackets(item);
    else if (key === 'patternProperties' && item && typeof item === 'object') {
      const patterns = item as Record<string, unknown>;
      out[key] = Object.fromEntries(Object.entries(patterns).map(([p, schema]) => [escapeLoneBrackets(p), unicodeSafe(schema)]));
    } else out[key] = unicodeSafe(item);
  }
  return out;
}

/** The bundled JSON schema file of this manifest version, parsed. */
function bundledSchema(version: string, file: string): Schema {
  return unicodeSafe(JSON.parse(readFileSync(path.join(SCHEMAS, `v${version}`, file), 'utf8'))) as Schema;
}

/**
 * Validates a Teams manifest against the schema bundled for its `manifestVersion`, never fetching
 * anything: the schema is read from disk and handed to the package's own validator. Each file its
 * `localizationInfo` names must be among `localizationFiles` (the package's other entries) and pass
 * the Localization schema of the same version; errors name the file.
 * Only plain Node can load the package (it requires an ESM-only module), not Jest's module system.
 */
export async function validateManifest(
  manifest: Record<string, unknown>,
  localizationFiles: Readonly<Record<string, unknown>> = {},
): Promise<string[]> {
  const version = String(manifest.manifestVersion);
  if (!bundledSchemaVersions().includes(version)) return [`no bundled schema for manifestVersion ${version}`];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily so importing this file stays cheap
  const { AppManifestUtils } = require('@microsoft/app-manifest') as { AppManifestUtils: typeof AppManifestUtilsType };
  const errors = await AppManifestUtils.validateAgainstSchema(
    manifest as unknown as TeamsManifest,
    bundledSchema(version, 'MicrosoftTeams.schema.json'),
  );
  const info = manifest.localizationInfo as
    { defaultLanguageFile?: string; additionalLanguages?: Array<{ languageTag?: string; file?: string }> } | undefined;
  const named = [info?.defaultLanguageFile, ...(info?.additionalLanguages ?? []).map((l) => l.file)].filter(
    (f): f is string => f !== undefined,
  );
  const localizationSchema = bundledSchema(version, 'MicrosoftTeams.Localization.schema.json');
  for (const file of named) {
    const content = localizationFiles[file];
    if (content === undefined) {
      errors.push(`${file}: named in localizationInfo but missing from the package`);
      continue;
    }
    for (const error of await AppManifestUtils.validateAgainstSchema(content as TeamsManifest, localizationSchema))
      errors.push(`${file}: ${error}`);
  }
  return errors;
}
