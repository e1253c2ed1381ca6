/** The TRACK_* and OPERATION_* keys: caps on what users can make the bot track and follow. */
import { DEFAULT_TRACKING_LIMITS, type TrackingLimits } from '../domain/limits';
import { count } from './fields';

/** The environment keys of the tracking limits (config.ts FIELDS): schema and the expected form named in errors. */
export const LIMIT_FIELDS = {
  TRACK_MAX_JOBS_PER_CONVERSATION: count(DEFAULT_TRACKING_LIMITS.jobsPerConversation, 10_000),
  TRACK_MAX_JOBS_TOTAL: count(DEFAULT_TRACKING_LIMITS.jobsTotal, 1_000_000),
  TRACK_MAX_PENDING_PER_CONVERSATION: count(DEFAULT_TRACKING_LIMITS.pendingPerConversation, 1_000),
  TRACK_PENDING_TTL_SECONDS: count(DEFAULT_TRACKING_LIMITS.pendingTtlMs / 1000, 86_400),
  OPERATION_MAX_FOLLOWERS_PER_CONVERSATION: count(DEFAULT_TRACKING_LIMITS.followersPerConversation, 1_000),
  OPERATION_MAX_FOLLOWERS_TOTAL: count(DEFAULT_TRACKING_LIMITS.followersTotal, 100_000),
} as const;

/** The parsed values readLimits reads (already validated one by one). */
export interface LimitKeys {
  readonly TRACK_MAX_JOBS_PER_CONVERSATION: number;
  readonly TRACK_MAX_JOBS_TOTAL: number;
  readonly TRACK_MAX_PENDING_PER_CONVERSATION: number;
  readonly TRACK_PENDING_TTL_SECONDS: number;
  readonly OPERATION_MAX_FOLLOWERS_PER_CONVERSATION: number;
  readonly OPERATION_MAX_FOLLOWERS_TOTAL: number;
}

export function readLimits(v: LimitKeys): TrackingLimits {
  return {
    jobsPerConversation: v.TRACK_MAX_JOBS_PER_CONVERSATION,
    jobsTotal: v.TRACK_MAX_JOBS_TOTAL,
    pendingPerConversation: v.TRACK_MAX_PENDING_PER_CONVERSATION,
    pendingTtlMs: v.TRACK_PENDING_TTL_SECONDS * 1000,
    followersPerConversation: v.OPERATION_MAX_FOLLOWERS_PER_CONVERSATION,
    followersTotal: v.OPERATION_MAX_FOLLOWERS_TOTAL,
  };
}
