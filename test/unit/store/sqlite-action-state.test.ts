/**
 * The SQLite ActionStateStore keeps nothing a hostile press could grow without bound: spent nonces
 * are deleted once their ticket expired, notes once they aged out (counted in the tables themselves).
 */
import { NOTE_TTL_MS } from '../../../src/store/action-state';
import { memoryStore } from '../../support/memory-store';

const T0 = Date.UTC(2026, 0, 1);
const count = (store: ReturnType<typeof memoryStore>, table: string): number =>
  (store.connection().prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('SQLite action state bounds', () => {
  it('forgets spent nonces whose ticket expired (they would be refused as expired anyway)', async () => {
    const store = memoryStore();
    for (let i = 0; i < 50; i++) expect(await store.spendTicket(`n${i}`, T0 + 1000, T0)).toBe(true);
    expect(count(store, 'spent_tickets')).toBe(50);
    expect(await store.spendTicket('later', T0 + 5000, T0 + 1000)).toBe(true);
    expect(count(store, 'spent_tickets')).toBe(1);
    await store.close();
  });

  it('forgets notes that aged out when the next note is written', async () => {
    const store = memoryStore();
    await store.recordActionNote('a:1chat', 'job-1', { kind: 'cancelled', name: 'A', at: T0 });
    await store.recordActionNote('a:2chat', 'job-2', { kind: 'cancelled', name: 'B', at: T0 + 1 });
    await store.recordActionNote('a:3chat', 'job-3', { kind: 'cancelled', name: 'C', at: T0 + NOTE_TTL_MS + 1 });
    expect(count(store, 'action_notes')).toBe(2);
    await store.close();
  });
});
