/**
 * ActionStateStore on Redis, shared by every instance: a spent nonce is `<prefix>ticket:<nonce>`,
 * set with NX and expiring with its ticket; the notes of one channel (or chat) are the hash
 * `<prefix>notes:<root>`, field `<conversationId>\n<jobKey>`, value `<at>|<kind>|<name>`, capped
 * by a script that evicts the oldest, and expiring as a whole a while after its last note.
 */
import type { Redis } from 'ioredis';
import { conversationRoot, THREAD_MARK } from '../../domain/subscriber';
import { MAX_NOTES_PER_ROOT, NOTE_TTL_MS, type ActionStateStore, type StoredActionNote } from '../action-state';

/** HSET, then HDEL the oldest fields while the hash is over the cap; one script, so concurrent writers never overshoot. */
const RECORD = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local max = tonumber(ARGV[3])
while redis.call('HLEN', KEYS[1]) > max do
  local all = redis.call('HGETALL', KEYS[1])
  local oldest, oldestAt = nil, nil
  for i = 1, #all, 2 do
    local at = tonumber(string.match(all[i + 1], '^(%d+)|')) or 0
    if oldestAt == nil or at < oldestAt or (at == oldestAt and all[i] < oldest) then
      oldest, oldestAt = all[i], at
    end
  end
  redis.call('HDEL', KEYS[1], oldest)
end
return 1`;

export class RedisActionState implements ActionStateStore {
  constructor(
    private readonly redis: () => Redis,
    private readonly prefix: string,
  ) {}

  async spendTicket(nonce: string, expiresAt: number, now: number): Promise<boolean> {
    // A ticket at its expiry is refused before it is spent; the floor keeps PX valid.
    const ttl = Math.max(1, Math.ceil(expiresAt - now));
    return (await this.redis().set(`${this.prefix}ticket:${nonce}`, '1', 'PX', ttl, 'NX')) === 'OK';
  }

  async recordActionNote(conversationId: string, jobKey: string, note: StoredActionNote): Promise<void> {
    const value = `${Math.trunc(note.at)}|${note.kind}|${note.name}`;
    await this.redis().eval(RECORD, 1, this.hash(conversationId), field(conversationId, jobKey), value, MAX_NOTES_PER_ROOT, NOTE_TTL_MS);
  }

  async actionNote(conversationId: string, jobKey: string, now: number): Promise<StoredActionNote | undefined> {
    const raw = await this.redis().hget(this.hash(conversationId), field(conversationId, jobKey));
    const m = raw === null ? null : /^(\d+)\|(cancelled|backupStarted)\|(.*)$/s.exec(raw);
    if (!m) return undefined;
    const at = Number(m[1]);
    return at < now - NOTE_TTL_MS ? undefined : { kind: m[2] as StoredActionNote['kind'], name: m[3], at };
  }

  /** Inside dropConversation: the notes of this conversation and of its threads. */
  async forgetConversation(conversationId: string): Promise<void> {
    const key = this.hash(conversationId);
    if (conversationRoot(conversationId) === conversationId) {
      await this.redis().del(key);
      return;
    }
    const fields = (await this.redis().hkeys(key)).filter((f) => {
      const conv = f.slice(0, f.indexOf('\n'));
      return conv === conversationId || conv.startsWith(conversationId + THREAD_MARK);
    });
    if (fields.length > 0) await this.redis().hdel(key, ...fields);
  }

  private hash(conversationId: string): string {
    return `${this.prefix}notes:${conversationRoot(conversationId)}`;
  }
}

function field(conversationId: string, jobKey: string): string {
  return `${conversationId}\n${jobKey}`;
}
