/**
 * Inbound benchmark (`npm run bench:inbound`): the real bot (startApp: restify, CloudAdapter,
 * commands, SQLite store, tracker loops; ARM_AUTH=none, LOG_LEVEL=info into a file) on 127.0.0.1,
 * the simulated vault answering every ARM call after 150 ms, a recording Bot Connector as the
 * serviceUrl. All in this process, except autocannon, which runs in a worker thread.
 *
 * Throughput: POST /api/messages with a cheap command that still runs the whole stack (`help`: a
 *   card; `tracking`: a store read and a list card) against an echo bot on the same restify +
 *   CloudAdapter stack, same connections and duration, interleaved in passes so that drift in a
 *   shared machine's load hits all three alike; target bot/echo >= 0.7.
 * Time-to-first-card: 100 concurrent users, each in its own conversation, each sending
 *   `track job <id>` for a job no one tracks yet — once (100 requests), then 10 messages each
 *   (1,000 requests); from sending the POST to the connector receiving the card. Target p99 <= 1 s.
 *   A third run repeats the 1,000 requests over 10 vaults in 10 subscriptions, each with its own
 *   ARM read budget, to separate the bot's latency from the budget's refusals.
 */
import { load, type LoadResult } from './lib/inbound-autocannon';
import { startEchoBot } from './lib/inbound-echo-bot';
import { ReplyWatch } from './lib/inbound-replies';
import { startInboundStack, type BenchJob, type InboundStack } from './lib/inbound-stack';
import { runTtfc, type TtfcRun } from './lib/inbound-ttfc';
import { percentile, printTable, writeResults } from './lib/stats';
import { personalMessage } from '../test/support/teams-activities';

const LATENCY_MS = 150;
const USERS = 100;
const ROUNDS = 10;
const EXTRA_VAULTS = 10;
const CONNECTIONS = 100;
const PASSES = 2;
const DURATION_SEC = 5;
const WARMUP_SEC = 1;
const REQUEST_TIMEOUT_MS = 20_000;
const TTFC_TARGET_MS = 1_000;
const RATIO_TARGET = 0.7;

interface Row {
  scenario: string;
  requests: number;
  /** Requests answered with a card (time-to-first-card runs). */
  cards: number | '';
  /** Time-to-first-card; a request without a card counts as REQUEST_TIMEOUT_MS. Load runs: HTTP latency. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number | '';
  /** First answer of any kind (a card or a refusal text). */
  replyP99Ms: number | '';
  reqPerSec: number;
  ratio: number | '';
  armGets: number | '';
  /** Most job reads in flight at once. */
  armPeak: number | '';
  /** Busy time of the servers' thread per request (load runs). */
  busyMsPerReq: number | '';
  logBytesPerReq: number;
  target: string;
  pass: boolean | '';
}

interface LoadTotals {
  ok: number;
  failed: number;
  seconds: number;
  p50: number[];
  p99: number[];
  logBytes: number;
  busyMs: number;
}

function loadRow(scenario: string, t: LoadTotals, echo: LoadTotals | undefined): Row {
  const rps = t.ok / t.seconds;
  const ratio = echo ? rps / (echo.ok / echo.seconds) : undefined;
  return {
    scenario,
    requests: t.ok + t.failed,
    cards: '',
    p50Ms: Math.max(...t.p50),
    p99Ms: Math.max(...t.p99),
    maxMs: '',
    replyP99Ms: '',
    reqPerSec: Math.round(rps),
    ratio: ratio === undefined ? '' : Number(ratio.toFixed(2)),
    armGets: '',
    armPeak: '',
    busyMsPerReq: Number((t.busyMs / Math.max(1, t.ok)).toFixed(2)),
    logBytesPerReq: Math.round(t.logBytes / Math.max(1, t.ok)),
    target: echo ? `ratio >= ${RATIO_TARGET}` : 'baseline',
    pass: ratio === undefined ? '' : ratio >= RATIO_TARGET && t.failed === 0,
  };
}

function ttfcRow(scenario: string, run: TtfcRun, arm: { gets: number; peak: number }, logBytes: number): Row {
  const cards = run.samples.filter((s) => s.card && s.firstReplyMs !== undefined);
  const all = run.samples.map((s) => (s.card && s.firstReplyMs !== undefined ? s.firstReplyMs : REQUEST_TIMEOUT_MS));
  const replies = run.samples.map((s) => s.firstReplyMs ?? REQUEST_TIMEOUT_MS);
  const p99 = percentile(all, 99);
  return {
    scenario,
    requests: run.samples.length,
    cards: cards.length,
    p50Ms: Math.round(percentile(all, 50)),
    p99Ms: Math.round(p99),
    maxMs: Math.round(Math.max(...all)),
    replyP99Ms: Math.round(percentile(replies, 99)),
    reqPerSec: Math.round(run.samples.length / (run.wallMs / 1000)),
    ratio: '',
    armGets: arm.gets,
    armPeak: arm.peak,
    busyMsPerReq: '',
    logBytesPerReq: Math.round(logBytes / run.samples.length),
    target: `p99 <= ${TTFC_TARGET_MS} ms`,
    pass: cards.length === run.samples.length && p99 <= TTFC_TARGET_MS,
  };
}

async function throughput(stack: InboundStack, rows: Row[]): Promise<void> {
  const serviceUrl = stack.connector.serviceUrl;
  const chatId = 'a:bench-throughput';
  // `tracking` lists what this chat tracks: give it three jobs, so it reads rows and renders a card.
  for (const job of stack.jobs.slice(-3)) await post(stack.app.url, personalMessage(`track job ${job.jobId}`, { serviceUrl, chatId }));
  const echoBot = await startEchoBot(stack.config.bot, stack.logger);
  const targets = [
    { name: 'echo bot (help)', url: echoBot.url, text: 'help' },
    { name: 'bot: help', url: stack.app.url, text: 'help' },
    { name: 'bot: tracking', url: stack.app.url, text: 'tracking' },
  ];
  const totals = new Map<string, LoadTotals>(
    targets.map((t) => [t.name, { ok: 0, failed: 0, seconds: 0, p50: [], p99: [], logBytes: 0, busyMs: 0 }]),
  );
  const bodyOf = (text: string): string => JSON.stringify(personalMessage(text, { serviceUrl, chatId, id: `bench-load-${text}` }));
  try {
    // Untimed: the JIT warms up the code all three share before the first measured run.
    for (const target of targets)
      await load({
        url: `${target.url}/api/messages`,
        body: bodyOf(target.text),
        connections: CONNECTIONS,
        durationSec: WARMUP_SEC,
        warmupSec: 0,
      });
    for (let pass = 0; pass < PASSES; pass++) {
      for (const target of targets) {
        // The connector keeps every activity it records: a growing heap would tax later runs with GC.
        stack.connector.reset();
        const before = stack.logBytes();
        const body = bodyOf(target.text);
        const r: LoadResult = await load({
          url: `${target.url}/api/messages`,
          body,
          connections: CONNECTIONS,
          durationSec: DURATION_SEC,
          warmupSec: WARMUP_SEC,
        });
        const t = totals.get(target.name)!;
        t.ok += r.ok;
        t.failed += r.failed;
        // Not ok / reqPerSec: a pass with no answer at all would make that NaN and the whole row with it.
        t.seconds += r.seconds;
        t.p50.push(r.latencyP50Ms);
        t.p99.push(r.latencyP99Ms);
        t.logBytes += stack.logBytes() - before;
        t.busyMs += r.busyMsPerReq * r.ok;
      }
    }
  } finally {
    await echoBot.close();
  }
  const echo = totals.get(targets[0].name)!;
  rows.push(loadRow(targets[0].name, echo, undefined));
  for (const target of targets.slice(1)) rows.push(loadRow(target.name, totals.get(target.name)!, echo));
}

async function timeToFirstCard(stack: InboundStack, rows: Row[]): Promise<void> {
  const pools = { main: [...stack.jobs], extra: [...stack.extraJobs] };
  const textFor = (pool: BenchJob[], withVault: boolean) => (): string => {
    const job = pool.shift();
    if (!job) throw new Error('the simulated vault ran out of fresh jobs');
    return withVault ? `track job ${job.jobId} in ${job.vaultName}` : `track job ${job.jobId}`;
  };
  const runs = [
    { scenario: `track job, ${USERS} users x 1`, rounds: 1, nextText: textFor(pools.main, false) },
    { scenario: `track job, ${USERS} users x ${ROUNDS}`, rounds: ROUNDS, nextText: textFor(pools.main, false) },
    { scenario: `same, ${EXTRA_VAULTS} vaults/subscriptions`, rounds: ROUNDS, nextText: textFor(pools.extra, true) },
  ];
  const watch = new ReplyWatch(stack.connector);
  try {
    for (const [i, r] of runs.entries()) {
      const gets = stack.sim.counts()['getJob'] ?? 0;
      const logBefore = stack.logBytes();
      stack.api.take();
      const run = await runTtfc({
        botUrl: stack.app.url,
        serviceUrl: stack.connector.serviceUrl,
        watch,
        users: USERS,
        rounds: r.rounds,
        nextText: r.nextText,
        timeoutMs: REQUEST_TIMEOUT_MS,
        label: `ttfc${i}`,
      });
      const arm = { gets: (stack.sim.counts()['getJob'] ?? 0) - gets, peak: stack.api.take().peakInFlight };
      rows.push(ttfcRow(r.scenario, run, arm, stack.logBytes() - logBefore));
      reportNonCards(r.scenario, run);
    }
  } finally {
    await watch.stop();
  }
}

/** What the users saw instead of a card, grouped, so a miss is explained and not only counted. */
function reportNonCards(scenario: string, run: TtfcRun): void {
  const kinds = new Map<string, number>();
  for (const s of run.samples) {
    if (s.card) continue;
    const what =
      s.firstReplyMs === undefined
        ? `no answer within ${REQUEST_TIMEOUT_MS} ms (HTTP ${s.status})`
        : `text: ${(s.text ?? '').slice(0, 100)}`;
    kinds.set(what, (kinds.get(what) ?? 0) + 1);
  }
  for (const [what, n] of kinds) process.stdout.write(`${scenario}: ${n} without a card: ${what}\n`);
}

/** Blank cells of the table are null in the results file. */
function jsonRow(row: Row): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === '' ? null : v]));
}

async function post(botUrl: string, activity: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${botUrl}/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(activity),
  });
  if (!res.ok) throw new Error(`setup message answered HTTP ${res.status}`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const stack = await startInboundStack({
    jobs: USERS + USERS * ROUNDS + 3,
    extraVaults: EXTRA_VAULTS,
    jobsPerExtraVault: (USERS * ROUNDS) / EXTRA_VAULTS,
    latencyMs: LATENCY_MS,
  });
  const rows: Row[] = [];
  // `npm run bench:inbound -- throughput` (or `ttfc`) runs one half, e.g. under --cpu-prof.
  const only = process.argv[2];
  try {
    if (only === undefined || only === 'throughput') await throughput(stack, rows);
    if (only === undefined || only === 'ttfc') await timeToFirstCard(stack, rows);
  } finally {
    await stack.close();
  }
  process.stdout.write('\n');
  printTable(rows, [
    'scenario',
    'requests',
    'cards',
    'p50Ms',
    'p99Ms',
    'maxMs',
    'replyP99Ms',
    'reqPerSec',
    'ratio',
    'armGets',
    'armPeak',
    'busyMsPerReq',
    'logBytesPerReq',
    'target',
    'pass',
  ]);
  const echo = rows.find((r) => r.scenario.startsWith('echo'));
  process.stdout.write(
    `\nARM latency ${LATENCY_MS} ms; autocannon ${CONNECTIONS} connections, ${PASSES} x ${DURATION_SEC} s (+${WARMUP_SEC} s warm-up) per target, interleaved\n`,
  );
  for (const r of rows.filter((x) => x.ratio !== '')) {
    process.stdout.write(
      `${r.scenario}: ${r.reqPerSec} req/s vs echo ${echo?.reqPerSec ?? '?'} req/s = ${Number(r.ratio).toFixed(2)}x (target >= ${RATIO_TARGET})\n`,
    );
  }
  for (const r of rows.filter((x) => x.armGets !== '')) {
    process.stdout.write(
      `${r.scenario}: time-to-first-card p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms (target <= ${TTFC_TARGET_MS}), ${r.cards}/${r.requests} cards\n`,
    );
  }
  process.stdout.write(`results: ${writeResults('inbound', rows.map(jsonRow))}\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

main().then(
  // autocannon's worker and pino's async destination may hold the loop open a little longer.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
