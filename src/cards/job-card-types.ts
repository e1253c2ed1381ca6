/** What the job card is built from (job-card.ts) and what its buttons send back. */
import type { EtaBasis } from '../domain/durations';
import type { JobKey } from '../domain/job';

export interface CardContext {
  readonly key: JobKey;
  /** Activity locale (BCP-47). */
  readonly locale?: string;
  /** IANA zone from the clientInfo entity; UTC when absent or unknown. */
  readonly timeZone?: string;
  /** Epoch ms the card is rendered at (injected clock). */
  readonly now: number;
  /** How the vault is named to users, e.g. `rg-backup/vault-prod`. */
  readonly vaultLabel: string;
  /** Deep link to the job in the Azure portal. */
  readonly portalUrl: string;
  /** The job ended (or tracking ended): no Refresh/Stop buttons, end time and errors shown. */
  readonly final: boolean;
  /** This conversation tracks the job, so "Stop tracking" makes sense. */
  readonly tracking: boolean;
  /** Action buttons (ACTIONS=sso) and who last acted on the job here; absent: none. */
  readonly actions?: CardActionsView;
  /** What the expected end is estimated from (estimate-view.ts); absent: no estimate. */
  readonly eta?: EtaBasis;
}

/** Who acted on the job from this conversation, shown on the card ("Cancelled by ‹name›, 21:40"). */
export interface ActionNote {
  readonly kind: 'cancelled' | 'backupStarted';
  readonly name: string;
  /** Epoch ms. */
  readonly at: number;
}

/** What the actions service lets this card offer: a button per signed ticket, and the last action's note. */
export interface CardActionsView {
  readonly cancelTicket?: string;
  readonly retryTicket?: string;
  readonly note?: ActionNote;
}

/** What the card's Action.Submit buttons send back (`activity.value`). */
export interface JobCardActionData {
  readonly action: 'refresh' | 'untrack';
  /** Canonical job key (see `jobKeyString`). */
  readonly jobKey: string;
  readonly jobId: string;
  /** `resourceGroup/vaultName`. */
  readonly vault: string;
}
