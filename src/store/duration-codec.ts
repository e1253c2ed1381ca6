/** A stored DurationSample read back, checked: every backend returns the same shape, and a damaged value is skipped. */
import { z } from 'zod';
import type { DurationSample } from '../domain/durations';

const SAMPLE = z.object({
  itemKey: z.string(),
  vaultKey: z.string(),
  jobId: z.string(),
  endedAt: z.number().finite(),
  totalMs: z.number().finite().nonnegative(),
  tasks: z.array(z.object({ name: z.string(), endMs: z.number().finite().nonnegative() })),
});

export function parseDurationSample(json: string): DurationSample | undefined {
  try {
    const parsed = SAMPLE.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The stored form: exactly the fields above, so a caller's extra fields are not kept. */
export function durationSampleJson(s: DurationSample): string {
  return JSON.stringify({
    itemKey: s.itemKey,
    vaultKey: s.vaultKey,
    jobId: s.jobId,
    endedAt: s.endedAt,
    totalMs: s.totalMs,
    tasks: s.tasks.map((t) => ({ name: t.name, endMs: t.endMs })),
  });
}
