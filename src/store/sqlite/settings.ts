/** ConversationSettingsStore on SQLite: one row per conversation that set something for itself. */
import type { ConversationSettingsStore } from '../types';
import { onFirstCall, type Connection, type Sync } from './sync';

interface SettingsRow {
  readonly language: string | null;
}

export interface SqliteSettings extends Sync<ConversationSettingsStore> {
  /** Inside dropConversation: forgets this conversation's own settings (not those of other ids). */
  forgetConversation(conversationId: string): void;
  /** Inside dropTeam: forgets every setting stored with this team. */
  forgetTeam(teamId: string): void;
}

export function sqliteSettings({ db }: Connection): SqliteSettings {
  // Prepared on first use: most in-memory test stores never touch settings.
  const get = onFirstCall(() => {
    const st = db.prepare<[string], SettingsRow>('SELECT language FROM conversation_settings WHERE conversation_id = ?');
    return (id: string) => st.get(id);
  });
  const upsert = onFirstCall(() => {
    // A set without a team keeps the team stored before (an activity may just not say it).
    const st = db.prepare<{ id: string; language: string; teamId: string | null }>(
      `INSERT INTO conversation_settings (conversation_id, language, team_id) VALUES (@id, @language, @teamId)
       ON CONFLICT (conversation_id) DO UPDATE SET language = excluded.language, team_id = COALESCE(excluded.team_id, team_id)`,
    );
    return (id: string, language: string, teamId: string | null) => st.run({ id, language, teamId });
  });
  const remove = onFirstCall(() => {
    const st = db.prepare<[string]>('DELETE FROM conversation_settings WHERE conversation_id = ?');
    return (id: string) => st.run(id);
  });
  const removeTeam = onFirstCall(() => {
    const st = db.prepare<[string]>('DELETE FROM conversation_settings WHERE team_id = ?');
    return (teamId: string) => st.run(teamId);
  });
  return {
    getLanguage: (id) => get(id)?.language ?? undefined,
    setLanguage: (id, language, teamId) => {
      if (language === undefined) remove(id);
      else upsert(id, language, teamId === undefined || teamId === '' ? null : teamId);
    },
    forgetConversation: (id) => {
      remove(id);
    },
    forgetTeam: (teamId) => {
      removeTeam(teamId);
    },
  };
}
