/**
 * What the tracker benchmark and its simulator process say to each other (IPC, structured clone),
 * and the header that carries the bot's virtual time to the simulator with every ARM request.
 */
import type { SimJobSpec } from '../../tools/simulator/spec';

/** Virtual epoch ms at which the bot sent the request; the simulator answers as of that instant. */
export const SIM_TIME_HEADER = 'x-bench-sim-now';

export type ToSimulator =
  | { readonly type: 'start'; readonly jobs: SimJobSpec[]; readonly at: number }
  | { readonly type: 'counts'; readonly id: number }
  /** When each job ended, for the jobs that had ended by `at`. */
  | { readonly type: 'endings'; readonly id: number; readonly at: number }
  /** CPU (user + system) the simulator process has used so far. */
  | { readonly type: 'cpu'; readonly id: number }
  | { readonly type: 'stop' };

export type FromSimulator =
  | { readonly type: 'ready'; readonly url: string }
  | { readonly type: 'counts'; readonly id: number; readonly counts: Record<string, number> }
  | { readonly type: 'endings'; readonly id: number; readonly endedAt: Record<string, number> }
  | { readonly type: 'cpu'; readonly id: number; readonly seconds: number }
  | { readonly type: 'failed'; readonly error: string };
