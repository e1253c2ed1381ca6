/** `track operation` with an operation that never yields a job: the give-up answer, in the user's language. */
import type { ArmResult } from '../../../src/azure/types';
import type { OperationRef, OperationStatus, VaultId } from '../../../src/domain/job';
import { trackOperationCommand, OPERATION_POLL } from '../../../src/commands/track-operation';
import { flushMicrotasks } from '../../../src/core/clock';
import { commandHarness, RecordingApi, SUBSCRIBER } from '../../support/command-fakes';

const OPERATION = '5a1e7c2d-0000-4000-8000-00000000f00d';

/** Azure says the operation is still running, forever. */
class StuckOperationApi extends RecordingApi {
  override async getOperationStatus(vault: VaultId, ref: OperationRef): Promise<ArmResult<OperationStatus>> {
    await super.getOperationStatus(vault, ref);
    return { value: { operationId: ref.operationId, state: 'InProgress', jobIds: [] }, meta: { attempts: 1 } };
  }
}

async function runUntilGivenUp(locale: string): Promise<string[]> {
  const h = commandHarness({ api: new StuckOperationApi(), subscriber: { ...SUBSCRIBER, locale } });
  const cmd = trackOperationCommand.match(`track operation ${OPERATION}`)!;
  await trackOperationCommand.handle(cmd, h.ctx);
  expect(h.background).toHaveLength(1);
  let done = false;
  const run = h.background[0].run(new AbortController().signal).then(() => {
    done = true;
  });
  for (let i = 0; i < 1000 && !done; i++) {
    await h.clock.advance(OPERATION_POLL.maxDelayMs);
    await flushMicrotasks();
  }
  await run;
  return h.later.sent.map((s) => (s.kind === 'text' ? s.text : s.kind));
}

describe('track operation that never creates a job', () => {
  it('gives up after the limit and says how long it waited, from the catalog', async () => {
    const sent = await runUntilGivenUp('en-US');
    expect(sent).toEqual([`Operation ${OPERATION} in rg-prod/vault-prod has not created a job after 30 min. I stopped waiting for it.`]);
  });
});

/** Azure says the operation has already ended, with `status`. */
class SettledOperationApi extends RecordingApi {
  constructor(private readonly status: Omit<OperationStatus, 'operationId'>) {
    super();
  }
  override async getOperationStatus(vault: VaultId, ref: OperationRef): Promise<ArmResult<OperationStatus>> {
    await super.getOperationStatus(vault, ref);
    return { value: { operationId: ref.operationId, ...this.status }, meta: { attempts: 1 } };
  }
}

describe('track operation that has already ended', () => {
  it.each([
    [{ state: 'Failed', jobIds: [] }, `Operation ${OPERATION} in rg-prod/vault-prod failed without an error message.`],
    [
      { state: 'Failed', jobIds: [], error: { code: 'UserErrorVmNotFound', message: 'gone' } },
      `Operation ${OPERATION} in rg-prod/vault-prod failed: UserErrorVmNotFound: gone`,
    ],
    [{ state: 'Canceled', jobIds: [] }, `Operation ${OPERATION} in rg-prod/vault-prod was cancelled.`],
    // Ids that are not GUIDs never become job keys.
    [{ state: 'Succeeded', jobIds: ['../x'] }, `Operation ${OPERATION} succeeded without creating a job, so there is nothing to track.`],
  ] as const)('%j answers at once from the catalog', async (status, expected) => {
    const h = commandHarness({ api: new SettledOperationApi(status) });
    await trackOperationCommand.handle(trackOperationCommand.match(`track operation ${OPERATION}`)!, h.ctx);
    expect(h.background).toHaveLength(0);
    expect(h.reply.sent.map((s) => (s.kind === 'text' ? s.text : s.kind))).toEqual([expected]);
  });
});
