/**
 * Every job a card can show, for the per-language card tests: the real payloads
 * (../shared/azure-backup-api), one fixture per job type with failures and warnings, the huge
 * failed job, and the simulated vault's whole cast (every job type and outcome), each read back
 * through the real ARM model, running and ended.
 */
import { parseJobResource } from '../../../src/azure/models';
import type { BackupJob } from '../../../src/domain/job';
import { scriptedJobs } from '../../../tools/simulator/spec';
import { createRecord, endOf } from '../../../tools/simulator/job-state';
import { renderJob } from '../../../tools/simulator/job-body';
import { allTypeJobs, exampleJobs, hugeFailedJob, KEY, NOW } from '../cards/fixtures';

export interface SampleJob {
  readonly name: string;
  readonly job: BackupJob;
}

/** The simulator's cast, each job once while it runs and once after it ended. */
export function simulatedJobs(): SampleJob[] {
  const specs = scriptedJobs({ ...KEY.vault, start: NOW });
  return specs.flatMap((spec) => {
    const record = createRecord(spec);
    const running = parseJobResource(renderJob(record, spec.startAt + 30_000, true));
    const ended = parseJobResource(renderJob(record, endOf(record) + 1_000, true));
    const name = `simulated ${spec.jobType} ${spec.entityFriendlyName} ${spec.outcome}`;
    return [
      { name: `${name} (running)`, job: running },
      { name: `${name} (ended)`, job: ended },
    ];
  });
}

export function sampleJobs(): SampleJob[] {
  return [...exampleJobs(), ...allTypeJobs(), { name: 'huge failed job', job: hugeFailedJob() }, ...simulatedJobs()];
}
