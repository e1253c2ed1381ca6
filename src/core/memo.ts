/**
 * A bounded memo for values derived from what clients send (locale tags, time zones): building
 * an Intl object or canonicalising a tag costs far more than a Map lookup, and the same few values
 * arrive with every message. A Map keeps insertion order, so it is an LRU: a hit moves to the end,
 * the first entry is the least recent and goes first when full; a key longer than any real one is
 * computed but never stored. Hostile input can therefore neither grow it nor hold a large key.
 */
export class BoundedMemo<T> {
  private readonly map = new Map<string, T>();

  constructor(
    readonly limit = 256,
    readonly maxKeyLength = 200,
  ) {}

  get(key: string, make: () => T): T {
    if (this.map.has(key)) {
      const hit = this.map.get(key) as T;
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
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
