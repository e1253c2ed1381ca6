/**
 * Every action button carries a ticket the bot signed when it drew the button: what it does, on
 * what, in which conversation, until when, and a one-time nonce. A forged or edited payload fails
 * the MAC; a replayed one (the same press sent again) finds its nonce spent. The key is derived
 * from the app's client secret, so every instance of one deployment accepts the others' tickets.
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** Long enough for a card nobody refreshed in a working day; the tracker redraws running cards anyway. */
export const TICKET_TTL_MS = 24 * 60 * 60_000;
/** Spent nonces kept at most (oldest forgotten first; they expire with their ticket anyway). */
const MAX_SPENT = 50_000;

export type TicketVerdict =
  { readonly ok: true; readonly nonce: string } | { readonly ok: false; readonly why: 'forged' | 'expired' | 'replayed' };

export class ActionTickets {
  private readonly key: Buffer;
  /** nonce → expiry; Map order is insertion order, so the first entry is the oldest. */
  private readonly spent = new Map<string, number>();

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'backup-jobs', 'action tickets v1', 32));
  }

  /** `subject` names the action and its target, e.g. `cancelJob|sub/rg/vault/jobId`. */
  issue(subject: string, conversationId: string, now: number): string {
    const expires = (now + TICKET_TTL_MS).toString(36);
    const nonce = randomBytes(12).toString('base64url');
    return `${expires}.${nonce}.${this.mac(subject, conversationId, expires, nonce)}`;
  }

  /** Checks the ticket; does not spend it (a sign-in round trip re-sends the same press). */
  check(ticket: string, subject: string, conversationId: string, now: number): TicketVerdict {
    const parts = ticket.split('.');
    if (parts.length !== 3) return { ok: false, why: 'forged' };
    const [expires, nonce, mac] = parts;
    const want = Buffer.from(this.mac(subject, conversationId, expires, nonce));
    const got = Buffer.from(mac);
    if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, why: 'forged' };
    const expiresAt = parseInt(expires, 36);
    if (!(expiresAt > now)) return { ok: false, why: 'expired' };
    if (this.spent.has(nonce)) return { ok: false, why: 'replayed' };
    return { ok: true, nonce };
  }

  /** Marks the nonce used; false when it already was (two presses racing). */
  spend(nonce: string, now: number): boolean {
    if (this.spent.has(nonce)) return false;
    for (const [n, exp] of this.spent) {
      if (exp > now && this.spent.size < MAX_SPENT) break;
      this.spent.delete(n);
    }
    this.spent.set(nonce, now + TICKET_TTL_MS);
    return true;
  }

  private mac(subject: string, conversationId: string, expires: string, nonce: string): string {
    return createHmac('sha256', this.key).update(`${subject}\n${conversationId}\n${expires}\n${nonce}`).digest('base64url');
  }
}
