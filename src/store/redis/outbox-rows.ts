/**
 * A row of the claim-messages script as an OutboxRecord: the message with the subscriber of its
 * queue (a tracked job's subscription, a watch, or a digest).
 */
import { DIGEST_QUEUE_KEY, isWatchQueueKey } from '../../domain/watch';
import { toMessage, type StoredPayload } from '../records';
import type { OutboxRecord } from '../types';
import { asArray, toSub, type Reply } from './codec';
import { digestSubscriber } from './digests';
import { watchSubscriber } from './watches';

export function toOutboxRecord(row: Reply): OutboxRecord {
  const [id, k, c, payload, attempts, notBefore, input, at, cardId, cardDigest, team] = asArray(row);
  const jobKey = String(k);
  return {
    id: Number(id),
    jobKey,
    conversationId: String(c),
    message: toMessage(
      JSON.parse(String(payload)) as StoredPayload,
      isWatchQueueKey(jobKey)
        ? watchSubscriber(jobKey, String(c), input, at, cardId ?? null, team ?? null)
        : jobKey === DIGEST_QUEUE_KEY
          ? digestSubscriber(jobKey, String(c), input, at, team ?? null)
          : toSub(jobKey, input, at, cardId ?? null, cardDigest ?? null, team ?? null),
    ),
    attempts: Number(attempts),
    notBefore: Number(notBefore),
  };
}
