import { ArmError } from '../../../src/azure/errors';
import { VirtualClock } from '../../../src/core/clock';
import { ReadBudget } from '../../../src/tracker/budget';
import { BudgetedApi } from '../../../src/tracker/budgeted-api';
import { ReadBudgetExhausted } from '../../../src/tracker/read-guard';
import { ALLOWED, RecordingApi, armError } from '../../support/command-fakes';

const vault = ALLOWED.vaults[0];
const op = { kind: 'guid', operationId: '00000000-0000-4000-8000-0000000000aa' } as const;

function setup(capacity: number, behaviour?: ConstructorParameters<typeof RecordingApi>[0], maxWaitMs = 0) {
  const clock = new VirtualClock();
  const inner = new RecordingApi(behaviour);
  const budget = new ReadBudget({ capacity, refillPerSec: 10 });
  return { clock, inner, budget, api: new BudgetedApi(inner, budget, clock, { maxWaitMs }) };
}

describe('BudgetedApi', () => {
  it('sends no read once the bucket is empty, and says how long until the next token', async () => {
    const { inner, api } = setup(2);
    await api.listJobs(vault);
    await api.getOperationStatus(vault, op);
    const refused = await api.getJob({ vault, jobId: '00000000-0000-4000-8000-000000000001' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ReadBudgetExhausted);
    expect(refused).toMatchObject({ kind: 'throttled', retryAfterMs: 100 });
    expect(inner.calls).toHaveLength(2);
    expect(api.refused).toBe(1);
  });

  it('a read within the wait limit waits for its reserved token on the clock, then goes', async () => {
    const { clock, inner, api } = setup(1, undefined, 250);
    await api.listJobs(vault);
    const waiting = api.listJobs(vault);
    const third = api.listJobs(vault);
    const fourth = api.listJobs(vault).catch((e: unknown) => e);
    expect(await fourth).toBeInstanceOf(ReadBudgetExhausted);
    expect(inner.calls).toHaveLength(1);
    await clock.advance(200);
    await Promise.all([waiting, third]);
    expect(inner.calls).toHaveLength(3);
  });

  it('a 429 from Azure pauses the subscription for its Retry-After: the next read is not sent', async () => {
    let throttle = true;
    const { inner, api } = setup(10, () => {
      if (throttle) throw armError('throttled', { retryAfterMs: 20_000 });
    });
    await expect(api.listJobs(vault)).rejects.toBeInstanceOf(ArmError);
    throttle = false;
    // The pause, then one refill interval (a 429 empties the bucket).
    await expect(api.listJobs(vault)).rejects.toMatchObject({ kind: 'throttled', retryAfterMs: 20_100 });
    expect(inner.calls).toHaveLength(1);
  });

  it('cancel (a write) does not spend read budget', async () => {
    const { inner, api } = setup(0);
    await api.cancelJob({ vault, jobId: '00000000-0000-4000-8000-000000000001' });
    expect(inner.calls).toHaveLength(1);
  });
});
