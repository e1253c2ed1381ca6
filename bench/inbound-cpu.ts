/**
 * CPU per request (`npm run bench:inbound-cpu`): what one `/api/messages` request costs the bot's
 * process, for the echo bot, `help` and `tracking`, on the same stack as `bench:inbound`. The load
 * comes from autocannon in a separate process (few connections), so `process.cpuUsage()` of this
 * process counts only the servers' work; CPU time moves far less than req/s when other work shares
 * the machine. Rounds are interleaved across the targets; the medians are printed.
 * `-- <rounds> <seconds>` overrides the defaults (5 rounds of 3 s); under `node --cpu-prof` set
 * BENCH_ONLY=echo|help|tracking to profile one target.
 */
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startEchoBot } from './lib/inbound-echo-bot';
import { startInboundStack } from './lib/inbound-stack';
import { percentile, printTable, writeResults } from './lib/stats';
import { personalMessage } from '../test/support/teams-activities';

const ROUNDS = Number(process.argv[2] ?? 5);
const SECONDS = Number(process.argv[3] ?? 3);
const CONNECTIONS = 4;

interface Round {
  readonly ok: number;
  readonly cpuMs: number;
}

/** autocannon's CLI in its own process; resolves with the 2xx count it reports. */
function autocannon(url: string, body: string, seconds: number): Promise<number> {
  const bin = join(process.cwd(), 'node_modules', 'autocannon', 'autocannon.js');
  const args = [bin, '-c', String(CONNECTIONS), '-d', String(seconds), '-m', 'POST', '-H', 'content-type=application/json'];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...args, '-b', body, '-j', url], { maxBuffer: 16 << 20 }, (error, stdout) => {
      if (error) return reject(new Error(`autocannon failed: ${error.message}`));
      const r = JSON.parse(stdout) as { '2xx': number; non2xx: number; errors: number };
      if (r.non2xx + r.errors > 0) return reject(new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`));
      resolve(r['2xx']);
    });
  });
}

async function measure(url: string, body: string, seconds: number): Promise<Round> {
  const before = process.cpuUsage();
  const ok = await autocannon(url, body, seconds);
  const used = process.cpuUsage(before);
  return { ok, cpuMs: (used.user + used.system) / 1000 };
}

async function main(): Promise<void> {
  // No ARM call is made by these three commands: the latency is irrelevant.
  const stack = await startInboundStack({ jobs: 3, latencyMs: 0 });
  const serviceUrl = stack.connector.serviceUrl;
  const chatId = 'a:bench-throughput';
  for (const job of stack.jobs) {
    const res = await fetch(`${stack.app.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(personalMessage(`track job ${job.jobId}`, { serviceUrl, chatId })),
    });
    if (!res.ok) throw new Error(`setup message answered HTTP ${res.status}`);
  }
  const echoBot = await startEchoBot(stack.config.bot, stack.logger);
  const only = process.env['BENCH_ONLY'];
  const targets = [
    { name: 'echo', url: echoBot.url, text: 'help' },
    { name: 'help', url: stack.app.url, text: 'help' },
    { name: 'tracking', url: stack.app.url, text: 'tracking' },
  ].filter((t) => only === undefined || t.name === only);
  const bodyOf = (text: string): string => JSON.stringify(personalMessage(text, { serviceUrl, chatId, id: `bench-cpu-${text}` }));
  const rounds = new Map<string, number[]>(targets.map((t) => [t.name, []]));
  const requests = new Map<string, number>(targets.map((t) => [t.name, 0]));
  try {
    // Warm-up: the JIT compiles the shared paths before anything is counted (1 s left the first round high).
    for (const t of targets) await measure(`${t.url}/api/messages`, bodyOf(t.text), 3);
    for (let i = 0; i < ROUNDS; i++) {
      for (const t of targets) {
        stack.connector.reset();
        const r = await measure(`${t.url}/api/messages`, bodyOf(t.text), SECONDS);
        rounds.get(t.name)!.push(r.cpuMs / Math.max(1, r.ok));
        requests.set(t.name, requests.get(t.name)! + r.ok);
      }
    }
  } finally {
    await echoBot.close();
    await stack.close();
  }
  const echo = percentile(rounds.get('echo') ?? [], 50);
  const rows = targets.map((t) => {
    const all = rounds.get(t.name)!;
    const median = percentile(all, 50);
    return {
      target: t.name,
      requests: requests.get(t.name)!,
      cpuMsPerReq: Number(median.toFixed(3)),
      rounds: all.map((x) => x.toFixed(2)).join(' '),
      echoOverThis: Number.isNaN(echo) ? '' : Number((echo / median).toFixed(2)),
    };
  });
  printTable(rows, ['target', 'requests', 'cpuMsPerReq', 'echoOverThis', 'rounds']);
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  process.stdout.write(
    `\n${ROUNDS} rounds x ${SECONDS} s, ${CONNECTIONS} connections, autocannon in its own process; load average ${load}\n`,
  );
  process.stdout.write(`results: ${writeResults('inbound-cpu', { load, rounds: ROUNDS, seconds: SECONDS, rows })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
