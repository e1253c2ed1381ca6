import type { Route } from './routes';

const COUNT_KINDS = [
  'getJob',
  'listJobs',
  'operationStatus',
  'cancel',
  'trigger',
  'listItems',
  'getItem',
  'operationResult',
  'notFound',
  'badRequest',
  'throttled',
  'faults',
  'total',
];
const KIND_OF_ROUTE: Record<Route['kind'], string | undefined> = {
  getJob: 'getJob',
  listJobs: 'listJobs',
  operationStatus: 'operationStatus',
  cancel: 'cancel',
  trigger: 'trigger',
  listItems: 'listItems',
  getItem: 'getItem',
  jobOperationResult: 'operationResult',
  operationResult: 'operationResult',
  unknown: undefined,
  badPath: undefined,
};

/** Requests counted by kind (route, outcome): benchmarks and tests compare ARM reads against these. */
export class RequestTally {
  private tally: Record<string, number> = {};

  constructor() {
    this.reset();
  }

  counts(): Record<string, number> {
    return { ...this.tally };
  }

  /** Every kind back to 0, so a caller reading `counts()` sees every key even before its first request. */
  reset(): void {
    this.tally = Object.fromEntries(COUNT_KINDS.map((k) => [k, 0]));
  }

  bump(kind: string): void {
    this.tally[kind] = (this.tally[kind] ?? 0) + 1;
  }

  /** Counts a request's route kind (two routes share 'operationResult'; bad and unknown paths count only in total). */
  bumpRoute(route: Route): void {
    const kind = KIND_OF_ROUTE[route.kind];
    if (kind) this.bump(kind);
  }
}
