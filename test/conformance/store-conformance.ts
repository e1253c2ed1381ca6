/**
 * The specification of StateStore as one jest suite, run against every backend. A backend's test
 * file calls `describeStoreConformance` with a factory that yields a fresh, empty store per test.
 * Durable backends pass `reopen` (a new store on the same data) and `{ durable: true }`, which adds
 * the tests that close and reopen.
 */
import type { StateStore } from '../../src/store/types';
import { describeConversationDropSpec } from './spec-conversation-drop';
import { describeJobSpec } from './spec-jobs';
import { describeLifecycleSpec } from './spec-lifecycle';
import { describeOutboxSpec } from './spec-outbox';
import { describeSubscriptionSpec } from './spec-subscriptions';
import { describeTeamDropSpec } from './spec-team-drop';

export interface StoreHarness {
  store: StateStore;
  cleanup: () => Promise<void>;
  /** Opens the same data again; the suite closes the current store first. */
  reopen?: () => Promise<StateStore>;
}

export type StoreFactory = () => Promise<StoreHarness>;

/** What each spec section sees: the store of the running test. */
export interface SpecContext {
  store(): StateStore;
  /** Closes the current store and continues on a reopened one (durable backends only). */
  reopen(): Promise<StateStore>;
}

export function describeStoreConformance(name: string, factory: StoreFactory, options: { durable?: boolean } = {}): void {
  describe(`StateStore conformance: ${name}`, () => {
    let harness: StoreHarness | undefined;
    let current: StateStore | undefined;

    beforeEach(async () => {
      harness = await factory();
      current = harness.store;
      await current.init();
    });

    afterEach(async () => {
      await current?.close();
      await harness?.cleanup();
      harness = undefined;
      current = undefined;
    });

    const ctx: SpecContext = {
      store: () => {
        if (!current) throw new Error('no store: used outside a test');
        return current;
      },
      reopen: async () => {
        if (!harness?.reopen || !current) throw new Error(`${name}: a durable backend must provide reopen()`);
        await current.close();
        current = await harness.reopen();
        await current.init();
        return current;
      },
    };

    describeSubscriptionSpec(ctx);
    describeConversationDropSpec(ctx);
    describeTeamDropSpec(ctx, options.durable === true);
    describeJobSpec(ctx);
    describeOutboxSpec(ctx);
    describeLifecycleSpec(ctx, options.durable === true);
  });
}
