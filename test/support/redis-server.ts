/**
 * A throw-away redis-server for tests: 127.0.0.1, a free port, no persistence, stopped after.
 * Without redis-server on the machine the Redis tests skip with a note — except under CI=true,
 * where a missing redis-server is a failure (CI installs it; see .ci/run).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

const BINARY = process.env['REDIS_SERVER_BIN'] ?? 'redis-server';

export function redisServerAvailable(): boolean {
  const r = spawnSync(BINARY, ['--version'], { stdio: 'ignore' });
  return r.status === 0;
}

async function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts redis-server and resolves once it answers PING; with `password`, it requires AUTH (requirepass).
 * With `port` (a restart where a stopped one was), that port and no retry on another.
 */
export async function startRedisServer(opts: { password?: string; port?: number } = {}): Promise<RedisServer> {
  // A port taken between freePort() and redis-server binding it makes the child exit: try again.
  for (let attempt = 0; ; attempt++) {
    const port = opts.port ?? (await freePort());
    const child = spawn(
      BINARY,
      [
        ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
        ...(opts.password === undefined ? [] : ['--requirepass', opts.password]),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (await waitForPing(port, child)) {
      return { url: `redis://127.0.0.1:${port}`, port, stop: () => stopChild(child, exited) };
    }
    await stopChild(child, exited);
    if (attempt >= 2 || opts.port !== undefined) throw new Error(`redis-server did not start on 127.0.0.1:${port}:\n${output}`);
  }
}

async function waitForPing(port: number, child: ChildProcess): Promise<boolean> {
  // Until it answers or exits; the deadline only guards against a server that hangs silently.
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    if (await pingOnce(port)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** A bare RESP PING over TCP (a failed ioredis connect leaves timers behind that keep jest alive). */
function pingOnce(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d: Buffer) => {
      answer += d.toString();
      // NOAUTH: up, and asking for the password it was started with.
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG') || answer.startsWith('-NOAUTH'));
    });
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  // The output pipes can outlive the process and would keep jest from exiting.
  child.stdout?.destroy();
  child.stderr?.destroy();
}

/**
 * `describe` that runs only when redis-server exists. Missing under CI=true: one failing test
 * that says so. Missing locally: skipped, with a note on the console.
 */
export function describeWithRedis(name: string, body: () => void): void {
  if (redisServerAvailable()) {
    describe(name, body);
    return;
  }
  const why = `redis-server not found (install it, e.g. apt-get install redis-server, or set REDIS_SERVER_BIN)`;
  if (process.env['CI'] === 'true') {
    describe(name, () => {
      it('needs redis-server', () => {
        throw new Error(`${why}; CI must provide it`);
      });
    });
    return;
  }
  console.warn(`SKIPPED "${name}": ${why}`);
  describe.skip(name, body);
}
