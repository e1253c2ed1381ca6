/**
 * ConversationSettingsStore: a conversation's language (the `language` command), kept under the
 * channel's root id and forgotten with the conversation or its team.
 */
import type { SpecContext, StoreSpec } from './store-conformance';
import { T0, jobInput, jobKeyOf, subInput } from './store-fixtures';

const CHANNEL = '19:channel-ops@thread.tacv2';
const THREAD = `${CHANNEL};messageid=1700000000001`;
const OTHER_CHANNEL = '19:channel-finance@thread.tacv2';
const PERSONAL = 'a:1personal-chat';
const TEAM = '19:team-general@thread.tacv2';
const OTHER_TEAM = '19:team-other@thread.tacv2';

export const settingsSpec: StoreSpec = {
  tests: 'ConversationSettingsStore',
  describe: (ctx, { durable }) => describeSettingsSpec(ctx, durable),
};

function describeSettingsSpec(ctx: SpecContext, durable: boolean): void {
  describe('language', () => {
    it('is unset at first, then set, replaced and cleared, per conversation id', async () => {
      const store = ctx.store();
      expect(await store.getLanguage(CHANNEL)).toBeUndefined();
      await store.setLanguage(CHANNEL, 'pt-BR', TEAM);
      await store.setLanguage(PERSONAL, 'cs-CZ');
      expect(await store.getLanguage(CHANNEL)).toBe('pt-BR');
      expect(await store.getLanguage(PERSONAL)).toBe('cs-CZ');
      // Ids are literal: a thread id is another key (callers pass the channel's root id).
      expect(await store.getLanguage(THREAD)).toBeUndefined();
      expect(await store.getLanguage(OTHER_CHANNEL)).toBeUndefined();
      await store.setLanguage(CHANNEL, 'de');
      expect(await store.getLanguage(CHANNEL)).toBe('de');
      await store.setLanguage(CHANNEL, undefined);
      expect(await store.getLanguage(CHANNEL)).toBeUndefined();
      expect(await store.getLanguage(PERSONAL)).toBe('cs-CZ');
      // Clearing what is not set is harmless.
      await store.setLanguage(OTHER_CHANNEL, undefined);
      expect(await store.getLanguage(OTHER_CHANNEL)).toBeUndefined();
    });

    it('is forgotten by dropConversation of the channel, not by the drop of one of its threads', async () => {
      const store = ctx.store();
      await store.subscribe(jobInput(1), subInput(THREAD), T0);
      await store.setLanguage(CHANNEL, 'nl-NL', TEAM);
      await store.setLanguage(OTHER_CHANNEL, 'es-ES', TEAM);
      expect(await store.dropConversation(THREAD)).toBe(1);
      expect(await store.getLanguage(CHANNEL)).toBe('nl-NL');
      expect(await store.dropConversation(CHANNEL)).toBe(0);
      expect(await store.getLanguage(CHANNEL)).toBeUndefined();
      expect(await store.getLanguage(OTHER_CHANNEL)).toBe('es-ES');
    });

    it('is forgotten by dropTeam of the team it was set with, kept by another team and by a set that names no team', async () => {
      const store = ctx.store();
      await store.setLanguage(CHANNEL, 'zh-CN', TEAM);
      // A later set without a team id keeps the team stored before.
      await store.setLanguage(CHANNEL, 'de');
      await store.setLanguage(OTHER_CHANNEL, 'es-ES', OTHER_TEAM);
      await store.setLanguage(PERSONAL, 'cs-CZ');
      expect(await store.dropTeam(TEAM)).toBe(0);
      expect(await store.getLanguage(CHANNEL)).toBeUndefined();
      expect(await store.getLanguage(OTHER_CHANNEL)).toBe('es-ES');
      expect(await store.getLanguage(PERSONAL)).toBe('cs-CZ');
      // Set again after the drop: a fresh setting, dropped by its own team only.
      await store.setLanguage(CHANNEL, 'pt-BR', TEAM);
      expect(await store.dropTeam(OTHER_TEAM)).toBe(0);
      expect(await store.getLanguage(CHANNEL)).toBe('pt-BR');
      expect(await store.getLanguage(OTHER_CHANNEL)).toBeUndefined();
    });

    it('does not touch subscriptions: a conversation with a language still has its jobs', async () => {
      const store = ctx.store();
      await store.subscribe(jobInput(2), subInput(THREAD), T0);
      await store.setLanguage(CHANNEL, 'de', TEAM);
      await store.setLanguage(CHANNEL, undefined);
      expect((await store.getSubscribers(jobKeyOf(2))).map((s) => s.conversationId)).toEqual([THREAD]);
    });

    if (durable) {
      it('survives a reopen', async () => {
        await ctx.store().setLanguage(CHANNEL, 'cs-CZ', TEAM);
        const reopened = await ctx.reopen();
        expect(await reopened.getLanguage(CHANNEL)).toBe('cs-CZ');
        expect(await reopened.dropTeam(TEAM)).toBe(0);
        expect(await reopened.getLanguage(CHANNEL)).toBeUndefined();
      });
    }
  });
}
