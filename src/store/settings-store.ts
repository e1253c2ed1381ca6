/** The per-conversation settings interface of the store (see types.ts for the whole StateStore). */
/**
 * What a conversation chose for itself: its language (the `language` command). Kept with the
 * conversation's subscriptions and forgotten with them: `dropConversation(C)` forgets C's setting
 * (a thread's drop leaves its channel's), `dropTeam(T)` forgets the settings stored with team T.
 */
export interface ConversationSettingsStore {
  /** The language tag set for this conversation id (a channel's root id, see conversationRoot), or undefined. */
  getLanguage(conversationId: string): Promise<string | undefined>;
  /** Sets the tag, or clears it with undefined. `teamId` ties the setting to its team for dropTeam; a later set without one keeps it. */
  setLanguage(conversationId: string, language: string | undefined, teamId?: string): Promise<void>;
}
