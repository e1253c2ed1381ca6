/**
 * `language [<tag>]`: the language this conversation speaks, kept with its subscriptions. A
 * channel's notices go to many people, so one setting for the channel (all its threads) wins
 * over each reader's Teams language; `language auto` gives that back.
 */
import { canonicalTag, defaultCatalog, matchLanguage, SOURCE_LANGUAGE, t } from '../cards/i18n';
import { conversationRoot } from '../domain/subscriber';
import { echo } from './resolve';
import type { CommandDefinition } from './types';

// A BCP-47 tag is short; anything longer is refused by the pattern, not stored.
const PATTERN = /^language(?:\s+(\S{1,40}))?$/i;
const CLEAR = new Set(['auto', 'default', 'reset', 'off', 'none']);

export interface LanguageCommand {
  readonly kind: 'language';
  /** Absent: show the current setting and the choices. */
  readonly tag?: string;
}

/** "čeština (cs-CZ)": each language named in itself, so a reader finds their own. */
function named(tag: string): string {
  return `${t(tag, 'language.name')} (${tag})`;
}

function choices(locale: string | undefined): string {
  return defaultCatalog.locales().map(named).join(t(locale, 'list.separator'));
}

/** The catalog language a typed tag asks for: `pt-br` → `pt-BR`, `de-AT` → `de`; undefined when there is none. */
export function chosenLanguage(input: string): string | undefined {
  const tag = canonicalTag(input);
  if (tag === undefined) return undefined;
  const language = matchLanguage(tag, defaultCatalog.locales());
  // matchLanguage falls back to English for anything it does not have: only `en…` asks for English.
  if (language === SOURCE_LANGUAGE && new Intl.Locale(tag).language !== SOURCE_LANGUAGE) return undefined;
  return language;
}

export const languageCommand: CommandDefinition<LanguageCommand> = {
  kind: 'language',
  words: ['language'],
  examples: ['language', 'language pt-BR', 'language cs-cz', 'language de_DE', 'language auto'],
  help: 'help.language',
  needsVault: false,
  // Teams lists at most 10 commands; a channel finds it through help.
  manifest: { title: 'language', description: 'command.language', listed: false },
  match(text) {
    const m = PATTERN.exec(text);
    if (!m) return undefined;
    return m[1] === undefined ? { kind: 'language' } : { kind: 'language', tag: m[1] };
  },
  async handle(cmd, ctx) {
    const conversation = conversationRoot(ctx.subscriber.conversationId);
    if (cmd.tag === undefined) {
      const current = await ctx.settings.getLanguage(conversation);
      await ctx.reply.text(
        current === undefined
          ? t(ctx.locale, 'language.currentAuto', { languages: choices(ctx.locale) })
          : t(ctx.locale, 'language.current', { language: named(current), languages: choices(ctx.locale) }),
      );
      return;
    }
    if (CLEAR.has(cmd.tag.toLowerCase())) {
      await ctx.settings.setLanguage(conversation, undefined);
      // From now on each reader's own language: this answer goes to the one who asked.
      await ctx.reply.text(t(ctx.subscriber.locale, 'language.cleared'));
      return;
    }
    const language = chosenLanguage(cmd.tag);
    if (language === undefined) {
      await ctx.reply.text(t(ctx.locale, 'language.unknown', { input: echo(cmd.tag), languages: choices(ctx.locale) }));
      return;
    }
    await ctx.settings.setLanguage(conversation, language, ctx.subscriber.teamId);
    await ctx.reply.text(t(language, 'language.set', { language: named(language) }));
  },
};
