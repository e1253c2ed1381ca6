/** The digest command's port over the store; a new time wakes the digest scheduler or sets its BullMQ scheduler. */
import type { Clock } from '../core/clock';
import type { DigestInput, DigestRecord } from '../domain/digest';
import type { DigestStore } from '../store/types';
import { nextDigestAt } from './digest-time';
import type { DigestService } from './ports';

/** Where digests are scheduled besides the store (Redis: one BullMQ job scheduler per conversation). */
export interface DigestSchedule {
  schedule(d: Pick<DigestInput, 'conversationId' | 'at' | 'timeZone'>): Promise<void>;
  unschedule(conversationId: string): Promise<void>;
}

export class DigestServiceImpl implements DigestService {
  constructor(private readonly o: { store: DigestStore; clock: Clock; wake?: () => void; schedule?: DigestSchedule }) {}

  async set(input: DigestInput): Promise<{ result: 'created' | 'updated'; nextAt: number }> {
    const now = this.o.clock.now();
    const nextAt = nextDigestAt(input.at, input.timeZone, now);
    const result = await this.o.store.setDigest(input, now, nextAt);
    // After the store: a scheduler whose digest is not stored yet would find nothing to send.
    await this.o.schedule?.schedule(input);
    this.o.wake?.();
    return { result, nextAt };
  }

  async remove(conversationId: string): Promise<boolean> {
    const removed = await this.o.store.removeDigest(conversationId);
    // Even when the store had none: a scheduler left from a failed removal goes too.
    await this.o.schedule?.unschedule(conversationId);
    return removed;
  }

  get(conversationId: string): Promise<DigestRecord | undefined> {
    return this.o.store.getDigest(conversationId);
  }
}
