import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { zipSync } from 'fflate';
import { PNG } from 'pngjs';
import yauzl from 'yauzl';
import { packageApp } from '../../../scripts/package-app';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCHEMAS = path.join(ROOT, 'node_modules', '@microsoft', 'app-manifest', 'build', 'json-schemas', 'teams');
const BOT_ID = '1b6a4f0e-2c3d-4e5f-8a9b-0c1d2e3f4a5b';
// Teams lists at most 10 commands per scope: unwatch, watching, vaults and language are in help only.
const COMMANDS = ['track job', 'track operation', 'untrack', 'tracking', 'jobs', 'watch', 'digest', 'backup', 'cancel job', 'help'];
const LANGUAGE_FILES = ['cs-CZ.json', 'de.json', 'en.json', 'es-ES.json', 'nl-NL.json', 'pt-BR.json', 'zh-CN.json'];

interface BotEntry {
  botId: string;
  scopes: string[];
  commandLists: { scopes: string[]; commands: { title: string; description?: string }[] }[];
}

function newestSchemaVersion(): string {
  const versions = readdirSync(SCHEMAS)
    .filter((d) => /^v\d+\.\d+$/.test(d))
    .map((d) => d.slice(1).split('.').map(Number) as [number, number])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const newest = versions[versions.length - 1];
  return `${newest[0]}.${newest[1]}`;
}

/**
 * Reads an archive with yauzl, a different implementation from the one that wrote it (fflate), so
 * a zip only our own writer could read fails here. yauzl also checks every entry's CRC.
 */
function readArchive(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (openError, zip) => {
      if (openError) return reject(openError);
      const entries = new Map<string, Buffer>();
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

/** The PNG header (IHDR, first chunk after the signature): size, bit depth and colour type. */
function pngHeader(png: Buffer): { width: number; height: number; bitDepth: number; colorType: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), bitDepth: png[24], colorType: png[25] };
}

interface Verdict {
  file: string;
  manifestVersion: string;
  errors: string[];
}

/**
 * Runs @microsoft/app-manifest's validator on archives in plain Node (the package requires an
 * ESM-only module that Jest's module system cannot load). The child has no way to fetch anything:
 * the validator is handed the schema file from the package.
 */
function validateArchives(files: string[]): Verdict[] {
  const result = spawnSync(
    process.execPath,
    ['-r', path.join(ROOT, 'scripts', 'register-ts.js'), path.join(ROOT, 'scripts', 'validate-manifest.ts'), ...files],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (result.status === 2 || result.error) throw new Error(`validator crashed: ${result.stderr} ${String(result.error)}`);
  return result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Verdict);
}

describe('Teams app package', () => {
  let workDir: string;
  let counter = 0;

  beforeAll(() => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'app-package-'));
  });
  afterAll(() => {
    rmSync(workDir, { recursive: true, force: true });
  });

  async function build(
    env: Record<string, string>,
    rootDir = ROOT,
  ): Promise<{ outFile: string; entries: Map<string, Buffer>; manifest: Record<string, unknown> }> {
    const outFile = path.join(workDir, `app-${++counter}.zip`);
    packageApp({ env, rootDir, outFile });
    const entries = await readArchive(outFile);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as Record<string, unknown>;
    return { outFile, entries, manifest };
  }

  it('zips manifest.json, a localization file per language and both icons at the archive root', async () => {
    const { entries, outFile } = await build({ MicrosoftAppId: BOT_ID });
    expect([...entries.keys()].sort()).toEqual([...LANGUAGE_FILES, 'color.png', 'manifest.json', 'outline.png'].sort());
    // Reproducible: the same inputs give the same bytes (fixed timestamps), so uploads are comparable.
    const again = await build({ MicrosoftAppId: BOT_ID });
    expect(readFileSync(again.outFile).equals(readFileSync(outFile))).toBe(true);
  });

  it('produces a manifest valid against the newest bundled schema, offline; a broken one is rejected', async () => {
    const good = await build({ MicrosoftAppId: BOT_ID });
    const version = newestSchemaVersion();
    expect(good.manifest.manifestVersion).toBe(version);
    expect(good.manifest.$schema).toBe(`https://developer.microsoft.com/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`);

    // Proves the validator is not vacuous: the same manifest with a bad bot entry must fail.
    const brokenFile = path.join(workDir, 'broken.zip');
    const broken = { ...good.manifest, bots: [{ botId: 'not-a-guid', scopes: ['everywhere'] }] };
    writeFileSync(brokenFile, zipSync({ 'manifest.json': Buffer.from(JSON.stringify(broken)) }));

    const [goodVerdict, brokenVerdict] = validateArchives([good.outFile, brokenFile]);
    expect(goodVerdict).toEqual({ file: good.outFile, manifestVersion: version, errors: [] });
    expect(brokenVerdict.errors.join('\n')).toMatch(/botId/);
    expect(brokenVerdict.errors.join('\n')).toMatch(/scopes/);
  });

  it('with ACTIONS=sso declares webApplicationInfo (the app registration and its exposed API) for Teams SSO, schema-valid', async () => {
    const off = await build({ MicrosoftAppId: BOT_ID });
    expect(off.manifest.webApplicationInfo).toBeUndefined();
    const sso = await build({ MicrosoftAppId: BOT_ID, ACTIONS: 'sso' });
    expect(sso.manifest.webApplicationInfo).toEqual({ id: BOT_ID, resource: `api://botid-${BOT_ID}` });
    const own = await build({ MicrosoftAppId: BOT_ID, ACTIONS: 'sso', SSO_APP_ID_URI: 'api://backup.example.com/botid-x' });
    expect(own.manifest.webApplicationInfo).toEqual({ id: BOT_ID, resource: 'api://backup.example.com/botid-x' });
    expect(validateArchives([sso.outFile, own.outFile]).map((v) => v.errors)).toEqual([[], []]);
  });

  it('carries localizationInfo with a file per catalog language, each valid against the Localization schema; a broken one is rejected', async () => {
    const good = await build({ MicrosoftAppId: BOT_ID });
    const info = good.manifest.localizationInfo as {
      defaultLanguageTag: string;
      additionalLanguages: { languageTag: string; file: string }[];
    };
    expect(info.defaultLanguageTag).toBe('en');
    expect(info.additionalLanguages.map((l) => l.languageTag)).toEqual(['cs-CZ', 'de', 'es-ES', 'nl-NL', 'pt-BR', 'zh-CN']);
    const file = (name: string): Record<string, string> => JSON.parse(good.entries.get(name)!.toString('utf8')) as Record<string, string>;
    const de = file('de.json');
    expect(de['name.full']).toBe('Backup Jobs für Azure Backup');
    expect(de['bots[0].commandLists[0].commands[2].description']).toBe(
      'Einen Auftrag in dieser Unterhaltung nicht mehr verfolgen: untrack <Auftrags-ID>',
    );
    expect(de['bots[0].commandLists[1].commands[2].description']).toBe(
      'Einen Auftrag in diesem Chat nicht mehr verfolgen: untrack <Auftrags-ID>',
    );
    // Titles are what the compose box sends, so the parser's words in every language.
    expect(file('zh-CN.json')[`bots[0].commandLists[0].commands[${COMMANDS.indexOf('watch')}].title`]).toBe('watch');
    expect((good.manifest.name as { full: string }).full).toBe(file('en.json')['name.full']);

    // Not vacuous: a too-long description and a file the manifest names but the package lacks are both refused.
    const tooLong = path.join(workDir, 'too-long.zip');
    const missing = path.join(workDir, 'missing.zip');
    const files = Object.fromEntries([...good.entries].map(([name, bytes]) => [name, new Uint8Array(bytes)]));
    writeFileSync(
      tooLong,
      zipSync({ ...files, 'cs-CZ.json': Buffer.from(JSON.stringify({ ...file('cs-CZ.json'), 'description.short': 'x'.repeat(81) })) }),
    );
    const { 'nl-NL.json': _dropped, ...withoutDutch } = files;
    writeFileSync(missing, zipSync(withoutDutch));
    const [goodVerdict, tooLongVerdict, missingVerdict] = validateArchives([good.outFile, tooLong, missing]);
    expect(goodVerdict.errors).toEqual([]);
    expect(tooLongVerdict.errors.join('\n')).toMatch(/^cs-CZ\.json: \/description\.short must NOT have more than 80 characters/);
    expect(missingVerdict.errors).toEqual(['nl-NL.json: named in localizationInfo but missing from the package']);
  });

  it('fills the bot id and derives a stable Teams app id from it', async () => {
    const first = (await build({ MicrosoftAppId: BOT_ID })).manifest;
    const second = (await build({ MicrosoftAppId: BOT_ID.toUpperCase() })).manifest;
    const other = (await build({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001' })).manifest;
    expect((first.bots as BotEntry[])[0].botId).toBe(BOT_ID);
    expect(first.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(first.id).not.toBe(BOT_ID);
    expect(second.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
    expect(JSON.stringify(first)).not.toContain('${{');
  });

  it('takes TEAMS_APP_ID when given, and reads .env when the environment lacks a key', async () => {
    const root = path.join(workDir, 'repo');
    mkdirSync(path.join(root, 'manifest'), { recursive: true });
    for (const f of ['manifest.template.json', 'color.png', 'outline.png']) {
      copyFileSync(path.join(ROOT, 'manifest', f), path.join(root, 'manifest', f));
    }
    copyFileSync(path.join(ROOT, 'package.json'), path.join(root, 'package.json'));
    writeFileSync(
      path.join(root, '.env'),
      `# bot identity\nMicrosoftAppId="${BOT_ID}"\nTEAMS_APP_ID=2f0e9c1a-1111-4222-8333-944455556666\n`,
    );
    const { manifest } = await build({}, root);
    expect((manifest.bots as BotEntry[])[0].botId).toBe(BOT_ID);
    expect(manifest.id).toBe('2f0e9c1a-1111-4222-8333-944455556666');
    const overridden = (await build({ TEAMS_APP_ID: '3a0e9c1a-1111-4222-8333-944455556666' }, root)).manifest;
    expect(overridden.id).toBe('3a0e9c1a-1111-4222-8333-944455556666');
  });

  it('refuses to build without a bot id, naming the key', () => {
    const root = path.join(workDir, 'no-env');
    mkdirSync(path.join(root, 'manifest'), { recursive: true });
    copyFileSync(path.join(ROOT, 'package.json'), path.join(root, 'package.json'));
    expect(() => packageApp({ env: {}, rootDir: root, outFile: path.join(root, 'x.zip') })).toThrow(/MicrosoftAppId/);
    expect(() => packageApp({ env: { MicrosoftAppId: 'bot' }, rootDir: root, outFile: path.join(root, 'x.zip') })).toThrow(/GUID/);
  });

  it('offers every command with a description in team, personal and group chat scope', async () => {
    const { manifest } = await build({ MicrosoftAppId: BOT_ID });
    const bot = (manifest.bots as BotEntry[])[0];
    expect(bot.scopes.sort()).toEqual(['groupChat', 'personal', 'team']);
    for (const scope of ['team', 'personal', 'groupChat']) {
      const list = bot.commandLists.find((l) => l.scopes.includes(scope));
      expect(list?.commands.map((c) => c.title)).toEqual(COMMANDS);
      for (const command of list!.commands) expect(command.description?.length).toBeGreaterThan(10);
    }
    expect((manifest.name as { short: string }).short).toBe('Backup Jobs');
    expect(Array.isArray(manifest.validDomains)).toBe(true);
  });

  it('ships a 192×192 colour icon and a 32×32 transparent white outline icon, as Teams requires', async () => {
    const { entries } = await build({ MicrosoftAppId: BOT_ID });
    // Both packaged unchanged from manifest/.
    expect(entries.get('color.png')!.equals(readFileSync(path.join(ROOT, 'manifest', 'color.png')))).toBe(true);
    expect(entries.get('outline.png')!.equals(readFileSync(path.join(ROOT, 'manifest', 'outline.png')))).toBe(true);

    const RGBA = 6;
    expect(pngHeader(entries.get('color.png')!)).toMatchObject({ width: 192, height: 192 });
    expect(pngHeader(entries.get('outline.png')!)).toEqual({ width: 32, height: 32, bitDepth: 8, colorType: RGBA });

    const outline = PNG.sync.read(entries.get('outline.png')!);
    let transparent = 0;
    let opaque = 0;
    for (let i = 0; i < outline.data.length; i += 4) {
      const alpha = outline.data[i + 3];
      if (alpha === 0) transparent++;
      if (alpha > 0) {
        opaque++;
        // Teams requires the outline to be white on transparent.
        expect([outline.data[i], outline.data[i + 1], outline.data[i + 2]]).toEqual([255, 255, 255]);
      }
    }
    expect(transparent).toBeGreaterThan(32 * 32 * 0.4);
    expect(opaque).toBeGreaterThan(32 * 4);

    // The colour icon fills its square: no transparent pixel.
    const color = PNG.sync.read(entries.get('color.png')!);
    expect(color.data.filter((_v, i) => i % 4 === 3).every((a) => a === 255)).toBe(true);
  });
});
