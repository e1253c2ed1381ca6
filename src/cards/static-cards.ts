/**
 * Cards whose content is only catalog text: help and welcome. Which commands they list is the
 * command registry's business (src/commands/registry.ts); these builders only lay out its lines.
 */
import { t, type MessageId } from './i18n';
import { expandTemplate, type AdaptiveCardJson } from './render';
import template from './templates/text-card.json';

export interface HelpCardOptions {
  /** One catalog id per command, in the order shown. */
  readonly lines: readonly MessageId[];
  /** Allowed vaults as users may name them (`resourceGroup/vaultName`), listed under the commands. */
  readonly vaults?: readonly string[];
  /** The footer when `vaults` is empty (the conversation may use none); no footer without it. */
  readonly noVaultsText?: string;
}

function commandLines(locale: string | undefined, lines: readonly MessageId[]): Array<{ text: string }> {
  return lines.map((id) => ({ text: `• ${t(locale, id)}` }));
}

export function buildHelpCard(locale: string | undefined, options: HelpCardOptions): AdaptiveCardJson {
  const vaults = options.vaults ?? [];
  const title = t(locale, 'help.title');
  return expandTemplate('help', template, {
    fallbackText: `${title}: ${options.lines.map((id) => t(locale, id)).join(' ')}`,
    title,
    hasIntro: true,
    intro: t(locale, 'help.intro'),
    lines: commandLines(locale, options.lines),
    hasFooter: vaults.length > 0 || options.noVaultsText !== undefined,
    footer:
      vaults.length > 0 || options.noVaultsText === undefined
        ? t(locale, 'help.vaults', { vaults: vaults.join(t(locale, 'list.separator')) })
        : options.noVaultsText,
  });
}

/** Posted once when the app is installed into a team or chat. */
export function buildWelcomeCard(locale: string | undefined, lines: readonly MessageId[]): AdaptiveCardJson {
  const title = t(locale, 'welcome.title');
  const body = t(locale, 'welcome.body');
  return expandTemplate('welcome', template, {
    fallbackText: `${title}. ${body}`,
    title,
    hasIntro: true,
    intro: body,
    lines: commandLines(locale, lines),
    hasFooter: true,
    footer: t(locale, 'welcome.tryIt'),
  });
}
