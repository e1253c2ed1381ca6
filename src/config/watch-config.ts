/** The WATCH_* keys: caps and the burst threshold of vault watches. */
import { DEFAULT_WATCH_LIMITS, type WatchLimits } from '../domain/watch';
import { count } from './fields';

/** The environment keys of watches (config.ts FIELDS): schema and the expected form named in errors. */
export const WATCH_FIELDS = {
  WATCH_MAX_PER_CONVERSATION: count(DEFAULT_WATCH_LIMITS.watchesPerConversation, 1_000),
  WATCH_ROLLUP_ABOVE: count(DEFAULT_WATCH_LIMITS.rollupAbove, 1_000),
  WATCH_ROLLUP_LIST_MAX: count(DEFAULT_WATCH_LIMITS.rollupListMax, 50),
} as const;

/** The parsed values readWatch reads (already validated one by one). */
export interface WatchKeys {
  readonly WATCH_MAX_PER_CONVERSATION: number;
  readonly WATCH_ROLLUP_ABOVE: number;
  readonly WATCH_ROLLUP_LIST_MAX: number;
}

export function readWatch(v: WatchKeys): WatchLimits {
  return {
    watchesPerConversation: v.WATCH_MAX_PER_CONVERSATION,
    rollupAbove: v.WATCH_ROLLUP_ABOVE,
    rollupListMax: v.WATCH_ROLLUP_LIST_MAX,
  };
}
