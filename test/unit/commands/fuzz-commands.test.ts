/**
 * Fuzz, part 1: structured and mutated commands (hostile ids, foreign vaults, Teams markup,
 * casing, typos) through the parser and the real handlers. Nothing throws, every message gets
 * an answer, no request reaches Azure outside the allow-list or with an unvalidated id.
 * Part 2 (random text, card buttons) is fuzz-text.test.ts: 11,000 generated inputs in all.
 */
import fc from 'fast-check';
import { parseCommand } from '../../../src/commands/parse';
import { runCommand } from '../../../src/commands/run';
import { ALLOWED, SUBSCRIPTION, commandHarness } from '../../support/command-fakes';
import { mutated, runMessage, validCommand } from './fuzz-arbitraries';

describe('command fuzz: commands', () => {
  it('handles 2,500 structured commands with hostile ids', async () => {
    await fc.assert(
      fc.asyncProperty(validCommand, fc.nat(), async (text, seed) => runMessage(text, seed)),
      { numRuns: 2500 },
    );
  });

  it('handles 2,500 mutated commands', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, fc.nat(), async (text, seed) => runMessage(text, seed)),
      { numRuns: 2500 },
    );
  });

  it('really reaches Azure for allowed vaults (the property is not vacuous)', async () => {
    const h = commandHarness();
    const id = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-dev/providers/Microsoft.RecoveryServices/vaults/vault-dev/backupJobs/7DDEAD57-BCB9-4269-AC31-6A1B57588700`;
    await runCommand(parseCommand(`<at>Backup Jobs</at> track job ${id}`), h.ctx);
    expect(h.api.calls).toEqual([
      { op: 'getJob', key: { vault: ALLOWED.vaults[1], jobId: '7ddead57-bcb9-4269-ac31-6a1b57588700' } },
      // The running job's item has no past runs in the store: the vault's history of 7 days is read once for its expected end.
      {
        op: 'listJobs',
        vault: ALLOWED.vaults[1],
        filter: { startTime: '2025-12-25T00:00:00.000Z', endTime: '2026-01-01T00:00:00.000Z' },
      },
    ]);
  });
});
