import { BoundedMemo } from '../../../src/core/memo';

describe('BoundedMemo', () => {
  it('computes a key once, undefined included, and answers later asks from memory', () => {
    const memo = new BoundedMemo<string | undefined>(4);
    let calls = 0;
    const make = (v: string | undefined) => () => {
      calls++;
      return v;
    };
    expect(memo.get('de_DE', make('de-DE'))).toBe('de-DE');
    expect(memo.get('de_DE', make('other'))).toBe('de-DE');
    expect(memo.get('xx', make(undefined))).toBeUndefined();
    expect(memo.get('xx', make('other'))).toBeUndefined();
    expect(calls).toBe(2);
  });

  it('holds at most `limit` entries and drops the oldest first', () => {
    const memo = new BoundedMemo<number>(3);
    for (const k of ['a', 'b', 'c']) memo.get(k, () => 1);
    memo.get('d', () => 1); // drops a
    expect(memo.size).toBe(3);
    expect(memo.get('b', () => 9)).toBe(1);
    expect(memo.get('a', () => 9)).toBe(9);
    for (let i = 0; i < 1000; i++) memo.get(`k${i}`, () => i);
    expect(memo.size).toBe(3);
  });

  it('computes but never keeps a key longer than maxKeyLength', () => {
    const memo = new BoundedMemo<number>(8, 10);
    let calls = 0;
    const long = 'x'.repeat(11);
    memo.get(long, () => ++calls);
    memo.get(long, () => ++calls);
    expect(calls).toBe(2);
    expect(memo.size).toBe(0);
  });
});
