/**
 * The registry is the one list of commands: the parser, help, "did you mean" and the app
 * manifest all derive from it, so a command registered once shows up everywhere.
 */
import { t } from '../../../src/cards/i18n';
import en from '../../../src/cards/i18n/en.json';
import { buildHelpCard } from '../../../src/cards/static-cards';
import { parseCommand } from '../../../src/commands/parse';
import { COMMAND_WORDS, COMMANDS, HELP_LINES, closestCommand, manifestCommandLists } from '../../../src/commands/registry';
import { packageApp } from '../../../scripts/package-app';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';

describe('command registry', () => {
  test('kinds are unique and every command has words, examples, a help line and a manifest entry', () => {
    expect(new Set(COMMANDS.map((c) => c.kind)).size).toBe(COMMANDS.length);
    for (const c of COMMANDS) {
      expect([c.kind, c.words.length > 0, c.examples.length > 0]).toEqual([c.kind, true, true]);
      expect(en).toHaveProperty([c.help]);
      expect(c.manifest.title).toBe(c.words[0]);
      expect(c.manifest.description.length).toBeGreaterThan(10);
    }
  });

  test.each(COMMANDS.flatMap((c) => c.examples.map((example) => [c.kind, example] as const)))(
    '%s parses its own example %j, and no other command matches it',
    (kind, example) => {
      expect(parseCommand(example).kind).toBe(kind);
      expect(parseCommand(`<at>Backup Jobs</at> ${example.toUpperCase()}`).kind).toBe(kind);
      // Patterns are disjoint: the registry order only decides what is displayed first.
      expect(COMMANDS.filter((c) => c.match(example) !== undefined).map((c) => c.kind)).toEqual([kind]);
    },
  );

  test('every command word is suggested for its own typo by "did you mean"', () => {
    for (const word of COMMAND_WORDS) {
      const typo = word.slice(0, -1);
      expect([typo, closestCommand(typo)]).toEqual([typo, word]);
      const parsed = parseCommand(`${typo}x`);
      if (parsed.kind === 'unknown') expect(COMMAND_WORDS).toContain(parsed.suggestion);
    }
  });

  test('help lists every registered command, in registry order', () => {
    expect(HELP_LINES).toEqual(COMMANDS.map((c) => c.help));
    const card = JSON.stringify(buildHelpCard('en', { lines: HELP_LINES }));
    let at = -1;
    for (const c of COMMANDS) {
      const line = JSON.stringify(t('en', c.help)).slice(1, -1);
      const found = card.indexOf(line);
      expect([c.kind, found > at]).toEqual([c.kind, true]);
      at = found;
    }
  });

  test('the manifest commandLists are the registry, in every scope', () => {
    const lists = manifestCommandLists();
    expect(lists.map((l) => l.scopes)).toEqual([['team'], ['personal'], ['groupChat']]);
    for (const list of lists) {
      expect(list.commands.map((c) => c.title)).toEqual(COMMANDS.filter((c) => c.manifest.listed !== false).map((c) => c.manifest.title));
      expect(list.commands.length).toBeLessThanOrEqual(10);
      expect(list.commands.every((c) => !c.description.includes('{'))).toBe(true);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-manifest-'));
    try {
      const { manifest } = packageApp({
        env: { MicrosoftAppId: '1b6a4f0e-2c3d-4e5f-8a9b-0c1d2e3f4a5b' },
        outFile: path.join(dir, 'a.zip'),
      });
      expect((manifest.bots as Array<{ commandLists: unknown }>)[0].commandLists).toEqual(lists);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
