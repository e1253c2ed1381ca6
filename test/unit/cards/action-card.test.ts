import { buildConfirmCard } from '../../../src/cards/action-cards';
import { buildJobCard, type AdaptiveCardJson } from '../../../src/cards';
import { parseExecuteInvoke } from '../../../src/cards/card-actions';
import type { BackupJob } from '../../../src/domain/job';
import { checkCard, Versions } from './ac-validate';
import { allTypeJobs, ctx, NOW } from './fixtures';

type Action = {
  type: string;
  title: string;
  card?: { body: Array<{ text: string }>; actions: Array<{ type: string; verb: string; data: Record<string, string> }> };
};
const actionsOf = (card: AdaptiveCardJson): Action[] => (card.actions ?? []) as Action[];
const running = allTypeJobs()[0].job;
const failed: BackupJob = {
  ...running,
  status: 'Failed',
  rawStatus: 'Failed',
  operation: 'Backup',
  actionsInfo: ['Retriable'],
  isCancellable: false,
};

function clean(card: AdaptiveCardJson): void {
  for (const version of [undefined, Versions.v1_5]) {
    const check = checkCard(card, version);
    expect(check.parseEvents).toEqual([]);
    expect(check.validationEvents).toEqual([]);
  }
}

describe('action buttons on the job card', () => {
  it('a running job with a cancel ticket: Cancel opens a question whose Confirm is an Action.Execute with the ticket; renders without warnings', () => {
    const card = buildJobCard(running, ctx({ final: false, tracking: true, actions: { cancelTicket: 'ticket-cancel-0001' } }));
    const cancel = actionsOf(card).find((a) => a.title === 'Cancel')!;
    expect(cancel.type).toBe('Action.ShowCard');
    expect(cancel.card!.body[0].text).toMatch(/^Cancel this .+\?$/);
    expect(cancel.card!.actions).toHaveLength(1);
    expect(cancel.card!.actions[0]).toMatchObject({
      type: 'Action.Execute',
      title: 'Confirm',
      verb: 'cancelJob',
      data: { action: 'cancelJob', ticket: 'ticket-cancel-0001' },
    });
    expect(actionsOf(card).some((a) => a.title === 'Back up again')).toBe(false);
    clean(card);
    // What Confirm sends is accepted by the invoke schema.
    const data = cancel.card!.actions[0].data;
    expect(parseExecuteInvoke({ action: { type: 'Action.Execute', verb: 'cancelJob', data } })?.data).toEqual(data);
  });

  it('a failed backup with a retry ticket offers Back up again, never Cancel; no ticket, no button', () => {
    const card = buildJobCard(
      failed,
      ctx({ final: true, actions: { retryTicket: 'ticket-retry-00001', cancelTicket: 'ignored-when-final' } }),
    );
    expect(actionsOf(card).map((a) => a.title)).toEqual(['Back up again', 'Open in Azure portal']);
    clean(card);
    const plain = buildJobCard(failed, ctx({ final: true }));
    expect(actionsOf(plain).map((a) => a.type)).toEqual(['Action.OpenUrl']);
  });

  it('the note says who did what and when, with the name escaped', () => {
    const card = buildJobCard(
      running,
      ctx({ final: false, actions: { note: { kind: 'cancelled', name: '**Eve** [x](https://evil.example)', at: NOW } } }),
    );
    const text = JSON.stringify(card);
    expect(text).toContain('Cancelled by \\\\*\\\\*Eve\\\\*\\\\* \\\\[x\\\\](https://evil.example)');
    clean(card);
  });

  it('the confirmation card of the commands renders without warnings and offers Confirm and Not now', () => {
    const card = buildConfirmCard(
      'Cancel the backup of vm-web-01 in rg/vault?',
      { action: 'cancelJob', jobKey: 'k', jobId: 'j' },
      't',
      'en-US',
    );
    expect(actionsOf(card).map((a) => `${a.type}:${a.title}`)).toEqual(['Action.Execute:Confirm', 'Action.Execute:Not now']);
    clean(card);
  });

  it('refuses invoke values that are not our buttons', () => {
    for (const value of [
      undefined,
      { action: { type: 'Action.Submit', data: { action: 'dismiss' } } },
      { action: { type: 'Action.Execute', data: { action: 'deleteVault' } } },
      { action: { type: 'Action.Execute', data: { action: 'cancelJob', jobKey: 'a/b/c/d', jobId: 'x', ticket: '0123456789' } } },
    ]) {
      expect(parseExecuteInvoke(value)).toBeUndefined();
    }
  });
});
