/** The action part of the job card (ACTIONS=sso): Cancel and Back up again behind a confirmation, and who last acted. */
import type { BackupJob } from '../domain/job';
import { formatAbsolute, truncate } from './format';
import { t } from './i18n';
import type { CardContext } from './job-card-types';

/** Template fields of the action buttons (Action.ShowCard asking to confirm, then Action.Execute) and the note. */
export function actionData(job: BackupJob, ctx: CardContext, entity: string, operation: string): Record<string, unknown> {
  const { locale } = ctx;
  const a = ctx.actions;
  const note = a?.note;
  const noteText = note
    ? t(locale, note.kind === 'cancelled' ? 'action.note.cancelled' : 'action.note.backupStarted', {
        name: truncate(note.name, 100),
        time: formatAbsolute(note.at, locale, ctx.timeZone).label,
      })
    : '';
  return {
    hasActionNote: note !== undefined,
    actionNote: noteText,
    showCancel: !ctx.final && a?.cancelTicket !== undefined,
    cancelTitle: t(locale, 'action.cancel'),
    cancelQuestion: t(locale, 'action.cancelQuestion', { operation: operation.toLowerCase(), entity }),
    cancelTicket: a?.cancelTicket ?? '',
    showRetry: ctx.final && a?.retryTicket !== undefined,
    retryTitle: t(locale, 'action.backupAgain'),
    retryQuestion: t(locale, 'action.backupAgainQuestion', { entity }),
    retryTicket: a?.retryTicket ?? '',
    confirmTitle: t(locale, 'action.confirm'),
  };
}
