/**
 * The tracker benchmark's simulated vault, in a process of its own so that the benchmark's event-loop
 * lag and RSS are the bot's alone. Its clock is the bot's virtual clock as stamped on each request
 * (SIM_TIME_HEADER): a job's state is a pure function of its spec and that instant, so every answer
 * is the one the same simulator would give inside the bot's process at that virtual time.
 */
import type { Clock } from '../../src/core/clock';
import { SimulatorServer } from '../../tools/simulator/server';
import { SIM_TIME_HEADER, type FromSimulator, type ToSimulator } from './sim-protocol';

class StampedClock implements Clock {
  current = 0;
  now(): number {
    return this.current;
  }
  sleep(): Promise<void> {
    return Promise.reject(new Error('the benchmark simulator never sleeps on its clock'));
  }
}

function send(message: FromSimulator): void {
  process.send?.(message);
}

const clock = new StampedClock();
let sim: SimulatorServer | undefined;
let jobIds: string[] = [];

async function onMessage(m: ToSimulator): Promise<void> {
  switch (m.type) {
    case 'start': {
      clock.current = m.at;
      jobIds = m.jobs.map((j) => j.jobId);
      sim = new SimulatorServer({
        clock,
        jobs: m.jobs,
        onRequest: (req) => {
          const stamp = Number(req.headers[SIM_TIME_HEADER]);
          // A request without a stamp would be answered at a stale time: fail it loudly instead.
          if (!Number.isFinite(stamp)) throw new Error(`request without ${SIM_TIME_HEADER}: ${req.url ?? ''}`);
          clock.current = stamp;
        },
      });
      send({ type: 'ready', url: await sim.start(0, '127.0.0.1') });
      return;
    }
    case 'counts':
      send({ type: 'counts', id: m.id, counts: sim?.counts() ?? {} });
      return;
    case 'endings': {
      clock.current = m.at;
      const endedAt: Record<string, number> = {};
      for (const jobId of jobIds) {
        const ended = sim?.truth(jobId)?.endedAt;
        if (ended !== undefined) endedAt[jobId] = ended;
      }
      send({ type: 'endings', id: m.id, endedAt });
      return;
    }
    case 'cpu': {
      const used = process.cpuUsage();
      send({ type: 'cpu', id: m.id, seconds: (used.user + used.system) / 1e6 });
      return;
    }
    case 'stop':
      await sim?.stop();
      process.disconnect();
      return;
  }
}

process.on('message', (m: ToSimulator) => {
  onMessage(m).catch((error: unknown) => {
    send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
});

// The benchmark died without saying stop (killed, or crashed): a listening server would keep this process alive.
// After 'stop' the server is already closed, so exiting here loses nothing either way.
process.on('disconnect', () => process.exit(0));
