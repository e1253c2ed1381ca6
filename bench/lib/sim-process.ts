/**
 * The parent side of sim-child.ts: forks the simulated vault into its own process on 127.0.0.1 and
 * gives the bot an undici dispatcher that stamps each request with the bot's virtual time.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Pool, type Dispatcher } from 'undici';
import type { Clock } from '../../src/core/clock';
import { SimulatorServer } from '../../tools/simulator/server';
import type { SimJobSpec } from '../../tools/simulator/spec';
import { SIM_TIME_HEADER, type FromSimulator, type ToSimulator } from './sim-protocol';

type Reply<K extends FromSimulator['type']> = Extract<FromSimulator, { type: K }>;

export class SimulatorProcess implements BenchSimulator {
  private nextId = 0;
  private readonly waiting = new Map<number, (m: FromSimulator) => void>();
  private failure?: Error;
  private exited?: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (m: FromSimulator) => {
      if (m.type === 'failed') {
        this.failure = new Error(`simulator process: ${m.error}`);
        for (const resolve of this.waiting.values()) resolve(m);
        this.waiting.clear();
        return;
      }
      if ('id' in m) {
        this.waiting.get(m.id)?.(m);
        this.waiting.delete(m.id);
      }
    });
  }

  /** Forks the simulator with `jobs`, its clock at `at` until the first request; resolves once it listens. */
  static async start(jobs: SimJobSpec[], at: number): Promise<SimulatorProcess> {
    // Compiled next to this file (npm run bench:tracker runs dist/); the child needs no TypeScript hook.
    const child = fork(join(__dirname, 'sim-child.js'), [], { serialization: 'advanced', stdio: 'inherit' });
    const url = await new Promise<string>((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`simulator process exited (${code}) before listening`));
      child.once('exit', onExit);
      child.once('message', (m: FromSimulator) => {
        child.off('exit', onExit);
        if (m.type === 'ready') resolve(m.url);
        else reject(new Error(`simulator process did not start: ${m.type === 'failed' ? m.error : m.type}`));
      });
      child.send({ type: 'start', jobs, at } satisfies ToSimulator);
    });
    return new SimulatorProcess(child, url);
  }

  async counts(): Promise<Record<string, number>> {
    const id = ++this.nextId;
    return (await this.ask<'counts'>({ type: 'counts', id }, id)).counts;
  }

  /** jobId → when it ended, for the jobs that had ended by `at`. */
  async endings(at: number): Promise<Map<string, number>> {
    const id = ++this.nextId;
    return new Map(Object.entries((await this.ask<'endings'>({ type: 'endings', id, at }, id)).endedAt));
  }

  /** CPU (user + system) the simulator's process has used so far, in seconds. */
  async cpuSeconds(): Promise<number> {
    const id = ++this.nextId;
    return (await this.ask<'cpu'>({ type: 'cpu', id }, id)).seconds;
  }

  /** Stops the simulator and waits for its process to exit. Safe to call twice. */
  stop(): Promise<void> {
    this.exited ??= new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.send({ type: 'stop' } satisfies ToSimulator);
    });
    return this.exited;
  }

  private ask<K extends FromSimulator['type']>(message: ToSimulator, id: number): Promise<Reply<K>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (m) =>
        m.type === 'failed' ? reject(this.failure ?? new Error(`simulator process: ${m.error}`)) : resolve(m as Reply<K>),
      );
      this.child.send(message);
    });
  }
}

/**
 * A Pool like ArmClient's default (64 sockets, 30 s keep-alive) whose requests carry the bot's
 * virtual time (SIM_TIME_HEADER), read when the request is dispatched. ArmClient takes it as its
 * `dispatcher`; the caller closes it.
 */
export function stampingPool(origin: string, clock: Clock): { dispatcher: Dispatcher; close: () => Promise<void> } {
  const pool = new Pool(origin, { connections: 64, keepAliveTimeout: 30_000 });
  const stamp: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) => {
    const headers = opts.headers;
    if (
      headers !== undefined &&
      headers !== null &&
      (Array.isArray(headers) || typeof headers !== 'object' || Symbol.iterator in headers)
    ) {
      throw new Error('stampingPool expects headers as a plain object (as ArmTransport sends them)');
    }
    return dispatch({ ...opts, headers: { ...(headers ?? {}), [SIM_TIME_HEADER]: String(clock.now()) } }, handler);
  };
  return { dispatcher: pool.compose(stamp), close: () => pool.close() };
}

/** What the benchmark needs of a simulated vault, wherever it runs. */
export interface BenchSimulator {
  readonly url: string;
  counts(): Promise<Record<string, number>>;
  endings(at: number): Promise<Map<string, number>>;
  /** CPU of a simulator in a process of its own; 0 in the bot's process, whose CPU already counts it. */
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

/** The simulated vault in the bot's own process, on the bot's clock (P1: only read counts and virtual latencies matter). */
export class InProcessSimulator implements BenchSimulator {
  private constructor(
    private readonly server: SimulatorServer,
    private readonly jobIds: readonly string[],
    private readonly clock: Clock,
    readonly url: string,
  ) {}

  static async start(jobs: SimJobSpec[], clock: Clock): Promise<InProcessSimulator> {
    const server = new SimulatorServer({ clock, jobs });
    return new InProcessSimulator(
      server,
      jobs.map((j) => j.jobId),
      clock,
      await server.start(0, '127.0.0.1'),
    );
  }

  counts(): Promise<Record<string, number>> {
    return Promise.resolve(this.server.counts());
  }

  endings(at: number): Promise<Map<string, number>> {
    if (at !== this.clock.now()) return Promise.reject(new Error('an in-process simulator answers at its clock only'));
    const out = new Map<string, number>();
    for (const id of this.jobIds) {
      const ended = this.server.truth(id)?.endedAt;
      if (ended !== undefined) out.set(id, ended);
    }
    return Promise.resolve(out);
  }

  cpuSeconds(): Promise<number> {
    return Promise.resolve(0);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
