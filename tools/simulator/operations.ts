import { formatTimestamp } from './format';
import type { Json } from './job-body';

/** A long-running ARM operation: a triggered backup (yields a job) or a job cancellation. */
export interface SimOperation {
  readonly id: string;
  readonly vaultKey: string;
  readonly kind: 'trigger' | 'cancel';
  readonly startedAt: number;
  readonly doneAt: number;
  readonly jobId?: string;
  readonly fail?: { readonly code: string; readonly message: string };
}

export type OperationState = 'InProgress' | 'Succeeded' | 'Failed';

export function operationState(op: SimOperation, now: number): OperationState {
  if (now < op.doneAt) return 'InProgress';
  return op.fail ? 'Failed' : 'Succeeded';
}

/** Unfinished operations report the `0001-01-01` end time, as the service does. */
const NO_END = '0001-01-01T00:00:00Z';

/** OperationStatus body (BackupOperationStatuses_Get / ProtectedItemOperationStatuses_Get). */
export function operationStatusBody(op: SimOperation, now: number): { [key: string]: Json } {
  const state = operationState(op, now);
  const body: { [key: string]: Json } = {
    id: op.id,
    name: op.id,
    status: state,
    startTime: formatTimestamp(op.startedAt),
    endTime: state === 'InProgress' ? NO_END : formatTimestamp(op.doneAt),
  };
  if (state === 'Succeeded' && op.jobId) body['properties'] = { objectType: 'OperationStatusJobExtendedInfo', jobId: op.jobId };
  if (state === 'Failed' && op.fail) body['error'] = { code: op.fail.code, message: op.fail.message };
  return body;
}
