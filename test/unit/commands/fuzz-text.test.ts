/** Fuzz, part 2: random text of every kind and forged card button payloads (see fuzz-commands). */
import fc from 'fast-check';
import { parseCardAction } from '../../../src/cards/card-actions';
import { runCardAction } from '../../../src/commands/run';
import { commandHarness } from '../../support/command-fakes';
import { anyVault, assertCallsAllowed, flakyApi, guid, hostileId, randomText, runMessage, vaultOf } from './fuzz-arbitraries';

describe('command fuzz: text and buttons', () => {
  it('handles 5,000 random strings', async () => {
    await fc.assert(
      fc.asyncProperty(randomText, fc.nat(), async (text, seed) => runMessage(text, seed)),
      { numRuns: 5000 },
    );
  });

  it('handles 1,000 card button payloads, real and forged', async () => {
    // A job key as the card writes it, with the job id it ends in (or a forged one).
    const realKey = fc.tuple(vaultOf, guid).map(([[s, r, v], j]) => ({ jobKey: `${s}/${r}/${v}/${j}`.toLowerCase(), jobId: j }));
    const keys = fc.oneof(
      realKey,
      realKey.map((k) => ({ ...k, jobId: k.jobId.toUpperCase() })),
      fc.tuple(realKey, fc.oneof(guid, hostileId)).map(([k, jobId]) => ({ ...k, jobId })),
      fc.record({ jobKey: fc.string({ maxLength: 80 }), jobId: fc.oneof(guid, hostileId) }),
    );
    const value = fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .tuple(fc.constantFrom('refresh', 'untrack', 'cancel', ''), keys, anyVault)
          .map(([action, k, vault]) => ({ action, ...k, vault })),
      },
      { weight: 1, arbitrary: fc.anything() },
    );
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(value, fc.nat(), async (v, seed) => {
        const h = commandHarness({ api: flakyApi(seed), replyToId: 'activity-1' });
        try {
          const action = parseCardAction(v);
          if (action) {
            await runCardAction(action, h.ctx);
            expect(h.reply.sent.length).toBeGreaterThan(0);
            answered++;
          }
          assertCallsAllowed(h.api.calls);
        } finally {
          await h.store.close();
        }
      }),
      { numRuns: 1000 },
    );
    expect(answered).toBeGreaterThan(100);
  });
});
