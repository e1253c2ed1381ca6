import { ArmClient } from '../../../src/azure/arm-client';
import { parseJobRef, parseVaultRef } from '../../../src/azure/ids';
import type { JobKey, VaultId } from '../../../src/domain/job';
import { startSimulator, type RunningSimulator } from '../../../tools/simulator/main';
import { RecordingClock } from './scripted-server';

/** Smoke test: the client against the simulated vault the demo and benchmarks use. */
describe('ArmClient against the simulator', () => {
  const clock = new RecordingClock(Date.UTC(2026, 0, 1, 2, 0, 0));
  let sim: RunningSimulator;
  let arm: ArmClient;
  let vault: VaultId;

  beforeAll(async () => {
    sim = await startSimulator({ clock: clock.inner });
    arm = new ArmClient({ endpoint: sim.url, credential: 'none', clock });
    const ref = parseVaultRef(sim.vault);
    if (ref.kind !== 'groupAndName') throw new Error('unexpected vault form');
    vault = { subscriptionId: sim.subscriptionId, resourceGroup: ref.resourceGroup, vaultName: ref.vaultName };
  });
  afterAll(async () => {
    await arm.close();
    await sim.stop();
  });

  it('gets every job the simulator announces, by its full ARM id', async () => {
    for (const j of sim.jobIds) {
      const ref = parseJobRef(j.id);
      if (ref.kind !== 'resourceId') throw new Error('expected a resource id');
      const { value } = await arm.getJob(ref.key);
      expect(value.jobType).toBe(j.jobType);
      expect(value.jobId).toBe(ref.key.jobId);
    }
  });

  it('lists the vault, with and without a filter', async () => {
    const all = await arm.listJobs(vault);
    expect(all.value).toHaveLength(sim.jobs.length);
    const running = await arm.listJobs(vault, { status: 'InProgress', startTime: '2025-12-31T00:00:00Z', endTime: '2026-01-02T00:00:00Z' });
    expect(running.value.length).toBeGreaterThan(0);
    expect(running.value.every((j) => j.status === 'InProgress')).toBe(true);
  });

  it('cancels a running job through the Location poll', async () => {
    const { value } = await arm.listJobs(vault, { status: 'InProgress' });
    const target = value.find((j) => j.isCancellable);
    if (!target) throw new Error('the simulator should serve a cancellable running job');
    const key: JobKey = { vault, jobId: target.jobId };
    const sleepsBefore = clock.sleeps.length;
    await expect(arm.cancelJob(key)).resolves.toMatchObject({ value: { accepted: true } });
    // The simulator answers 202 with a Location and Retry-After, so at least one poll wait happened.
    expect(clock.sleeps.length).toBeGreaterThan(sleepsBefore);
    const after = await arm.getJob(key);
    expect(['Cancelling', 'Cancelled']).toContain(after.value.status);
  });
});
