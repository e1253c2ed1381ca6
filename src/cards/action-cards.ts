/**
 * The confirmation card of the `cancel job` and `backup` commands: the question and two
 * Action.Execute buttons, Confirm (carrying the signed ticket) and Not now (does nothing).
 */
import { t } from './i18n';
import { expandTemplate, type AdaptiveCardJson } from './render';
import template from './templates/action-confirm.json';

export type ConfirmTarget =
  | { readonly action: 'cancelJob'; readonly jobKey: string; readonly jobId: string }
  | { readonly action: 'backupItem'; readonly vaultKey: string; readonly container: string; readonly item: string };

/** `question` is already escaped for card markdown by the caller. */
export function buildConfirmCard(question: string, target: ConfirmTarget, ticket: string, locale: string | undefined): AdaptiveCardJson {
  return expandTemplate('action-confirm', template, {
    question,
    confirmTitle: t(locale, 'action.confirm'),
    notNowTitle: t(locale, 'action.notNow'),
    verb: target.action,
    action: target.action,
    jobKey: target.action === 'cancelJob' ? target.jobKey : '',
    jobId: target.action === 'cancelJob' ? target.jobId : '',
    vaultKey: target.action === 'backupItem' ? target.vaultKey : '',
    container: target.action === 'backupItem' ? target.container : '',
    item: target.action === 'backupItem' ? target.item : '',
    ticket,
  });
}
