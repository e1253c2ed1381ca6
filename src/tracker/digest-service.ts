/** The digest command's port over the store; a new time wakes the digest scheduler. */
import type { Clock } from '../core/clock';
import type { DigestInput, DigestRecord } from '../domain/digest';
import type { DigestStore } from '../store/types';
import { nextDigestAt } from './digest-time';
import type { DigestService } from './ports';

export class DigestServiceImpl implements DigestService {
  constructor(private readonly o: { store: DigestStore; clock: Clock; wake?: () => void }) {}

  async set(input: DigestInput): Promise<{ result: 'created' | 'updated'; nextAt: number }> {
    const now = this.o.clock.now();
    const nextAt = nextDigestAt(input.at, input.timeZone, now);
    const result = await this.o.store.setDigest(input, now, nextAt);
    this.o.wake?.();
    return { result, nextAt };
  }

  remove(conversationId: string): Promise<boolean> {
    return this.o.store.removeDigest(conversationId);
  }

  get(conversationId: string): Promise<DigestRecord | undefined> {
    return this.o.store.getDigest(conversationId);
  }
}
