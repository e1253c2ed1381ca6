import { trimTrailing } from '../../../src/core/text';

describe('trimTrailing (replaces /\\/+$/, which is quadratic on a long run of slashes)', () => {
  it.each([
    ['https://management.azure.com///', '/', 'https://management.azure.com'],
    ['https://x', '/', 'https://x'],
    ['///', '/', ''],
    ['', '/', ''],
    ['120', '0', '12'],
  ])('%j without trailing %j is %j', (s, ch, expected) => {
    expect(trimTrailing(s, ch)).toBe(expected);
  });
});
