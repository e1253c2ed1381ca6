/**
 * The store of unit tests: SQLite `:memory:`, the default backend without its file, opened and
 * ready. Nothing survives the process; every call gets a store of its own.
 */
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';

/** A migrated empty database, serialized once: copying it costs a fifth of migrating anew (fuzz tests open thousands). */
let image: Buffer | undefined;

export function memoryStore(): SqliteStore {
  if (!image) {
    const template = new SqliteStore({ path: ':memory:' });
    template.initSync();
    image = template.connection().serialize();
    void template.close();
  }
  const store = new SqliteStore({ path: ':memory:', image });
  store.initSync();
  return store;
}
