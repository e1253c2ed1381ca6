/** Field schemas shared by the config modules: each is [zod schema, the expected form named in errors]. */
import { z } from 'zod';

/** A positive whole number up to `max`, with its default. */
export function count(fallback: number, max: number): readonly [z.ZodDefault<z.ZodCoercedNumber>, string] {
  return [z.coerce.number().int().min(1).max(max).default(fallback), `a whole number from 1 to ${max}`] as const;
}
