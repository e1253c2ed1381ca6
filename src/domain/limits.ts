/**
 * How much the bot takes on: every number that bounds what users can make it store and poll.
 * Configured in src/config (TRACK_* and OPERATION_* keys); enforced by the tracker service and
 * the operation follower, and named in the answer of a user who hits one.
 */

export interface TrackingLimits {
  /** Jobs one conversation tracks at once (confirmed and pending). */
  readonly jobsPerConversation: number;
  /** Jobs tracked at once in all conversations: each costs ARM reads. */
  readonly jobsTotal: number;
  /** Jobs one conversation asked for while Azure could not confirm them (throttled, unreachable). */
  readonly pendingPerConversation: number;
  /** How long such a pending job is kept without Azure confirming it. */
  readonly pendingTtlMs: number;
  /** `track operation` followers one conversation runs at once. */
  readonly followersPerConversation: number;
  /** Followers running at once in this process. */
  readonly followersTotal: number;
}

export const DEFAULT_TRACKING_LIMITS: TrackingLimits = {
  jobsPerConversation: 50,
  jobsTotal: 5_000,
  pendingPerConversation: 5,
  pendingTtlMs: 10 * 60_000,
  followersPerConversation: 5,
  followersTotal: 200,
};

/** Which limit refused a request; the catalog has one answer per cap (`cap.<kind>`). */
export type CapKind = 'jobsPerConversation' | 'jobsTotal' | 'pendingPerConversation' | 'followersPerConversation' | 'followersTotal';
