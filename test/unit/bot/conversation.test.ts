import type { Activity } from 'botbuilder';
import { subscriberFromActivity, threadConversationId } from '../../../src/bot/conversation';
import { classifyConnectorError, retryAfterMs } from '../../../src/bot/connector-errors';
import { channelMessage, personalMessage, ALEX, CHANNEL_ID } from '../../support/teams-activities';

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
