/**
 * The specification of the store interfaces (src/store/types.ts) as one jest suite, run against
 * every backend. Each spec file declares the interface whose contract it checks; the suite runs
 * them grouped per interface and refuses to run when an interface has no spec.
 *
 * A backend's test file calls `describeStoreConformance` with a factory that yields a fresh, empty
 * store per test. Durable backends pass `reopen` (a new store on the same data) and
 * `{ durable: true }`, which adds the tests that close and reopen.
 */
import type { ActionStateStore } from '../../src/store/action-state';
import type {
  ConversationSettingsStore,
  DigestStore,
  DurationStatsStore,
  JobStore,
  OutboxStore,
  StateStore,
  StoreLifecycle,
  SubscriptionStore,
  WatchStore,
} from '../../src/store/types';
import { conversationDropSpec } from './spec-conversation-drop';
import { jobSpec } from './spec-jobs';
import { lifecycleSpec } from './spec-lifecycle';
import { capsSpec } from './spec-caps';
import { outboxSpec } from './spec-outbox';
import { settingsSpec } from './spec-settings';
import { subscriptionSpec } from './spec-subscriptions';
import { teamDropSpec } from './spec-team-drop';
import { valuesSpec } from './spec-values';
import { watchSpec } from './spec-watches';
import { digestSpec } from './spec-digests';
import { actionsSpec } from './spec-actions';
import { durationSpec } from './spec-durations';

/** The interfaces a spec can check, by name; `StateStore` for what holds across all of them (values, isolation). */
interface Interfaces {
  SubscriptionStore: SubscriptionStore;
  ConversationSettingsStore: ConversationSettingsStore;
  JobStore: JobStore;
  OutboxStore: OutboxStore;
  WatchStore: WatchStore;
  DigestStore: DigestStore;
  ActionStateStore: ActionStateStore;
  DurationStatsStore: DurationStatsStore;
  StoreLifecycle: StoreLifecycle;
  StateStore: StateStore;
}
export type StoreInterface = keyof Interfaces;

/** One spec file's part of the suite. */
export interface StoreSpec {
  /** The interface whose methods these tests specify; the store they get also serves their setup. */
  readonly tests: StoreInterface;
  readonly describe: (ctx: SpecContext, options: { readonly durable: boolean }) => void;
}

const SPECS: readonly StoreSpec[] = [
  subscriptionSpec,
  capsSpec,
  conversationDropSpec,
  teamDropSpec,
  settingsSpec,
  jobSpec,
  outboxSpec,
  watchSpec,
  digestSpec,
  actionsSpec,
  durationSpec,
  lifecycleSpec,
  valuesSpec,
];

/** Every interface, in the order the suite runs them (a Record, so that a new interface must be listed). */
const ORDER: Record<StoreInterface, number> = {
  SubscriptionStore: 1,
  ConversationSettingsStore: 2,
  JobStore: 3,
  OutboxStore: 4,
  WatchStore: 5,
  DigestStore: 6,
  ActionStateStore: 7,
  DurationStatsStore: 8,
  StoreLifecycle: 9,
  StateStore: 10,
};

export interface StoreHarness {
  store: StateStore;
  cleanup: () => Promise<void>;
  /** Opens the same data again; the suite closes the current store first. */
  reopen?: () => Promise<StateStore>;
  /** A second store on the same data, open beside the first: another instance (backends several instances share). */
  sibling?: () => Promise<StateStore>;
}

export type StoreFactory = () => Promise<StoreHarness>;

/** What each spec section sees: the store of the running test. */
export interface SpecContext {
  store(): StateStore;
  /** Closes the current store and continues on a reopened one (durable backends only). */
  reopen(): Promise<StateStore>;
  /** A second instance on the same data, initialised and closed after the test; undefined when the backend has none. */
  sibling(): Promise<StateStore | undefined>;
}

export function describeStoreConformance(name: string, factory: StoreFactory, options: { durable?: boolean } = {}): void {
  describe(`StateStore conformance: ${name}`, () => {
    let harness: StoreHarness | undefined;
    let current: StateStore | undefined;
    let siblings: StateStore[] = [];

    beforeEach(async () => {
      harness = await factory();
      current = harness.store;
      await current.init();
    });

    afterEach(async () => {
      for (const s of siblings) await s.close();
      siblings = [];
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
      sibling: async () => {
        if (!harness?.sibling) return undefined;
        const s = await harness.sibling();
        siblings.push(s);
        await s.init();
        return s;
      },
    };

    const durable = options.durable === true;
    for (const iface of (Object.keys(ORDER) as StoreInterface[]).sort((a, b) => ORDER[a] - ORDER[b])) {
      const specs = SPECS.filter((s) => s.tests === iface);
      if (specs.length === 0) throw new Error(`conformance: no spec checks ${iface}`);
      describe(iface, () => {
        for (const spec of specs) spec.describe(ctx, { durable });
      });
    }
  });
}
