/**
 * Slow-client limits of the bot's own server (startApp through the harness), over raw sockets on
 * 127.0.0.1. Limits are set small so the tests wait for events (an answer, a socket's 'close'),
 * never for an amount of time, and assert nothing about how long anything took.
 */
import net from 'node:net';
import { startBotHarness, type BotHarness } from '../../support/bot-harness';
import { captureLog, type CapturedLog } from '../../support/log-capture';
import { rawExchange } from '../../support/raw-http';

interface Held {
  readonly socket: net.Socket;
  /** Everything received, once the socket closed. */
  readonly closed: Promise<string>;
}

/** Connects and sends `text`; resolves once the connection is open (and, with `untilData`, once the server answered). */
function connect(port: number, text: string, untilData: boolean): Promise<Held> {
  return new Promise<Held>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    const closed = new Promise<string>((done) => socket.once('close', () => done(Buffer.concat(received).toString('latin1'))));
    // ECONNRESET when the server drops the connection: 'close' follows.
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      received.push(d);
      if (untilData) resolve({ socket, closed });
    });
    socket.once('connect', () => {
      socket.write(text);
      if (!untilData) resolve({ socket, closed });
    });
    // A socket dropped before any data still resolves, through 'close'.
    void closed.then(() => resolve({ socket, closed }));
  });
}

const healthz = (port: number): string => `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`;
const partialPost = (port: number, declared: number, body: string): string =>
  `POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n${body}`;

describe('maxConnections', () => {
  let h: BotHarness;
  let log: CapturedLog;
  beforeAll(async () => {
    log = captureLog('debug');
    // keep-alive long enough that the held connections stay open however slow the machine is.
    h = await startBotHarness({ overrides: { logger: log.logger, serverLimits: { maxConnections: 3, keepAliveTimeoutMs: 600_000 } } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('with 3 connections open (each answered, kept alive), connections 4 to 8 are closed unanswered, with one log line', async () => {
    const held = await Promise.all([0, 1, 2].map(() => connect(h.app.port, healthz(h.app.port), true)));
    for (let extra = 0; extra < 5; extra++) {
      const c = await connect(h.app.port, healthz(h.app.port), false);
      expect(await c.closed).toBe('');
    }
    // The held ones were answered and are still usable.
    const again = held[0];
    const answer = new Promise<string>((resolve) => again.socket.once('data', (d: Buffer) => resolve(d.toString('latin1'))));
    again.socket.write(healthz(h.app.port));
    expect(await answer).toMatch(/^HTTP\/1\.1 200 /);
    const drops = log.records().filter((r) => r['msg'] === 'connection refused: too many open connections');
    // The app clock is virtual and does not move: five drops, one line.
    expect(drops).toEqual([expect.objectContaining({ maxConnections: 3, failures: 1, suppressed: 0 })]);
    for (const c of held) c.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
  });
});

describe('body timeout (checked by the bot while it reads the body)', () => {
  let h: BotHarness;
  let log: CapturedLog;
  beforeAll(async () => {
    log = captureLog('debug');
    h = await startBotHarness({ overrides: { logger: log.logger, serverLimits: { bodyTimeoutMs: 200 } } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers 408 and closes the connection of a client that stalls mid-body', async () => {
    // 10 of 1000 declared bytes, then nothing: rawExchange resolves only when the server closes the socket.
    const r = await rawExchange({
      port: h.app.port,
      head: partialPost(h.app.port, 1000, '').trimEnd(),
      body: Buffer.from('{"type":"m'),
    });
    expect(r.status).toBe(408);
    expect(r.response).toMatch(/\r\nconnection: close\r\n/i);
    const refused = log.records().filter((rec) => rec['msg'] === 'request refused');
    expect(refused).toEqual([expect.objectContaining({ status: 408, reason: 'body not received within 200 ms' })]);
    expect(h.connector.activities).toEqual([]);
  });
});

describe("node's requestTimeout and headersTimeout", () => {
  let h: BotHarness;
  beforeAll(async () => {
    // The bot's own body timeout out of the way: what closes these sockets is node's check.
    h = await startBotHarness({
      overrides: { serverLimits: { requestTimeoutMs: 300, headersTimeoutMs: 300, bodyTimeoutMs: 600_000, checkIntervalMs: 50 } },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('closes the socket of a client that stalls mid-body, with 408', async () => {
    const c = await connect(h.app.port, partialPost(h.app.port, 1000, '{"type":"m'), false);
    expect(await c.closed).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes the socket of a client that never finishes its headers (slowloris), with 408', async () => {
    const c = await connect(h.app.port, `POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1:${h.app.port}\r\nX-Slow: a`, false);
    expect(await c.closed).toMatch(/^HTTP\/1\.1 408 /);
  });
});
