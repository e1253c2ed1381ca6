import type { Activity } from 'botbuilder';
import {
  MAX_NAME_LENGTH,
  cleanLocale,
  cleanTimeZone,
  conversationReferenceOf,
  subscriberFromActivity,
  threadConversationId,
} from '../../../src/bot/conversation';
import { audienceOf, checkActivity } from '../../../src/bot/access';
import { classifyConnectorError, retryAfterMs } from '../../../src/bot/connector-errors';
import { channelMessage, personalMessage, ALEX, CHANNEL_ID, TEAM_ID, TENANT_ID } from '../../support/teams-activities';

const serviceUrl = 'http://127.0.0.1:9/';

describe('subscriberFromActivity', () => {
  it('uses the channel thread as the conversation and keeps it in the reference', () => {
    const a = channelMessage('track job x', {
      serviceUrl,
      id: '1700000000001',
      timeZone: 'Europe/Berlin',
      locale: 'de-DE',
    }) as unknown as Activity;
    const s = subscriberFromActivity(a);
    expect(s.conversationId).toBe(`${CHANNEL_ID};messageid=1700000000001`);
    expect((s.conversationRef.conversation as { id: string }).id).toBe(s.conversationId);
    expect(s.conversationRef.serviceUrl).toBe(serviceUrl);
    expect(s.requester).toEqual({ id: ALEX.id, name: ALEX.name });
    expect(s.locale).toBe('de-DE');
    expect(s.timeZone).toBe('Europe/Berlin');
  });

  it('starts a thread at the message when the client left the thread out of the id', () => {
    const a = {
      ...channelMessage('help', { serviceUrl, id: '42' }),
      conversation: { id: CHANNEL_ID, conversationType: 'channel' },
    } as unknown as Activity;
    expect(threadConversationId(a)).toBe(`${CHANNEL_ID};messageid=42`);
  });

  it('keeps chats as they are and ignores an unknown time zone', () => {
    const a = personalMessage('help', { serviceUrl, timeZone: 'Mars/Olympus_Mons' }) as unknown as Activity;
    const s = subscriberFromActivity(a);
    expect(s.conversationId).toBe(a.conversation.id);
    expect(s.timeZone).toBeUndefined();
  });
});

describe('classifyConnectorError', () => {
  const headers = (v: string) => ({ get: (n: string) => (n === 'retry-after' ? v : undefined) });
  it('429 → retry after Retry-After (seconds or date)', () => {
    expect(classifyConnectorError({ statusCode: 429, response: { headers: headers('7') } }, 0)).toMatchObject({
      ok: false,
      retry: true,
      retryAfterMs: 7000,
    });
    expect(retryAfterMs({ response: { headers: headers(new Date(60_000).toUTCString()) } }, 0)).toBe(60_000);
  });
  it('5xx and network errors → retry', () => {
    expect(classifyConnectorError({ statusCode: 502 }, 0)).toMatchObject({ retry: true });
    expect(classifyConnectorError({ code: 'ECONNREFUSED' }, 0)).toMatchObject({
      retry: true,
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest's asymmetric matchers are typed any
      reason: expect.stringContaining('ECONNREFUSED'),
    });
  });
  it('403 and 404 → the conversation is gone', () => {
    expect(classifyConnectorError({ statusCode: 403 }, 0)).toMatchObject({ retry: false, conversationGone: true });
    expect(classifyConnectorError({ statusCode: 404 }, 0)).toMatchObject({ retry: false, conversationGone: true });
  });
  it('other 4xx → give up on the message, keep the conversation', () => {
    expect(classifyConnectorError({ statusCode: 400 }, 0)).toMatchObject({ retry: false, conversationGone: false });
  });
});

describe('client values are checked before use (hostile ones fall back)', () => {
  const huge = 'A'.repeat(1024 * 1024);

  it('time zone: a known IANA name, canonical spelling, at most 64 characters', () => {
    expect(cleanTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(cleanTimeZone('europe/BERLIN')).toBe('Europe/Berlin');
    expect(cleanTimeZone('America/Argentina/Buenos_Aires')).toMatch(/Buenos_Aires$/);
    expect(cleanTimeZone('UTC')).toBe('UTC');
    for (const bad of [huge, `Europe/${'x'.repeat(60)}`, 'Mars/Olympus_Mons', '../../etc/passwd', 'Europe/Berlin\n', '', 42, null, {}]) {
      expect([bad === huge ? 'huge' : bad, cleanTimeZone(bad)]).toEqual([bad === huge ? 'huge' : bad, undefined]);
    }
  });

  it('locale: BCP-47 language[-Script][-REGION], at most 35 characters, canonical', () => {
    expect(cleanLocale('de-DE')).toBe('de-DE');
    expect(cleanLocale('de_de')).toBe('de-DE');
    expect(cleanLocale('zh-Hant-TW')).toBe('zh-Hant-TW');
    for (const bad of [huge, 'en-US-x-private-use-goes-on-and-on', 'english', 'en US', '<script>', '', 7]) {
      expect([bad === huge ? 'huge' : bad, cleanLocale(bad)]).toEqual([bad === huge ? 'huge' : bad, undefined]);
    }
  });

  it('a hostile activity yields a bounded subscriber: defaults for zone and locale, a cut name, a bounded reference', () => {
    const a = personalMessage('help', { serviceUrl, timeZone: huge, locale: huge }) as unknown as Activity;
    const hostile = {
      ...a,
      from: { id: ALEX.id, name: `${'N'.repeat(10_000)}\u0007`, aadObjectId: huge },
      conversation: { ...a.conversation, name: huge },
      recipient: { id: '28:bot', name: huge },
    } as unknown as Activity;
    const s = subscriberFromActivity(hostile);
    expect(s.timeZone).toBeUndefined();
    expect(s.locale).toBeUndefined();
    expect(s.requester.name).toHaveLength(MAX_NAME_LENGTH);
    expect(JSON.stringify(s).length).toBeLessThan(2000);
    expect(JSON.stringify(conversationReferenceOf(hostile)).length).toBeLessThan(2000);
  });

  it('an id out of bounds or with control characters is refused at the gate; so are tenants that disagree', () => {
    const ok = channelMessage('help', { serviceUrl }) as unknown as Activity;
    expect(checkActivity(ok, [TENANT_ID])).toEqual({ ok: true });
    expect(checkActivity(ok, [])).toEqual({ ok: true });
    const long = { ...ok, conversation: { ...ok.conversation, id: 'x'.repeat(600) } };
    expect(checkActivity(long, [])).toEqual({ ok: false, why: 'malformed ids' });
    const control = { ...ok, from: { id: '29:a\u0000b', name: 'x' } } as Activity;
    expect(checkActivity(control, [])).toEqual({ ok: false, why: 'malformed ids' });
    const mixed = {
      ...ok,
      channelData: { ...(ok.channelData as object), tenant: { id: 'f0f0f0f0-0000-4000-8000-0000000000ff' } },
    } as Activity;
    expect(checkActivity(mixed, [TENANT_ID])).toEqual({ ok: false, why: 'tenant mismatch' });
    const other = { ...mixed, conversation: { ...ok.conversation, tenantId: 'f0f0f0f0-0000-4000-8000-0000000000ff' } } as Activity;
    expect(checkActivity(other, [TENANT_ID])).toEqual({
      ok: false,
      why: 'foreign tenant',
      tenantId: 'f0f0f0f0-0000-4000-8000-0000000000ff',
    });
    expect(audienceOf(ok)).toEqual({
      conversationId: CHANNEL_ID,
      conversationType: 'channel',
      tenantId: TENANT_ID,
      teamId: TEAM_ID,
      userObjectId: ALEX.aadObjectId,
    });
  });
});
