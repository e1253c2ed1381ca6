/**
 * Wire formats of the Backup jobs API: timestamps with seven fractional digits as the service
 * writes them, and durations either as ISO 8601 (the spec) or .NET TimeSpan (real responses).
 */
import { trimTrailing } from '../../src/core/text';

export type DurationFormat = 'iso' | 'timespan';

/** `2026-01-01T10:00:00.1230000Z`: the service's 100-ns precision, padded from milliseconds. */
export function formatTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-01-01T10:00:00.123Z
  return `${iso.slice(0, 23)}0000Z`;
}

/** `PT1H2M3.5S`, `PT0S`. */
export function formatIsoDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const millis = total % 60_000;
  let out = 'PT';
  if (hours) out += `${hours}H`;
  if (minutes) out += `${minutes}M`;
  if (millis || (!hours && !minutes)) {
    const seconds = Math.floor(millis / 1000);
    const frac = millis % 1000;
    out += frac ? `${seconds}.${trimTrailing(String(frac).padStart(3, '0'), '0')}S` : `${seconds}S`;
  }
  return out;
}

/** `00:20:23.0896697`, `1.02:03:04` (days prefix past 24 h, as .NET prints it). */
export function formatTimeSpan(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const days = Math.floor(total / 86_400_000);
  const hours = Math.floor((total % 86_400_000) / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = Math.floor((total % 60_000) / 1000);
  const frac = total % 1000;
  const hms = `${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}`;
  const withFrac = frac ? `${hms}.${String(frac).padStart(3, '0')}0000` : hms;
  return days ? `${days}.${withFrac}` : withFrac;
}

export function formatDuration(ms: number, format: DurationFormat): string {
  return format === 'iso' ? formatIsoDuration(ms) : formatTimeSpan(ms);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
