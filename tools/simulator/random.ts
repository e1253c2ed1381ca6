/** Small seeded randomness so generated scenarios and fault rates replay exactly for a seed. */

/** mulberry32: 32-bit state, good enough spread for workload generation, deterministic per seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A lower-case version-4-shaped GUID drawn from `random`. */
export function randomGuid(random: () => number): string {
  const hex = (n: number): string => {
    let out = '';
    while (out.length < n)
      out += Math.floor(random() * 0x10000)
        .toString(16)
        .padStart(4, '0');
    return out.slice(0, n);
  };
  const variant = (8 + Math.floor(random() * 4)).toString(16);
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}

/** Standard normal draw (Box–Muller). */
export function normal(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Stable 32-bit FNV-1a hash, for values derived from a job id (activity ids, sizes). */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
