/**
 * Builds the Teams app package: fills the manifest template's `${{KEY}}` placeholders, takes the
 * app's name, descriptions and commands from the message catalog (English in manifest.json, every
 * language in a localization file of its own), and zips manifest.json, the localization files and
 * the two icons into build/appPackage.zip.
 * Values come from the environment, then from .env, then from the defaults below.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { zipSync } from 'fflate';
import { manifestCommandLists } from '../src/commands/registry';
import { isGuid } from '../src/azure/id-rules';
import { appTexts, manifestLocalization } from './lib/manifest-localization';
import { validateManifest } from './lib/validate-manifest';
import { trimTrailing } from '../src/core/text';

const ROOT = path.resolve(__dirname, '..');
// A fixed timestamp (zip stores local time: 1 Jan 2026 00:00 in any time zone) keeps the archive reproducible.
const ZIP_TIME = new Date(2026, 0, 1);
// Fixed namespace so the same bot id always yields the same Teams app id (uploads then update the app).
const APP_ID_NAMESPACE = '6f1c3a52-8d0e-4f57-9a43-2b7f3c1e9d10';

export interface PackageOptions {
  /** Variables that win over .env (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where .env, manifest/ and package.json are read (default: the repository root). */
  rootDir?: string;
  /** Archive to write (default: <rootDir>/build/appPackage.zip). */
  outFile?: string;
}

export interface PackageResult {
  outFile: string;
  manifest: Record<string, unknown>;
  /** The localization files in the package, by file name. */
  localizationFiles: Record<string, Record<string, string>>;
}

/** A name-based (version 5) UUID, as RFC 4122 §4.3 describes. */
export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function resolveValues(rootDir: string, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  // Node's own .env parser (as src/index.ts uses through process.loadEnvFile), without touching process.env.
  const dotEnv = path.join(rootDir, '.env');
  const fromFile = existsSync(dotEnv) ? parseEnv(readFileSync(dotEnv, 'utf8')) : {};
  const pick = (key: string): string | undefined => {
    const value = env[key] ?? fromFile[key];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const botId = pick('MicrosoftAppId');
  if (!botId || !isGuid(botId)) {
    throw new Error(
      "MicrosoftAppId must be set to the bot's Microsoft App ID (a GUID such as 00000000-0000-0000-0000-000000000000) " +
        'in the environment or in .env to build the Teams app package',
    );
  }
  const teamsAppId = pick('TEAMS_APP_ID') ?? uuidV5(botId.toLowerCase(), APP_ID_NAMESPACE);
  if (!isGuid(teamsAppId)) throw new Error(`TEAMS_APP_ID must be a GUID, got "${teamsAppId}"`);
  const pkg = JSON.parse(readFileSync(path.join(rootDir, 'package.json'), 'utf8')) as { version: string };
  // ACTIONS=sso: Teams SSO needs the app registration's id and exposed API (webApplicationInfo).
  const sso: Record<string, string> =
    pick('ACTIONS') === 'sso'
      ? {
          WEBAPP_ID: (pick('SSO_CLIENT_ID') ?? botId).toLowerCase(),
          WEBAPP_RESOURCE: pick('SSO_APP_ID_URI') ?? `api://botid-${(pick('SSO_CLIENT_ID') ?? botId).toLowerCase()}`,
        }
      : {};
  return {
    ...sso,
    BOT_ID: botId,
    TEAMS_APP_ID: teamsAppId,
    APP_VERSION: pick('APP_VERSION') ?? pkg.version,
    DEVELOPER_NAME: pick('DEVELOPER_NAME') ?? 'Backup Jobs',
    APP_WEBSITE_URL: trimTrailing(pick('APP_WEBSITE_URL') ?? 'https://example.com/backup-jobs', '/'),
  };
}

/** Replaces every `${{KEY}}`; an unknown key is an error naming it, never an empty string. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\$\{\{\s*([A-Z_]\w*)\s*\}\}/gi, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`manifest template uses \${{${key}}} but no value is known for ${key}`);
    // Values land inside JSON strings: escape them as JSON would.
    return JSON.stringify(value).slice(1, -1);
  });
}

export function packageApp(options: PackageOptions = {}): PackageResult {
  const rootDir = options.rootDir ?? ROOT;
  const env = options.env ?? process.env;
  const manifestDir = path.join(rootDir, 'manifest');
  const values = resolveValues(rootDir, env);
  const manifestText = fillTemplate(readFileSync(path.join(manifestDir, 'manifest.template.json'), 'utf8'), values);
  const manifest = JSON.parse(manifestText) as Record<string, unknown>;
  // The commands offered in the compose box come from the command registry, like help and the parser.
  for (const bot of manifest.bots as Array<Record<string, unknown>>) bot.commandLists = manifestCommandLists();
  if (values.WEBAPP_ID !== undefined) manifest.webApplicationInfo = { id: values.WEBAPP_ID, resource: values.WEBAPP_RESOURCE };
  // Name and descriptions are catalog text, English here and each language in its own file.
  const english = appTexts('en');
  manifest.name = { short: english['name.short'], full: english['name.full'] };
  manifest.description = { short: english['description.short'], full: english['description.full'] };
  const localization = manifestLocalization(String(manifest.manifestVersion));
  manifest.localizationInfo = localization.info;
  const botDomain = env.BOT_DOMAIN?.trim();
  if (botDomain && Array.isArray(manifest.validDomains) && !manifest.validDomains.includes(botDomain)) {
    manifest.validDomains.push(botDomain);
  }
  const outFile = options.outFile ?? path.join(rootDir, 'build', 'appPackage.zip');
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(
    outFile,
    zipSync(
      {
        'manifest.json': [Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'), { level: 9 }],
        ...Object.fromEntries(
          Object.entries(localization.files).map(([name, file]) => [
            name,
            [Buffer.from(`${JSON.stringify(file, null, 2)}\n`, 'utf8'), { level: 9 }],
          ]),
        ),
        // PNGs are compressed already: stored as they are.
        'color.png': [readFileSync(path.join(manifestDir, 'color.png')), { level: 0 }],
        'outline.png': [readFileSync(path.join(manifestDir, 'outline.png')), { level: 0 }],
      },
      { mtime: ZIP_TIME },
    ),
  );
  return { outFile, manifest, localizationFiles: { ...localization.files } };
}

async function main(): Promise<void> {
  const { outFile, manifest, localizationFiles } = packageApp();
  const errors = await validateManifest(manifest, localizationFiles);
  if (errors.length > 0) throw new Error(`the manifest does not match its schema:\n  ${errors.join('\n  ')}`);
  console.log(`wrote ${path.relative(process.cwd(), outFile)} (Teams app id ${String(manifest.id)}, schema-valid)`);
  console.log('Upload it in Teams: Apps → Manage your apps → Upload an app (or the Teams admin center).');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
