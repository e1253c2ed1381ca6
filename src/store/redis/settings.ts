/**
 * ConversationSettingsStore on Redis: `<prefix>settings` is a hash from conversation id to the JSON
 * of its settings ({ language, teamId }), and `<prefix>team-settings:<teamId>` the set of the
 * conversations whose settings name that team, for dropTeam.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';

const STORED = z.object({ language: z.string(), teamId: z.string().optional() });
type Stored = z.infer<typeof STORED>;

export class RedisSettings {
  constructor(
    private readonly redis: () => Redis,
    private readonly prefix: string,
  ) {}

  private get hash(): string {
    return `${this.prefix}settings`;
  }

  private teamKey(teamId: string): string {
    return `${this.prefix}team-settings:${teamId}`;
  }

  private async read(conversationId: string): Promise<Stored | undefined> {
    const raw = await this.redis().hget(this.hash, conversationId);
    if (raw === null) return undefined;
    const parsed = STORED.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  async getLanguage(conversationId: string): Promise<string | undefined> {
    return (await this.read(conversationId))?.language;
  }

  async setLanguage(conversationId: string, language: string | undefined, teamId?: string): Promise<void> {
    if (language === undefined) return this.forgetConversation(conversationId);
    // A set without a team keeps the team stored before (an activity may just not say it).
    const team = teamId === undefined || teamId === '' ? (await this.read(conversationId))?.teamId : teamId;
    const value: Stored = team === undefined ? { language } : { language, teamId: team };
    const multi = this.redis().multi().hset(this.hash, conversationId, JSON.stringify(value));
    if (team !== undefined) multi.sadd(this.teamKey(team), conversationId);
    await multi.exec();
  }

  async forgetConversation(conversationId: string): Promise<void> {
    const stored = await this.read(conversationId);
    const multi = this.redis().multi().hdel(this.hash, conversationId);
    if (stored?.teamId !== undefined) multi.srem(this.teamKey(stored.teamId), conversationId);
    await multi.exec();
  }

  async forgetTeam(teamId: string): Promise<void> {
    if (teamId === '') return;
    const conversations = await this.redis().smembers(this.teamKey(teamId));
    const multi = this.redis().multi();
    if (conversations.length > 0) multi.hdel(this.hash, ...conversations);
    await multi.del(this.teamKey(teamId)).exec();
  }
}
