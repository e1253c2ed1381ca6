import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { packageApp } from '../../../scripts/package-app';
import { decodePng, readPngHeader } from '../../../scripts/lib/png';
import { readZip, writeZip } from '../../../scripts/lib/zip';
import { ACCENT, renderIcon } from '../../../scripts/make-icons';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCHEMAS = path.join(ROOT, 'node_modules', '@microsoft', 'app-manifest', 'build', 'json-schemas', 'teams');
const BOT_ID = '1b6a4f0e-2c3d-4e5f-8a9b-0c1d2e3f4a5b';
const COMMANDS = ['track job', 'track operation', 'untrack', 'tracking', 'jobs', 'vaults', 'help'];

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
  const newest = versions[versions.length - 1]!;
  return `${newest[0]}.${newest[1]}`;
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
    ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'scripts', 'validate-manifest.ts'), ...files],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') } },
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

  function build(
    env: Record<string, string>,
    rootDir = ROOT,
  ): { outFile: string; entries: Map<string, Buffer>; manifest: Record<string, unknown> } {
    const outFile = path.join(workDir, `app-${++counter}.zip`);
    packageApp({ env, rootDir, outFile });
    const entries = new Map(readZip(readFileSync(outFile)).map((e) => [e.name, e.data]));
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as Record<string, unknown>;
    return { outFile, entries, manifest };
  }

  it('zips manifest.json and both icons at the archive root', () => {
    const { entries } = build({ MicrosoftAppId: BOT_ID });
    expect([...entries.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
  });

  it('produces a manifest valid against the newest bundled schema, offline; a broken one is rejected', () => {
    const good = build({ MicrosoftAppId: BOT_ID });
    const version = newestSchemaVersion();
    expect(good.manifest.manifestVersion).toBe(version);
    expect(good.manifest.$schema).toBe(`https://developer.microsoft.com/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`);

    // Proves the validator is not vacuous: the same manifest with a bad bot entry must fail.
    const brokenFile = path.join(workDir, 'broken.zip');
    const broken = { ...good.manifest, bots: [{ botId: 'not-a-guid', scopes: ['everywhere'] }] };
    writeFileSync(brokenFile, writeZip([{ name: 'manifest.json', data: Buffer.from(JSON.stringify(broken)) }]));

    const [goodVerdict, brokenVerdict] = validateArchives([good.outFile, brokenFile]);
    expect(goodVerdict).toEqual({ file: good.outFile, manifestVersion: version, errors: [] });
    expect(brokenVerdict!.errors.join('\n')).toMatch(/botId/);
    expect(brokenVerdict!.errors.join('\n')).toMatch(/scopes/);
  });

  it('fills the bot id and derives a stable Teams app id from it', () => {
    const first = build({ MicrosoftAppId: BOT_ID }).manifest;
    const second = build({ MicrosoftAppId: BOT_ID.toUpperCase() }).manifest;
    const other = build({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001' }).manifest;
    expect((first.bots as BotEntry[])[0]!.botId).toBe(BOT_ID);
    expect(first.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(first.id).not.toBe(BOT_ID);
    expect(second.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
    expect(JSON.stringify(first)).not.toContain('${{');
  });

  it('takes TEAMS_APP_ID when given, and reads .env when the environment lacks a key', () => {
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
    const { manifest } = build({}, root);
    expect((manifest.bots as BotEntry[])[0]!.botId).toBe(BOT_ID);
    expect(manifest.id).toBe('2f0e9c1a-1111-4222-8333-944455556666');
    const overridden = build({ TEAMS_APP_ID: '3a0e9c1a-1111-4222-8333-944455556666' }, root).manifest;
    expect(overridden.id).toBe('3a0e9c1a-1111-4222-8333-944455556666');
  });

  it('refuses to build without a bot id, naming the key', () => {
    const root = path.join(workDir, 'no-env');
    mkdirSync(path.join(root, 'manifest'), { recursive: true });
    copyFileSync(path.join(ROOT, 'package.json'), path.join(root, 'package.json'));
    expect(() => packageApp({ env: {}, rootDir: root, outFile: path.join(root, 'x.zip') })).toThrow(/MicrosoftAppId/);
    expect(() => packageApp({ env: { MicrosoftAppId: 'bot' }, rootDir: root, outFile: path.join(root, 'x.zip') })).toThrow(/GUID/);
  });

  it('offers every command with a description in team, personal and group chat scope', () => {
    const { manifest } = build({ MicrosoftAppId: BOT_ID });
    const bot = (manifest.bots as BotEntry[])[0]!;
    expect(bot.scopes.sort()).toEqual(['groupChat', 'personal', 'team']);
    for (const scope of ['team', 'personal', 'groupChat']) {
      const list = bot.commandLists.find((l) => l.scopes.includes(scope));
      expect(list?.commands.map((c) => c.title)).toEqual(COMMANDS);
      for (const command of list!.commands) expect(command.description?.length).toBeGreaterThan(10);
    }
    expect((manifest.name as { short: string }).short).toBe('Backup Jobs');
    expect(Array.isArray(manifest.validDomains)).toBe(true);
  });

  it('ships a 192×192 colour icon and a 32×32 transparent white outline icon', () => {
    const { entries } = build({ MicrosoftAppId: BOT_ID });
    const colorHeader = readPngHeader(entries.get('color.png')!);
    const outlineHeader = readPngHeader(entries.get('outline.png')!);
    expect([colorHeader.width, colorHeader.height]).toEqual([192, 192]);
    expect([outlineHeader.width, outlineHeader.height]).toEqual([32, 32]);

    const outline = decodePng(entries.get('outline.png')!);
    let transparent = 0;
    let opaque = 0;
    for (let i = 0; i < outline.pixels.length; i += 4) {
      const alpha = outline.pixels[i + 3]!;
      if (alpha === 0) transparent++;
      if (alpha > 0) {
        opaque++;
        // Teams requires the outline to be white on transparent.
        expect([outline.pixels[i], outline.pixels[i + 1], outline.pixels[i + 2]]).toEqual([255, 255, 255]);
      }
    }
    expect(transparent).toBeGreaterThan(32 * 32 * 0.4);
    expect(opaque).toBeGreaterThan(32 * 4);

    const color = decodePng(entries.get('color.png')!);
    expect(color.pixels.filter((_v, i) => i % 4 === 3).every((a) => a === 255)).toBe(true);
    expect([...color.pixels.subarray(0, 4)]).toEqual([...ACCENT]);
  });

  it('the committed icons are what scripts/make-icons.ts draws', () => {
    const committed = decodePng(readFileSync(path.join(ROOT, 'manifest', 'outline.png')));
    const drawn = renderIcon({ size: 32, glyphScale: 1, stroke: 0.085, background: [0, 0, 0, 0] });
    expect(Buffer.from(committed.pixels).equals(Buffer.from(drawn.pixels))).toBe(true);
  });
});
