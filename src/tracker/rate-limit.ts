/**
 * Teams' proactive send budget per conversation: at most 7 messages per second and 60 per 30
 * seconds (sliding windows). Pure: the caller passes `now`.
 */
export interface SendWindow {
  readonly max: number;
  readonly windowMs: number;
}

export const TEAMS_SEND_WINDOWS: readonly SendWindow[] = [
  { max: 7, windowMs: 1_000 },
  { max: 60, windowMs: 30_000 },
];

export class ConversationRateLimiter {
  /** conversationId → send times, ascending, trimmed to the longest window. */
  private readonly sent = new Map<string, number[]>();
  private readonly longest: number;

  constructor(private readonly windows: readonly SendWindow[] = TEAMS_SEND_WINDOWS) {
    this.longest = Math.max(...windows.map((w) => w.windowMs));
  }

  /** Earliest time ≥ now at which one more send fits every window. */
  nextSlot(conversationId: string, now: number): number {
    const times = this.trimmed(conversationId, now);
    let slot = now;
    for (const w of this.windows) {
      if (times.length < w.max) continue;
      // The send that must leave the window before another fits: the max-th most recent.
      const blocker = times[times.length - w.max];
      slot = Math.max(slot, blocker + w.windowMs);
    }
    return slot;
  }

  /**
   * The slots `count` more sends would get, in order, if each were sent at its slot. Lets a
   * dispatcher put a backlog back once, each message at the time it can really go.
   */
  projectSlots(conversationId: string, now: number, count: number): number[] {
    const saved = [...this.trimmed(conversationId, now)];
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const slot = this.nextSlot(conversationId, now);
      out.push(slot);
      this.record(conversationId, slot);
    }
    if (saved.length > 0) this.sent.set(conversationId, saved);
    else this.sent.delete(conversationId);
    return out;
  }

  record(conversationId: string, now: number): void {
    const times = this.trimmed(conversationId, now);
    times.push(now);
    this.sent.set(conversationId, times);
  }

  /** Forgets conversations with no send inside the longest window (bounded memory). */
  prune(now: number): void {
    for (const id of [...this.sent.keys()]) {
      if (this.trimmed(id, now).length === 0) this.sent.delete(id);
    }
  }

  /** Conversations currently remembered, for tests. */
  size(): number {
    return this.sent.size;
  }

  private trimmed(conversationId: string, now: number): number[] {
    const times = this.sent.get(conversationId) ?? [];
    let drop = 0;
    while (drop < times.length && times[drop] <= now - this.longest) drop++;
    if (drop > 0) times.splice(0, drop);
    if (times.length === 0) this.sent.delete(conversationId);
    return times;
  }
}
