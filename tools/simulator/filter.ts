/**
 * BackupJobs_List `$filter`: `field eq 'value'` clauses joined by `and`, fields from the spec's
 * JobQueryObject. Parsed strictly: anything else is a 400, as a strict server would answer, so a
 * client that builds a wrong filter finds out here and not in production.
 */
import { isGuid } from '../../src/azure/id-rules';

export interface JobFilter {
  status?: string;
  operation?: string;
  backupManagementType?: string;
  jobId?: string;
  /** Epoch ms; a job matches when it started within [startTime, endTime]. */
  startTime?: number;
  endTime?: number;
}

export class FilterError extends Error {}

const STATUS = ['Invalid', 'InProgress', 'Completed', 'Failed', 'CompletedWithWarnings', 'Cancelled', 'Cancelling'];
const OPERATION = [
  'Invalid',
  'Register',
  'UnRegister',
  'ConfigureBackup',
  'Backup',
  'Restore',
  'DisableBackup',
  'DeleteBackupData',
  'CrossRegionRestore',
  'Undelete',
  'UpdateCustomerManagedKey',
];
const MANAGEMENT = [
  'Invalid',
  'AzureIaasVM',
  'MAB',
  'DPM',
  'AzureBackupServer',
  'AzureSql',
  'AzureStorage',
  'AzureWorkload',
  'DefaultBackup',
];
const FIELDS = new Map<string, keyof JobFilter>(
  (['status', 'operation', 'backupManagementType', 'jobId', 'startTime', 'endTime'] as const).map((f) => [f.toLowerCase(), f]),
);

export function parseFilter(text: string): JobFilter {
  const tokens = tokenize(text);
  const filter: JobFilter = {};
  let i = 0;
  for (;;) {
    const field = tokens[i++];
    const op = tokens[i++];
    const value = tokens[i++];
    if (!field || field.kind !== 'word') throw new FilterError(`expected a field name at clause ${clauseNo(i)}`);
    const key = FIELDS.get(field.text.toLowerCase());
    if (!key) throw new FilterError(`unknown filter field '${field.text}'`);
    if (!op || op.kind !== 'word' || op.text.toLowerCase() !== 'eq') throw new FilterError(`only 'eq' is supported after '${field.text}'`);
    if (!value || value.kind !== 'string') throw new FilterError(`expected a quoted value after '${field.text} eq'`);
    if (filter[key] !== undefined) throw new FilterError(`'${key}' given twice`);
    assign(filter, key, value.text);
    const next = tokens[i++];
    if (!next) break;
    if (next.kind !== 'word' || next.text.toLowerCase() !== 'and') throw new FilterError(`expected 'and' after '${key}' clause`);
  }
  if ((filter.startTime === undefined) !== (filter.endTime === undefined)) {
    throw new FilterError('startTime and endTime must be given together');
  }
  if (filter.startTime !== undefined && filter.endTime !== undefined && filter.startTime > filter.endTime) {
    throw new FilterError('startTime is after endTime');
  }
  return filter;
}

function assign(filter: JobFilter, key: keyof JobFilter, value: string): void {
  switch (key) {
    case 'status':
      filter.status = oneOf(value, STATUS, key);
      return;
    case 'operation':
      filter.operation = oneOf(value, OPERATION, key);
      return;
    case 'backupManagementType':
      filter.backupManagementType = oneOf(value, MANAGEMENT, key);
      return;
    case 'jobId':
      if (!isGuid(value)) throw new FilterError(`jobId '${value}' is not a GUID`);
      filter.jobId = value.toLowerCase();
      return;
    case 'startTime':
    case 'endTime':
      filter[key] = parseFilterTime(value, key);
      return;
  }
}

function oneOf(value: string, allowed: string[], key: string): string {
  const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!found) throw new FilterError(`'${value}' is not a valid ${key}`);
  return found;
}

const AM_PM = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?(?:\s*([AP]M))?$/i;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** Accepts ISO 8601 with a zone, and the examples' `2016-01-01 00:00:00 AM` (taken as UTC). */
export function parseFilterTime(value: string, key: string): number {
  if (ISO.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  const m = AM_PM.exec(value);
  if (m) {
    const [, y, mo, d, h, mi, s, half] = m;
    let hour = Number(h);
    if (half) {
      if (hour > 12) throw new FilterError(`${key} '${value}' has hour ${hour} with ${half}`);
      if (half.toUpperCase() === 'AM' && hour === 12) hour = 0;
      if (half.toUpperCase() === 'PM' && hour < 12) hour += 12;
    }
    const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), hour, Number(mi), Number(s));
    const back = new Date(ms);
    if (hour < 24 && Number(mi) < 60 && Number(s) < 60 && back.getUTCDate() === Number(d) && back.getUTCMonth() === Number(mo) - 1) {
      return ms;
    }
  }
  throw new FilterError(`${key} '${value}' is not a valid date and time`);
}

type Token = { kind: 'word' | 'string'; text: string };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new FilterError('unterminated quoted value');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      out.push({ kind: 'string', text: value });
    } else if (/[A-Z]/i.test(c)) {
      let j = i;
      while (j < text.length && /\w/.test(text[j])) j++;
      out.push({ kind: 'word', text: text.slice(i, j) });
      i = j;
    } else {
      throw new FilterError(`unexpected character '${c}' at position ${i}`);
    }
  }
  if (out.length === 0) throw new FilterError('empty filter');
  return out;
}

function clauseNo(tokenIndex: number): number {
  return Math.floor(tokenIndex / 4) + 1;
}
