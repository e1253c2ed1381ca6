/**
 * What a command handler sees: the parsed command and ports to the tracker, Azure and the
 * conversation. No botbuilder types: the bot layer adapts a TurnContext to these ports.
 */
import type { Logger } from 'pino';
import type { BackupJobsApi } from '../azure/types';
import type { VaultId } from '../domain/job';
import type { AdaptiveCardJson } from '../cards/render';
import type { CommandWord } from '../cards/closest-command';
import type { JobCardActionData } from '../cards/job-card';
import type { Clock } from '../core/clock';
import type { TrackerService } from '../tracker/ports';
import type { SubscriberInput } from '../domain/subscriber';

export type JobsFilter = 'running' | 'failed' | 'all';

export type ParsedCommand =
  | { readonly kind: 'trackJob'; readonly jobs: readonly string[]; readonly vault?: string }
  | { readonly kind: 'trackOperation'; readonly operation?: string; readonly vault?: string }
  | { readonly kind: 'untrack'; readonly jobs: readonly string[]; readonly vault?: string }
  | { readonly kind: 'tracking' }
  | { readonly kind: 'jobs'; readonly filter: JobsFilter; readonly vault?: string }
  | { readonly kind: 'help' }
  /** Nothing but a mention or whitespace: a short hint. */
  | { readonly kind: 'empty' }
  | { readonly kind: 'unknown'; readonly text: string; readonly suggestion: CommandWord };

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
}

/** The vaults the bot may use (BACKUP_VAULTS); the first is the default. */
export interface VaultAllowList {
  readonly vaults: readonly VaultId[];
  readonly defaultVault: VaultId;
}

export interface CommandContext {
  readonly tracker: TrackerService;
  readonly api: BackupJobsApi;
  readonly allowList: VaultAllowList;
  /** Azure portal base URL of the configured cloud. */
  readonly portalUrl: string;
  readonly subscriber: SubscriberInput;
  readonly locale: string | undefined;
  readonly timeZone: string | undefined;
  /** Replies within the turn. */
  readonly reply: ReplyPort;
  /** Proactive sends to the same conversation after the turn ended (operation follow-up). */
  readonly later: ReplyPort;
  /** Work that outlives the turn; the owner keeps track of it so shutdown can wait for it. */
  readonly background: (name: string, task: (signal: AbortSignal) => Promise<void>) => void;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Activity id of the card whose button was pressed, for Refresh in place. */
  readonly replyToId?: string;
}

export interface CommandDefinition<K extends ParsedCommand['kind']> {
  readonly kind: K;
  /** Anchored pattern on the normalised text; undefined when it is not this command. */
  match(text: string): Extract<ParsedCommand, { kind: K }> | undefined;
  handle(command: Extract<ParsedCommand, { kind: K }>, ctx: CommandContext): Promise<void>;
}
