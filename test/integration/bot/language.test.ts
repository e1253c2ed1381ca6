/**
 * Languages over real HTTP: the activity's locale picks the language of replies and cards; a
 * channel's `language <tag>` (stored with its subscriptions) wins for everyone in the channel,
 * for replies and for the tracker's notices; `language auto` gives each reader their own again.
 */
import { flushMicrotasks } from '../../../src/core/clock';
import { startBotHarness, type BotHarness } from '../../support/bot-harness';
import { cardOf, type RecordedActivity } from '../../support/recording-connector';
import { CHANNEL_ID, PERSONAL_CHAT_ID, channelMessage, conversationUpdate, personalMessage } from '../../support/teams-activities';
import type { SimJobSpec } from '../../../tools/simulator/spec';

let h: BotHarness;
beforeEach(async () => {
  h = await startBotHarness();
});
afterEach(async () => {
  await h?.close();
});

let seq = 0;
const job = (name: string) => h.jobs.find((j) => j.entityFriendlyName === name && j.operation === 'Backup')!;
const endOf = (spec: SimJobSpec) => spec.startAt + spec.tasks.reduce((s, t) => s + t.durationMs, 0);
const finals = (list: readonly RecordedActivity[]) => list.filter((a) => (a.activity.entities ?? []).some((e) => e.type === 'mention'));

async function inChannel(text: string, locale = 'en-US'): Promise<{ thread: string; sent: RecordedActivity[] }> {
  const id = `1900000000${++seq}`;
  const res = await h.send(channelMessage(text, { serviceUrl: h.connector.serviceUrl, id, locale }));
  expect(res.status).toBe(200);
  const thread = `${CHANNEL_ID};messageid=${id}`;
  return { thread, sent: h.connector.for(thread) };
}

const textOf = (sent: readonly RecordedActivity[]): string => sent.map((a) => a.activity.text ?? '').join('\n');

it('a cs-CZ message gets a Czech card and Czech replies; pt-PT gets Portuguese; zh-TW gets English', async () => {
  const res = await h.send(personalMessage('help', { serviceUrl: h.connector.serviceUrl, locale: 'cs-CZ' }));
  expect(res.status).toBe(200);
  const card = JSON.stringify(cardOf(h.connector.for(PERSONAL_CHAT_ID)[0]));
  expect(card).toContain('Co umím');
  expect(card).toContain('trezory');
  const vm = job('vm-web-01');
  const { sent } = await inChannel(`track job ${vm.jobId}`, 'cs-CZ');
  const tracked = JSON.stringify(cardOf(sent[0]));
  expect(tracked).toContain('Probíhá');
  expect(tracked).toContain('Přestat sledovat');
  expect(textOf((await inChannel('frobnicate', 'pt-PT')).sent)).toMatch(/^Não entendi/);
  expect(textOf((await inChannel('frobnicate', 'zh-TW')).sent)).toMatch(/^I did not understand/);
});

it('`language` alone shows the setting and the choices; a bad tag is refused with the choices; nothing is stored', async () => {
  const shown = textOf((await inChannel('language')).sent);
  expect(shown).toMatch(/^This conversation has no language set/);
  for (const choice of [
    'čeština (cs-CZ)',
    'Deutsch (de)',
    'English (en)',
    'español de España (es-ES)',
    'Nederlands (nl-NL)',
    'português do Brasil (pt-BR)',
    '简体中文 (zh-CN)',
  ]) {
    expect(shown).toContain(choice);
  }
  const refused = textOf((await inChannel('language klingon')).sent);
  expect(refused).toMatch(/^"klingon" is not a language I speak\. Choices: /);
  expect(textOf((await inChannel('language fr-FR')).sent)).toMatch(/^"fr-FR" is not a language I speak/);
  expect(await h.app.store.getLanguage(CHANNEL_ID)).toBeUndefined();
});

it('`language pt-BR` in a channel: every thread answers in Portuguese, and the next notice is Portuguese, whoever asked', async () => {
  const vm = job('vm-web-01');
  // Tracked by an English speaker before the channel chose a language.
  const { thread } = await inChannel(`track job ${vm.jobId}`, 'en-US');
  const set = await inChannel('language pt-br', 'en-US');
  expect(textOf(set.sent)).toBe('A partir de agora uso português do Brasil (pt-BR) nesta conversa, em respostas e avisos.');
  expect(await h.app.store.getLanguage(CHANNEL_ID)).toBe('pt-BR');
  expect(textOf((await inChannel('language', 'de-DE')).sent)).toMatch(/^Esta conversa usa português do Brasil \(pt-BR\)\./);

  // Another thread, a German reader: the channel's language.
  const help = (await inChannel('help', 'de-DE')).sent;
  expect(JSON.stringify(cardOf(help[0]))).toContain('O que eu faço');

  await h.advance(endOf(vm) - h.clock.now() + 5_000, 5_000);
  for (let i = 0; i < 20 && finals(h.connector.for(thread)).length === 0; i++) {
    await new Promise((r) => setTimeout(r, 15));
    await flushMicrotasks();
    await h.round();
  }
  const final = finals(h.connector.for(thread));
  expect(final).toHaveLength(1);
  expect(final[0].activity.text).toMatch(/^<at>Alex Wilber<\/at> vm-web-01 – Backup: concluído após /);
  expect(JSON.stringify(cardOf(final[0]))).toContain('Concluído');

  // `language auto`: each reader's own language again (this answer in the asker's).
  expect(textOf((await inChannel('language auto', 'nl-NL')).sent)).toMatch(/^Voor dit gesprek is geen taal meer ingesteld/);
  expect(await h.app.store.getLanguage(CHANNEL_ID)).toBeUndefined();
  expect(textOf((await inChannel('frobnicate', 'en-US')).sent)).toMatch(/^I did not understand/);
});

it('without a channel language a notice speaks the requester’s language', async () => {
  const vm = job('vm-web-01');
  const { thread } = await inChannel(`track job ${vm.jobId}`, 'cs-CZ');
  await h.advance(endOf(vm) - h.clock.now() + 5_000, 5_000);
  for (let i = 0; i < 20 && finals(h.connector.for(thread)).length === 0; i++) {
    await new Promise((r) => setTimeout(r, 15));
    await flushMicrotasks();
    await h.round();
  }
  expect(finals(h.connector.for(thread))[0].activity.text).toMatch(/^<at>Alex Wilber<\/at> vm-web-01 – Backup: dokončeno po /);
});

it('the team deleted: its channel’s language is forgotten with its subscriptions', async () => {
  await inChannel('language de');
  expect(await h.app.store.getLanguage(CHANNEL_ID)).toBe('de');
  await h.send(conversationUpdate('teamDeleted', 'team', { serviceUrl: h.connector.serviceUrl }));
  expect(await h.app.store.getLanguage(CHANNEL_ID)).toBeUndefined();
});
