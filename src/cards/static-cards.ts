/**
 * Cards whose content is only catalog text: help and welcome.
 */
import { t, type MessageId } from './i18n';
import { expandTemplate, type AdaptiveCardJson } from './render';
import template from './templates/text-card.json';

const COMMAND_HELP: readonly MessageId[] = ['help.track', 'help.trackOperation', 'help.untrack', 'help.tracking', 'help.jobs', 'help.help'];

export interface HelpCardOptions {
  /** Allowed vaults as users may name them (`resourceGroup/vaultName`), listed under the commands. */
  readonly vaults?: readonly string[];
}

function commandLines(locale: string | undefined): Array<{ text: string }> {
  return COMMAND_HELP.map((id) => ({ text: `• ${t(locale, id)}` }));
}

export function buildHelpCard(locale?: string, options: HelpCardOptions = {}): AdaptiveCardJson {
  const vaults = options.vaults ?? [];
  const title = t(locale, 'help.title');
  return expandTemplate('help', template, {
    fallbackText: `${title}: ${COMMAND_HELP.map((id) => t(locale, id)).join(' ')}`,
    title,
    hasIntro: true,
    intro: t(locale, 'help.intro'),
    lines: commandLines(locale),
    hasFooter: vaults.length > 0,
    footer: t(locale, 'help.vaults', { vaults: vaults.join(t(locale, 'list.separator')) }),
  });
}

/** Posted once when the app is installed into a team or chat. */
export function buildWelcomeCard(locale?: string): AdaptiveCardJson {
  const title = t(locale, 'welcome.title');
  const body = t(locale, 'welcome.body');
  return expandTemplate('welcome', template, {
    fallbackText: `${title}. ${body}`,
    title,
    hasIntro: true,
    intro: body,
    lines: commandLines(locale),
    hasFooter: true,
    footer: t(locale, 'welcome.tryIt'),
  });
}
