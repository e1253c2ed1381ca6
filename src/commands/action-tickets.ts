/**
 * Every action button carries a ticket the bot signed when it drew the button: what it does, on
 * what, in which conversation, until when, and a one-time nonce. A forged or edited payload fails
 * the MAC; a replayed one (the same press sent again) finds its nonce spent in the store
 * (ActionStateStore), which every instance shares and which outlives a restart. The key is derived
 * from the app's client secret, so every instance of one deployment accepts the others' tickets.
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** Long enough for a card nobody refreshed in a working day; the tracker redraws running cards anyway. */
export const TICKET_TTL_MS = 24 * 60 * 60_000;
export type TicketVerdict =
  { readonly ok: true; readonly nonce: string; readonly expiresAt: number } | { readonly ok: false; readonly why: 'forged' | 'expired' };

export class ActionTickets {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'backup-jobs', 'action tickets v1', 32));
  }

  /** `subject` names the action and its target, e.g. `cancelJob|sub/rg/vault/jobId`. */
  issue(subject: string, conversationId: string, now: number): string {
    const expires = (now + TICKET_TTL_MS).toString(36);
    const nonce = randomBytes(12).toString('base64url');
    return `${expires}.${nonce}.${this.mac(subject, conversationId, expires, nonce)}`;
  }

  /** Checks the ticket's MAC and expiry; spending it is the store's (a sign-in round trip re-sends the same press). */
  check(ticket: string, subject: string, conversationId: string, now: number): TicketVerdict {
    const parts = ticket.split('.');
    if (parts.length !== 3) return { ok: false, why: 'forged' };
    const [expires, nonce, mac] = parts;
    const want = Buffer.from(this.mac(subject, conversationId, expires, nonce));
    const got = Buffer.from(mac);
    if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, why: 'forged' };
    const expiresAt = parseInt(expires, 36);
    if (!(expiresAt > now)) return { ok: false, why: 'expired' };
    return { ok: true, nonce, expiresAt };
  }

  private mac(subject: string, conversationId: string, expires: string, nonce: string): string {
    return createHmac('sha256', this.key).update(`${subject}\n${conversationId}\n${expires}\n${nonce}`).digest('base64url');
  }
}
