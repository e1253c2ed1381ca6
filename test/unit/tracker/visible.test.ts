import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseJobResource } from '../../../src/azure/models';
import type { BackupJob } from '../../../src/domain/job';
import { floorToStep, isMajorChange, visibleDigest, visibleState } from '../../../src/tracker/visible';

const SHARED = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'azure-backup-api');

function fixtureJob(rel: string): BackupJob {
  const raw = JSON.parse(readFileSync(path.join(SHARED, rel), 'utf8')) as { responses?: { '200': { body: unknown } } };
  return parseJobResource(raw.responses ? raw.responses['200'].body : raw);
}

describe('visibleState', () => {
  const running = fixtureJob('examples/Common/GetJobDetails.json');

  it('shows the status and each task of a real running job', () => {
    expect(visibleState(running)).toEqual({
      status: 'InProgress',
      tasks: [
        { name: 'Take Snapshot', status: 'InProgress' },
        { name: 'Transfer data to vault', status: 'NotStarted' },
      ],
    });
  });

  it('floors progress to 5 % steps: 41→43 % is invisible, 41→46 % is a change', () => {
    const at = (p: number): string => visibleDigest({ ...running, progressPercentage: p });
    expect(at(41)).toBe(at(43));
    expect(at(41)).not.toBe(at(46));
    expect(floorToStep(99.9)).toBe(95);
    expect(floorToStep(100)).toBe(100);
    expect(floorToStep(-3)).toBe(0);
  });

  it('shows remaining time in whole minutes, rounded up', () => {
    const at = (ms: number): string => visibleDigest({ ...running, estimatedRemainingMs: ms });
    expect(at(61_000)).toBe(at(119_000));
    expect(at(119_000)).not.toBe(at(121_000));
    expect(visibleState({ ...running, estimatedRemainingMs: 30_000 }).remainingMin).toBe(1);
  });

  it('changes when a task changes status or its progress crosses a step', () => {
    const tasks = running.tasks.map((t, i) => (i === 0 ? { ...t, status: 'Completed' } : t));
    expect(visibleDigest({ ...running, tasks })).not.toBe(visibleDigest(running));
    const t1 = running.tasks.map((t) => ({ ...t, progressPercentage: 12 }));
    const t2 = running.tasks.map((t) => ({ ...t, progressPercentage: 14 }));
    const t3 = running.tasks.map((t) => ({ ...t, progressPercentage: 15 }));
    expect(visibleDigest({ ...running, tasks: t1 })).toBe(visibleDigest({ ...running, tasks: t2 }));
    expect(visibleDigest({ ...running, tasks: t1 })).not.toBe(visibleDigest({ ...running, tasks: t3 }));
  });

  it('ignores what is not shown as a change: duration ticking on', () => {
    expect(visibleDigest({ ...running, durationMs: 1 })).toBe(visibleDigest({ ...running, durationMs: 99_000 }));
  });

  it('tells a status or task-status change (major) from progress only', () => {
    const done = fixtureJob('examples/docs/managejobs_AzureIaaSVMJob_Completed.json');
    expect(done.status).toBe('Completed');
    expect(isMajorChange(running, done)).toBe(true);
    expect(isMajorChange(running, { ...running, progressPercentage: 50 })).toBe(false);
    expect(isMajorChange(undefined, running)).toBe(true);
  });
});
