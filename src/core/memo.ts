/**
 * A bounded memo for values derived from what clients send (locale tags, time zones): building
 * an Intl object or canonicalising a tag costs far more than a Map lookup, and the same few values
 * arrive with every message. When full, the oldest entry goes (a Map keeps insertion order); a hit
 * changes nothing, so the common case allocates nothing. A key longer than any real one is computed
 * but never stored. Hostile input can therefore neither grow it nor hold a large key.
 */
export class BoundedMemo<T> {
  private readonly map = new Map<string, T>();

  constructor(
    readonly limit = 256,
    readonly maxKeyLength = 200,
  ) {}

  get(key: string, make: () => T): T {
    if (this.map.has(key)) return this.map.get(key) as T;
    const value = make();
    if (key.length > this.maxKeyLength) return value;
    if (this.map.size >= this.limit) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, value);
    return value;
  }

  /** Entries held, for tests: never more than `limit`. */
  get size(): number {
    return this.map.size;
  }
}
