import { parseRetryAfterValue, retryAfterMs } from '../../../src/core/retry-after';

describe('Retry-After', () => {
  const now = Date.parse('2026-03-01T10:00:00Z');

  it('reads delay-seconds (fractions rounded up) and HTTP dates; rejects the unreadable', () => {
    expect(parseRetryAfterValue('7', now)).toBe(7000);
    expect(parseRetryAfterValue(' 1.2 ', now)).toBe(1200);
    expect(parseRetryAfterValue('0.0001', now)).toBe(1);
    expect(parseRetryAfterValue('Sun, 01 Mar 2026 10:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfterValue('Sun, 01 Mar 2026 09:00:00 GMT', now)).toBe(0);
    for (const bad of [undefined, '', '  ', 'soon', '-5x']) expect(parseRetryAfterValue(bad, now)).toBeUndefined();
  });

  it("prefers Azure's millisecond headers, from a header record (undici) or a Headers object (connector)", () => {
    expect(retryAfterMs({ 'retry-after': '3', 'x-ms-retry-after-ms': '1500' }, now)).toBe(1500);
    expect(retryAfterMs({ 'retry-after': '3', 'retry-after-ms': '250.5' }, now)).toBe(251);
    expect(retryAfterMs({ 'retry-after': ['4', '9'] }, now)).toBe(4000);
    expect(retryAfterMs({ 'x-ms-retry-after-ms': 'bad', 'retry-after': '2' }, now)).toBe(2000);
    expect(retryAfterMs({}, now)).toBeUndefined();
    const fetchStyle = new Headers({ 'Retry-After': 'Sun, 01 Mar 2026 10:00:05 GMT' });
    expect(retryAfterMs(fetchStyle, now)).toBe(5000);
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });
});
