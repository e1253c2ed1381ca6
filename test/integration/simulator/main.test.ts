import { spawn } from 'node:child_process';
import path from 'node:path';
import { request } from 'undici';
import { VirtualClock } from '../../../src/core/clock';
import { describeSimulator, startSimulator } from '../../../tools/simulator/main';
import { ScaledClock } from '../../../tools/simulator/scaled-clock';
import { obj, START, type JsonObject } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('ScaledClock', () => {
  it('runs real time faster by its speed, from a chosen start', async () => {
    const real = new VirtualClock(1_000_000);
    const clock = new ScaledClock(60, { start: START, real });
    expect(clock.now()).toBe(START);
    await real.advance(1_000);
    expect(clock.now()).toBe(START + 60_000);
    // Sleeping a simulated minute takes a real second.
    let woke = false;
    const sleeping = clock.sleep(60_000).then(() => (woke = true));
    await real.advance(999);
    expect(woke).toBe(false);
    await real.advance(1);
    await sleeping;
    expect(woke).toBe(true);
  });

  it('refuses a speed that is not positive', () => {
    expect(() => new ScaledClock(0)).toThrow(RangeError);
    expect(() => new ScaledClock(-2)).toThrow(RangeError);
  });
});

describe('startSimulator (what the demo calls in-process)', () => {
  it('serves the scripted jobs it announces, by their full ARM ids', async () => {
    const clock = new VirtualClock(START);
    const sim = await startSimulator({ clock });
    try {
      const text = describeSimulator(sim, 1);
      expect(text).toContain(`ARM_ENDPOINT=${sim.url}`);
      expect(text).toContain('ARM_AUTH=none');
      expect(text).toContain(`AZURE_SUBSCRIPTION_ID=${sim.subscriptionId}`);
      expect(text).toContain('BACKUP_VAULTS=rg-backup/vault-demo');
      expect(sim.jobIds).toHaveLength(sim.jobs.length);
      for (const j of sim.jobIds) {
        expect(text).toContain(j.id);
        const res = await request(`${sim.url}${j.id}?api-version=2026-02-01`);
        const body = (await res.body.json()) as JsonObject;
        expect(res.statusCode).toBe(200);
        expect(obj(body['properties'])['jobType']).toBe(j.jobType);
      }
    } finally {
      await sim.stop();
      await sim.stop(); // idempotent
    }
  });
});

describe('npm run simulator', () => {
  it('prints its URL, the bot settings and every job, serves them, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['-r', path.join(ROOT, 'scripts', 'register-ts.js'), 'tools/simulator/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, SIM_PORT: '0', SIM_SPEED: '30' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`simulator did not print its jobs: ${out}`)), 20_000);
        child.stdout.on('data', () => {
          if (out.includes('Ctrl-C')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const url = /ARM_ENDPOINT=(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      expect(url).toBeDefined();
      const ids = [...out.matchAll(/(\/subscriptions\/\S+\/backupJobs\/[0-9a-f-]{36})/g)].map((m) => m[1]);
      expect(ids.length).toBeGreaterThanOrEqual(10);
      expect(out).toContain('speed x30');
      const res = await request(`${url}${ids[0]}?api-version=2026-02-01`);
      expect(res.statusCode).toBe(200);
      await res.body.text();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
