/**
 * What a command handler sees: the parsed command and ports to the tracker, Azure and the
 * conversation. No botbuilder types: the bot layer adapts a TurnContext to these ports.
 */
import type { Logger } from 'pino';
import type { BackupJobsApi } from '../azure/types';
import type { VaultId } from '../domain/job';
import type { MessageId } from '../cards/i18n';
import type { AdaptiveCardJson } from '../cards/render';
import type { JobCardActionData } from '../cards/job-card';
import type { Clock } from '../core/clock';
import type { DigestService, TrackerService, WatchService } from '../tracker/ports';
import type { SubscriberInput } from '../domain/subscriber';
import type { JobActions } from './job-actions';
import type { ConversationSettingsStore } from '../store/types';

export type JobsFilter = 'running' | 'failed' | 'all';

/** A card button press (Action.Submit data), as `parseCardAction` in src/cards validated it. */
export type CardAction = JobCardActionData;

/** Sends into the conversation the command came from. */
export interface ReplyPort {
  text(text: string): Promise<void>;
  /**
   * Returns the new activity's id, which the tracker needs to update the card in place later.
   * With `text`, text and card travel in one activity, which some clients (the Agents
   * Playground) accept without returning an id: send a card that must be updated later alone.
   */
  card(card: AdaptiveCardJson, text?: string): Promise<string | undefined>;
  /** Replaces a card posted earlier (the Refresh button). */
  updateCard(activityId: string, card: AdaptiveCardJson): Promise<void>;
  /**
   * Posts at the conversation's top level: in a channel a new post in the channel, not a reply in
   * the thread the command was written in (a change the whole channel should see); elsewhere as `text`.
   */
  announce(text: string): Promise<void>;
}

export type ConversationScope = 'team' | 'groupChat' | 'personal';

/**
 * The vaults this conversation may use: BACKUP_VAULTS as ACCESS_POLICY narrows it for the
 * conversation, in BACKUP_VAULTS order; the first is the default. May be empty.
 */
export interface VaultAllowList {
  readonly vaults: readonly VaultId[];
  /** What kind of conversation it is, for the answer when it may use no vault. */
  readonly scope: ConversationScope;
}

export interface CommandContext {
  readonly tracker: TrackerService;
  readonly watches: WatchService;
  readonly digests: DigestService;
  readonly api: BackupJobsApi;
  readonly allowList: VaultAllowList;
  /** Azure portal base URL of the configured cloud. */
  readonly portalUrl: string;
  /** The conversation (channel thread, chat) the message came from: `subscriber.conversationId`. */
  readonly conversationId: string;
  /** Who to store as following a job, with the reference for proactive messages (the bot builds it on first read). */
  readonly subscriber: SubscriberInput;
  /** The conversation's language when it set one (the `language` command), else the activity's locale. */
  readonly locale: string | undefined;
  /** The conversation's own settings, under its root id (conversationRoot). */
  readonly settings: ConversationSettingsStore;
  readonly timeZone: string | undefined;
  /** Replies within the turn. */
  readonly reply: ReplyPort;
  /** Proactive sends to the same conversation after the turn ended (operation follow-up). */
  readonly later: ReplyPort;
  /** Work that outlives the turn; the owner keeps track of it so shutdown can wait for it. */
  readonly background: (name: string, task: (signal: AbortSignal) => Promise<void>) => void;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Cancel / Back up again with the user's rights (ACTIONS); absent in contexts that cannot act. */
  readonly actions?: JobActions;
  /** Activity id of the card whose button was pressed, for Refresh in place. */
  readonly replyToId?: string;
}

/** What the parser hands a handler: the command's kind and the arguments its pattern found. */
export interface ParsedArgs {
  readonly kind: string;
}

/** A command as the Teams app manifest offers it in the compose box (`bots[].commandLists`). */
export interface ManifestEntry {
  /**
   * What the compose box sends when the command is picked, so it is the word the parser reads and
   * the same in every language (translating it would send text no pattern accepts).
   */
  readonly title: string;
  /** Catalog id of its description; its `place` select reads `team` in a team and `chat` elsewhere. */
  readonly description: MessageId;
  /** False: left out of the manifest's commandLists, which Teams caps at 10 per scope (help still lists it). */
  readonly listed?: false;
}

/**
 * One command, everything about it: the parser, the runner, help, "did you mean" and the app
 * manifest all read this (through src/commands/registry.ts), so adding a command is adding its
 * file, one line in the registry and its catalog strings.
 */
export interface CommandDefinition<P extends ParsedArgs> {
  readonly kind: P['kind'];
  /** The words users type to start it, compared by "did you mean"; the first is the main one. */
  readonly words: readonly string[];
  /** Messages this command must parse (checked by the registry test). */
  readonly examples: readonly string[];
  /** Its line on the help and welcome cards. */
  readonly help: MessageId;
  readonly manifest: ManifestEntry;
  /** Reads or acts on a vault: a conversation that may use none gets the no-vault answer instead. */
  readonly needsVault: boolean;
  /** Anchored pattern on the normalised text; undefined when it is not this command. */
  match(text: string): P | undefined;
  handle(command: P, ctx: CommandContext): Promise<void>;
}

/** Any registered command (method parameters are bivariant, so every definition fits). */
export type AnyCommand = CommandDefinition<ParsedArgs>;
