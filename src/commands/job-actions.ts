/**
 * Actions from the card and the commands (Cancel, Back up again, `backup`, `cancel job`), run with
 * the rights of the person who pressed: their Teams SSO token exchanged On-Behalf-Of. The checks,
 * in order, before anything reaches Azure: actions configured; the button's signed ticket (not
 * forged, not expired, not replayed); a sign-in from the same person; the conversation's vaults
 * (ACCESS_POLICY; the tenant gate ran before the turn); the subscription's write budget. Every
 * action that reaches Azure is logged for audit (Entra object id, action, target, vault, outcome).
 */
import type { Logger } from 'pino';
import type { ProtectedItem } from '../azure/protected-items';
import type { TriggeredBackup } from '../azure/arm-items';
import type { AdaptiveCardJson } from '../cards/render';
import type { ActionNote, CardActionsView } from '../cards/job-card';
import { t } from '../cards/i18n';
import { formatDuration } from '../cards/format';
import type { ExecuteData } from '../cards/card-actions';
import type { Clock } from '../core/clock';
import { isTerminal, type BackupJob, type JobKey, type VaultId } from '../domain/job';
import { jobKeyString, vaultKeyString } from '../azure/ids';
import type { WriteBudget } from '../tracker/write-budget';
import type { ActionStateStore } from '../store/action-state';
import { armFailureOf } from '../azure/arm-failure';
import { SignInRequiredError } from '../azure/user-credential';
import { ActionTickets } from './action-tickets';
import { outsidePolicy, runBackupAgain, runBackupItem, runCancel } from './action-runs';
import type { CommandContext } from './types';

/** ARM calls made with the pressing user's token. */
export interface UserArm {
  /** Gets the user's ARM token now (On-Behalf-Of): a sign-in Entra wants first shows before anything is spent. */
  signIn(): Promise<void>;
  cancelJob(key: JobKey): Promise<unknown>;
  triggerBackup(item: ProtectedItem): Promise<TriggeredBackup>;
}

export interface JobActionsOptions {
  readonly mode: 'off' | 'sso';
  /** Signs the buttons' tickets (the app's client secret); required for sso. */
  readonly ticketSecret?: string;
  readonly writeBudget: WriteBudget;
  /** Spent tickets and the cards' action notes, shared by every instance and kept across restarts. */
  readonly state: ActionStateStore;
  /** A client for one user's SSO token (On-Behalf-Of inside). */
  readonly userArm: (ssoToken: string) => UserArm;
  /** Protected items, read on the bot's identity. */
  readonly listItems: (vault: VaultId, backupManagementType: string) => Promise<ProtectedItem[]>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Between reads of a triggered backup's operation when Azure sends no Retry-After (default 5 s). */
  readonly operationPollMs?: number;
  readonly maxOperationPolls?: number;
}

/** Who pressed: the Bot Framework-authenticated `from`, and the SSO token Teams sent with the press. */
export interface ActionUser {
  readonly id: string;
  readonly name: string;
  readonly aadObjectId?: string;
}

export type ActionAnswer =
  | { readonly kind: 'card'; readonly card: AdaptiveCardJson }
  | { readonly kind: 'message'; readonly text: string }
  /**
   * No usable token yet: the bot answers with a sign-in request, and Teams re-sends the press with
   * one. `consent`: Entra wants the user first (consent, MFA), so silent SSO cannot succeed.
   */
  | { readonly kind: 'signIn'; readonly consent?: boolean };

/** What a run needs besides the command context. */
export interface RunContext {
  readonly ctx: CommandContext;
  readonly user: ActionUser & { readonly aadObjectId: string };
  readonly arm: UserArm;
  readonly actions: JobActions;
  readonly audit: (action: string, target: string, vault: VaultId, outcome: string) => void;
}

const RETRIABLE = new Set(['Failed', 'CompletedWithWarnings']);

export class JobActions {
  readonly mode: 'off' | 'sso';
  private readonly tickets?: ActionTickets;
  private readonly audit: Logger;

  constructor(readonly o: JobActionsOptions) {
    this.mode = o.mode;
    if (o.mode === 'sso') {
      if (!o.ticketSecret) throw new Error('ACTIONS=sso needs a secret to sign action buttons');
      this.tickets = new ActionTickets(o.ticketSecret);
    }
    this.audit = o.logger.child({ component: 'audit' });
  }

  /** The card's buttons for this job in this conversation (none with ACTIONS=off), and the last action's note. */
  async view(job: BackupJob, key: JobKey, conversationId: string): Promise<CardActionsView | undefined> {
    const now = this.o.clock.now();
    const jobKey = jobKeyString(key);
    const note = await this.noteOf(conversationId, jobKey, now);
    if (!this.tickets) return note ? { note } : undefined;
    const cancellable = job.status === 'InProgress' && job.isCancellable;
    const retriable =
      isTerminal(job.status) && RETRIABLE.has(job.status) && job.operation === 'Backup' && job.actionsInfo.includes('Retriable');
    return {
      ...(cancellable ? { cancelTicket: this.tickets.issue(`cancelJob|${jobKey}`, conversationId, now) } : {}),
      ...(retriable ? { retryTicket: this.tickets.issue(`backupAgain|${jobKey}`, conversationId, now) } : {}),
      ...(note ? { note } : {}),
    };
  }

  /** A ticket for a command's confirmation card; undefined when actions are off. */
  ticketFor(subject: string, conversationId: string): string | undefined {
    return this.tickets?.issue(subject, conversationId, this.o.clock.now());
  }

  /** Keeps who did what on the job's card in this conversation; a store failure costs the note, never the action. */
  async remember(conversationId: string, key: JobKey, note: ActionNote): Promise<void> {
    try {
      await this.o.state.recordActionNote(conversationId, jobKeyString(key), note);
    } catch (err) {
      this.o.logger.warn({ conversationId, err }, 'action note not stored');
    }
  }

  private async noteOf(conversationId: string, jobKey: string, now: number): Promise<ActionNote | undefined> {
    try {
      return await this.o.state.actionNote(conversationId, jobKey, now);
    } catch (err) {
      // The card is still drawn (with its buttons); only the "Cancelled by" line is missing.
      this.o.logger.warn({ conversationId, err }, 'action note unreadable');
      return undefined;
    }
  }

  /** One press of a Confirm (or Not now) button. */
  async execute(data: ExecuteData, ssoToken: string | undefined, user: ActionUser, ctx: CommandContext): Promise<ActionAnswer> {
    const { locale } = ctx;
    const conversationId = ctx.conversationId;
    const say = (text: string): ActionAnswer => ({ kind: 'message', text });
    if (data.action === 'dismiss') return say(t(locale, 'action.dismissed'));
    if (!this.tickets) {
      this.log(user, data.action, subjectOf(data), 'refused: actions off');
      return say(t(locale, 'action.off'));
    }
    const subject = subjectOf(data);
    const verdict = this.tickets.check(data.ticket, subject, conversationId, this.o.clock.now());
    if (!verdict.ok) {
      this.log(user, data.action, subject, `refused: ${verdict.why} ticket`);
      return say(t(locale, verdict.why === 'forged' ? 'action.refused' : 'action.expired'));
    }
    const audit: RunContext['audit'] = (action, target, vault, outcome) =>
      this.audit.info(
        { oid: user.aadObjectId?.toLowerCase(), action, target, vault: vaultKeyString(vault), outcome, conversationId },
        'action',
      );
    // The conversation's vaults before anything is asked of anyone (token service, Entra, ARM).
    const refusal = outsidePolicy({ ctx, audit }, data);
    if (refusal) return refusal;
    if (ssoToken === undefined) return { kind: 'signIn' };
    const oid = user.aadObjectId;
    if (oid === undefined || tokenOid(ssoToken) !== oid.toLowerCase()) {
      this.log(user, data.action, subject, 'refused: sign-in of another person');
      return say(t(locale, 'action.signInMismatch'));
    }
    // The user's Azure token first, so that a sign-in Entra wants spends nothing.
    const arm = this.o.userArm(ssoToken);
    try {
      await arm.signIn();
    } catch (err) {
      if (err instanceof SignInRequiredError) {
        this.log(user, data.action, subject, 'sign-in required by Entra');
        return { kind: 'signIn', consent: true };
      }
      const f = armFailureOf(err);
      if (!f) throw err;
      this.log(user, data.action, subject, `refused: no Azure token (${f.kind})`);
      return say(t(locale, 'action.failed', { vault: vaultLabelOf(data), message: f.message.slice(0, 300) }));
    }
    // First wins, across instances and restarts; a lost race or a replay is refused before any write.
    if (!(await this.o.state.spendTicket(verdict.nonce, verdict.expiresAt, this.o.clock.now()))) {
      this.log(user, data.action, subject, 'refused: replayed ticket');
      return say(t(locale, 'action.replayed'));
    }
    const run: RunContext = {
      ctx,
      user: { ...user, aadObjectId: oid.toLowerCase() },
      arm,
      actions: this,
      audit,
    };
    switch (data.action) {
      case 'cancelJob':
        return runCancel(run, data.jobKey, data.jobId);
      case 'backupAgain':
        return runBackupAgain(run, data.jobKey, data.jobId);
      case 'backupItem':
        return runBackupItem(run, data.vaultKey, data.container, data.item);
    }
  }

  /** Spends one write of the subscription, or says how long to wait. */
  takeWrite(vault: VaultId, locale: string | undefined): { ok: true } | { ok: false; text: string } {
    const w = this.o.writeBudget.take(vault.subscriptionId, this.o.clock.now());
    return w.ok ? w : { ok: false, text: t(locale, 'action.writeBudget', { wait: formatDuration(w.retryAfterMs, locale) }) };
  }

  onThrottled(vault: VaultId, retryAfterMs: number | undefined): void {
    this.o.writeBudget.onThrottled(vault.subscriptionId, retryAfterMs, this.o.clock.now());
  }

  private log(user: ActionUser, action: string, target: string, outcome: string): void {
    this.audit.warn({ oid: user.aadObjectId, action, target: target.slice(0, 400), outcome }, 'action');
  }
}

/** `rg/vault` of the press (validated by the invoke schema), for a message. */
function vaultLabelOf(data: Exclude<ExecuteData, { action: 'dismiss' }>): string {
  const key = data.action === 'backupItem' ? data.vaultKey : data.jobKey;
  return key.split('/').slice(1, 3).join('/');
}

function subjectOf(data: Exclude<ExecuteData, { action: 'dismiss' }>): string {
  if (data.action === 'backupItem') return `backupItem|${data.vaultKey.toLowerCase()}|${data.container}|${data.item}`;
  return `${data.action}|${data.jobKey}`;
}

/**
 * The `oid` claim of the SSO token, unverified: only compared with the Bot Framework-authenticated
 * `from.aadObjectId`. Entra verifies the token itself when the bot exchanges it On-Behalf-Of.
 */
function tokenOid(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined || payload.length > 12_000) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const oid = typeof claims === 'object' && claims !== null ? (claims as { oid?: unknown }).oid : undefined;
    return typeof oid === 'string' ? oid.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}
