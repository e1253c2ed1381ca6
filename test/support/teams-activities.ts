/**
 * Teams-shaped activities as Teams (or the Agents Playground) sends them to a bot, and a helper
 * that posts them to the bot's /api/messages. Shapes follow real Teams payloads: channel
 * messages carry `;messageid=` in the conversation id, an `<at>` mention entity and a clientInfo
 * entity with the user's locale and time zone.
 */
import { randomUUID } from 'node:crypto';

export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const BOT = { id: '28:backup-jobs-bot', name: 'Backup Jobs' } as const;
export const ALEX = { id: '29:alex-wilber', name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-00000000a1e8' } as const;
export const MEGAN = { id: '29:megan-bowen', name: 'Megan Bowen', aadObjectId: '00000000-0000-0000-0000-00000000be9a' } as const;
export const TEAM_ID = '19:team-general@thread.tacv2';
export const CHANNEL_ID = '19:channel-ops@thread.tacv2';
export const GROUP_CHAT_ID = '19:group-chat-ops@thread.v2';
export const PERSONAL_CHAT_ID = 'a:1personal-chat-alex';
/** A second team, with a channel of its own (its General channel's id is the team id, like every team's). */
export const OTHER_TEAM_ID = '19:team-finance-general@thread.tacv2';
export const OTHER_TEAM_CHANNEL_ID = '19:channel-finance@thread.tacv2';

export interface User {
  readonly id: string;
  readonly name: string;
  readonly aadObjectId?: string;
}

export type Activity = Record<string, unknown> & { readonly type: string; readonly id: string };

export interface MessageOptions {
  readonly serviceUrl: string;
  readonly from?: User;
  readonly locale?: string;
  readonly timeZone?: string;
  /** Activity id; also the thread id of a new channel post. */
  readonly id?: string;
}

function clientInfo(locale: string, timeZone: string | undefined): Record<string, unknown> {
  return { type: 'clientInfo', locale, country: 'US', platform: 'Web', ...(timeZone ? { timezone: timeZone } : {}) };
}

function base(type: string, opts: MessageOptions, conversation: Record<string, unknown>, channelData: Record<string, unknown>): Activity {
  const from = opts.from ?? ALEX;
  return {
    type,
    id: opts.id ?? `msg-${randomUUID()}`,
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString(),
    serviceUrl: opts.serviceUrl,
    channelId: 'msteams',
    from: { id: from.id, name: from.name, ...(from.aadObjectId ? { aadObjectId: from.aadObjectId } : {}) },
    recipient: { id: BOT.id, name: BOT.name },
    conversation: { tenantId: TENANT_ID, ...conversation },
    channelData: { tenant: { id: TENANT_ID }, ...channelData },
    locale: opts.locale ?? 'en-US',
  };
}

/** A new post in a team channel that @mentions the bot (Teams only delivers those). */
export function channelMessage(
  text: string,
  opts: MessageOptions & {
    readonly channelId?: string;
    readonly mention?: boolean;
    /** Reply in this thread (its root message id). */
    readonly threadId?: string;
    /** The channel's team (default TEAM_ID). */
    readonly teamId?: string;
  },
): Activity {
  const id = opts.id ?? `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const channel = opts.channelId ?? CHANNEL_ID;
  const team = opts.teamId ?? TEAM_ID;
  const mention = opts.mention ?? true;
  const a = base(
    'message',
    { ...opts, id },
    { id: `${channel};messageid=${opts.threadId ?? id}`, conversationType: 'channel', isGroup: true },
    { teamsChannelId: channel, teamsTeamId: team, channel: { id: channel }, team: { id: team } },
  );
  const at = `<at>${BOT.name}</at>`;
  return {
    ...a,
    text: mention ? `${at} ${text}` : text,
    textFormat: 'plain',
    entities: [
      ...(mention ? [{ type: 'mention', text: at, mentioned: { id: BOT.id, name: BOT.name } }] : []),
      clientInfo(opts.locale ?? 'en-US', opts.timeZone),
    ],
  };
}

/** A message in a group chat that @mentions the bot. */
export function groupChatMessage(text: string, opts: MessageOptions & { readonly chatId?: string }): Activity {
  const a = base('message', opts, { id: opts.chatId ?? GROUP_CHAT_ID, conversationType: 'groupChat', isGroup: true }, {});
  const at = `<at>${BOT.name}</at>`;
  return {
    ...a,
    text: `${at} ${text}`,
    textFormat: 'plain',
    entities: [{ type: 'mention', text: at, mentioned: { id: BOT.id, name: BOT.name } }, clientInfo(opts.locale ?? 'en-US', opts.timeZone)],
  };
}

/** A message in the 1:1 chat with the bot (no mention needed). */
export function personalMessage(text: string, opts: MessageOptions & { readonly chatId?: string }): Activity {
  const a = base('message', opts, { id: opts.chatId ?? PERSONAL_CHAT_ID, conversationType: 'personal' }, {});
  return { ...a, text, textFormat: 'plain', entities: [clientInfo(opts.locale ?? 'en-US', opts.timeZone)] };
}

/**
 * An Action.Submit press on a card: a message activity with `value`, no text, `replyToId` = the
 * card's activity id. `conversationId` is where the card is (a channel thread id included).
 */
export function cardSubmit(
  value: Record<string, unknown>,
  opts: MessageOptions & {
    readonly conversationId: string;
    readonly replyToId: string;
    readonly conversationType?: 'channel' | 'groupChat' | 'personal';
  },
): Activity {
  const type = opts.conversationType ?? (opts.conversationId.includes(';messageid=') ? 'channel' : 'personal');
  const a = base(
    'message',
    opts,
    { id: opts.conversationId, conversationType: type, ...(type === 'personal' ? {} : { isGroup: true }) },
    {},
  );
  return { ...a, replyToId: opts.replyToId, value, entities: [clientInfo(opts.locale ?? 'en-US', opts.timeZone)] };
}

export type Scope = 'team' | 'groupChat' | 'personal';

function scopeConversation(scope: Scope): { conversation: Record<string, unknown>; channelData: Record<string, unknown> } {
  switch (scope) {
    case 'team':
      return {
        conversation: { id: TEAM_ID, conversationType: 'channel', isGroup: true },
        channelData: { team: { id: TEAM_ID, name: 'Operations' }, channel: { id: TEAM_ID } },
      };
    case 'groupChat':
      return { conversation: { id: GROUP_CHAT_ID, conversationType: 'groupChat', isGroup: true }, channelData: {} };
    case 'personal':
      return { conversation: { id: PERSONAL_CHAT_ID, conversationType: 'personal' }, channelData: {} };
  }
}

/** The bot was added (`installationUpdate` add) to a team, group chat or personal scope. */
export function installationUpdate(action: 'add' | 'remove', scope: Scope, opts: MessageOptions): Activity {
  const { conversation, channelData } = scopeConversation(scope);
  return { ...base('installationUpdate', opts, conversation, channelData), action };
}

/** conversationUpdate: the bot was added or removed, or the team was deleted. */
export function conversationUpdate(event: 'botAdded' | 'botRemoved' | 'teamDeleted', scope: Scope, opts: MessageOptions): Activity {
  const { conversation, channelData } = scopeConversation(scope);
  const bot = { id: BOT.id, name: BOT.name };
  const extra =
    event === 'botAdded'
      ? {
          membersAdded: [bot],
          channelData: { ...channelData, tenant: { id: TENANT_ID }, ...(scope === 'team' ? { eventType: 'teamMemberAdded' } : {}) },
        }
      : event === 'botRemoved'
        ? {
            membersRemoved: [bot],
            channelData: { ...channelData, tenant: { id: TENANT_ID }, ...(scope === 'team' ? { eventType: 'teamMemberRemoved' } : {}) },
          }
        : { channelData: { ...channelData, tenant: { id: TENANT_ID }, eventType: 'teamDeleted' } };
  return { ...base('conversationUpdate', opts, conversation, channelData), ...extra };
}

/** conversationUpdate in a team: a person (not the bot) left or was removed from the team. */
export function teamMemberRemoved(member: User, opts: MessageOptions): Activity {
  const { conversation, channelData } = scopeConversation('team');
  return {
    ...base('conversationUpdate', opts, conversation, channelData),
    membersRemoved: [{ id: member.id, name: member.name }],
    channelData: { ...channelData, tenant: { id: TENANT_ID }, eventType: 'teamMemberRemoved' },
  };
}

/** conversationUpdate in a team: a channel was deleted (the activity's conversation is the General channel). */
export function channelDeleted(channelId: string, opts: MessageOptions): Activity {
  const { conversation, channelData } = scopeConversation('team');
  return {
    ...base('conversationUpdate', opts, conversation, channelData),
    channelData: {
      ...channelData,
      channel: { id: channelId, name: 'Deleted channel' },
      tenant: { id: TENANT_ID },
      eventType: 'channelDeleted',
    },
  };
}

export interface PostResult {
  readonly status: number;
  readonly body: string;
}

/** POSTs an activity to the bot like the connector does (optionally with an Authorization header). */
export async function postActivity(botUrl: string, activity: Activity, headers: Record<string, string> = {}): Promise<PostResult> {
  const res = await fetch(`${botUrl.replace(/\/+$/, '')}/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });
  return { status: res.status, body: await res.text() };
}

/** The environment of a bot with inbound Bot Framework authentication on (an app id, its secret, our tenant). */
export const AUTH_ON_ENV = {
  MicrosoftAppId: '3f2c9a4e-1111-4000-8000-000000000001',
  MicrosoftAppPassword: 'not-a-real-secret',
  ALLOWED_TENANT_IDS: TENANT_ID,
} as const;
