/**
 * Counts the `track operation` followers running in this process, per conversation and in total,
 * so that no conversation (and no flood of conversations) can start unbounded background work.
 * In memory: followers are in-memory tasks of this process and end with it.
 */
import type { CapKind } from '../domain/limits';
import type { FollowerAdmission } from './ports';

export class FollowerSlots {
  private readonly byConversation = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly perConversation: number,
    private readonly maxTotal: number,
  ) {}

  admit(conversationId: string): FollowerAdmission {
    const held = this.byConversation.get(conversationId) ?? 0;
    const refuse = (cap: CapKind, limit: number): FollowerAdmission => ({ ok: false, cap, limit });
    if (held >= this.perConversation) return refuse('followersPerConversation', this.perConversation);
    if (this.total >= this.maxTotal) return refuse('followersTotal', this.maxTotal);
    this.byConversation.set(conversationId, held + 1);
    this.total++;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        const left = (this.byConversation.get(conversationId) ?? 1) - 1;
        if (left > 0) this.byConversation.set(conversationId, left);
        else this.byConversation.delete(conversationId);
      },
    };
  }

  /** Followers running now (tests, health). */
  running(conversationId?: string): number {
    return conversationId === undefined ? this.total : (this.byConversation.get(conversationId) ?? 0);
  }
}
