/**
 * `npm run demo` as a user runs it: start the script, read the URL and the commands it prints,
 * paste one into the playground (through its headless API), see a card, press Ctrl-C, and find
 * everything stopped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../scripts/lib/playground-process';
import { cardShows } from './support/stack';
import { Playground } from './support/playground';

const ROOT = path.resolve(__dirname, '..', '..');

async function refused(url: string): Promise<boolean> {
  return fetch(url).then(
    () => false,
    () => true,
  );
}

describe('npm run demo', () => {
  let demo: ChildProcess | undefined;
  let output = '';

  afterAll(() => {
    if (demo && demo.exitCode === null && demo.signalCode === null) demo.kill('SIGKILL');
  });

  it('prints a URL and commands that work, and stops everything on Ctrl-C', async () => {
    const port = await freePort();
    demo = spawn(process.execPath, ['-r', path.join(ROOT, 'scripts', 'register-ts.js'), 'scripts/demo.ts'], {
      cwd: ROOT,
      env: { ...process.env, DEMO_PLAYGROUND_PORT: String(port), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => demo!.once('exit', (code) => resolve(code)));
    demo.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

    const banner = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner within 60 s:\n${output}`)), 60_000);
      const check = (): void => {
        if (/Ctrl-C stops everything/.test(output)) {
          clearTimeout(timer);
          resolve(output);
        }
      };
      demo!.stdout!.on('data', check);
      void exited.then((code) => reject(new Error(`demo exited with ${String(code)}:\n${output}`)));
    });

    const url = /Open (http:\/\/127\.0\.0\.1:\d+)\//.exec(banner)?.[1];
    const commands = [...banner.matchAll(/^ {2}(track job [0-9a-f-]{36})$/gm)].map((m) => m[1]);
    const botUrl = /bot (http:\/\/127\.0\.0\.1:\d+)\/api\/messages/.exec(banner)?.[1];
    const simUrl = /Simulated vault (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(commands).toHaveLength(3);
    // Watch and digest need no job id: the banner offers both.
    expect(banner).toMatch(/^ {2}watch failures$/m);
    expect(banner).toMatch(/^ {2}digest now$/m);
    expect(botUrl).toBeDefined();
    expect(simUrl).toBeDefined();

    const playground = await Playground.attach(url!);
    try {
      const since = playground.mark();
      await playground.send(playground.personalChatId, commands[1]);
      const card = await playground.waitForMessage((m) => m.action === 'createMessage' && m.attachments.length > 0, 20_000, since);
      expect(cardShows(card, 'salesdb')).toBe(true);
      // salesdb is a SQL Server database (workloadType SQLDataBase), which once read as "SAP ASE database".
      expect(cardShows(card, 'SQL database')).toBe(true);
      expect(cardShows(card, 'SAP ASE')).toBe(false);
    } finally {
      await playground.stop();
    }

    demo.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await refused(`${url!}/_debug/ping`)).toBe(true);
    expect(await refused(`${botUrl!}/healthz`)).toBe(true);
    expect(await refused(`${simUrl!}/`)).toBe(true);
  }, 90_000);
});
