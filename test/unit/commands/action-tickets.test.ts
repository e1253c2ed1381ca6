import { ActionTickets, TICKET_TTL_MS } from '../../../src/commands/action-tickets';

describe('action tickets', () => {
  const tickets = new ActionTickets('a client secret');
  const subject = 'cancelJob|sub/rg/vault/job';

  it('accepts its own ticket for the same subject and conversation, with its nonce and expiry (the store spends the nonce)', () => {
    const t = tickets.issue(subject, 'conv-1', 1000);
    const v = tickets.check(t, subject, 'conv-1', 2000);
    expect(v).toEqual({ ok: true, nonce: t.split('.')[1], expiresAt: 1000 + TICKET_TTL_MS });
  });

  it('refuses an edited ticket, another subject or conversation, another key, and an expired ticket', () => {
    const t = tickets.issue(subject, 'conv-1', 1000);
    expect(tickets.check(`${t}x`, subject, 'conv-1', 2000).ok).toBe(false);
    expect(tickets.check(t, 'cancelJob|sub/rg/vault/other', 'conv-1', 2000)).toEqual({ ok: false, why: 'forged' });
    expect(tickets.check(t, subject, 'conv-2', 2000)).toEqual({ ok: false, why: 'forged' });
    expect(new ActionTickets('another secret').check(t, subject, 'conv-1', 2000)).toEqual({ ok: false, why: 'forged' });
    expect(tickets.check(t, subject, 'conv-1', 1000 + TICKET_TTL_MS)).toEqual({ ok: false, why: 'expired' });
    expect(tickets.check('a.b', subject, 'conv-1', 2000)).toEqual({ ok: false, why: 'forged' });
  });

  it('another instance with the same secret accepts the ticket (several instances behind one bot)', () => {
    const t = tickets.issue(subject, 'conv-1', 1000);
    expect(new ActionTickets('a client secret').check(t, subject, 'conv-1', 2000).ok).toBe(true);
  });
});
